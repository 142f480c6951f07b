"""Code generation that also tells where given nodes are (1-based lines, 0-based columns).

LibCST's PositionProvider records every node and splits every token with a regular expression;
findings need a handful of nodes.  Here codegen notes token indices for the wanted nodes only, and
lines and columns are computed once from the generated text.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import libcst as cst
from libcst._nodes.internal import CodegenState

_NEWLINE = re.compile(r"\r\n?|\n")


@dataclasses.dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int


@dataclasses.dataclass
class _MarkingState(CodegenState):
    wanted: set = dataclasses.field(default_factory=set)
    marks: dict = dataclasses.field(default_factory=dict)  # node -> (start token, end token)
    stack: list = dataclasses.field(default_factory=list)

    def before_codegen(self, node: cst.CSTNode) -> None:
        if node in self.wanted:
            self.stack.append(len(self.tokens))

    def after_codegen(self, node: cst.CSTNode) -> None:
        if node in self.wanted:
            start = self.stack.pop()
            self.marks.setdefault(node, (start, len(self.tokens)))

    @contextmanager
    def record_syntactic_position(self, node, *, start_node=None, end_node=None) -> Iterator[None]:
        if node not in self.wanted:
            yield
            return
        # The syntactic span may start/end at children (e.g. a statement without its leading lines).
        helpers = [n for n in (start_node, end_node) if n is not None and n not in self.wanted]
        self.wanted.update(helpers)
        start = len(self.tokens)
        try:
            yield
        finally:
            end = len(self.tokens)
            if start_node is not None and start_node in self.marks:
                start = self.marks[start_node][0]
            if end_node is not None and end_node in self.marks:
                end = self.marks[end_node][1]
            self.marks[node] = (start, end)
            self.wanted.difference_update(helpers)


def code_and_spans(module: cst.Module, nodes: Iterable[cst.CSTNode]) -> tuple[str, dict[cst.CSTNode, Span]]:
    state = _MarkingState(default_indent=module.default_indent, default_newline=module.default_newline,
                          wanted=set(nodes))
    module._codegen(state)
    tokens = state.tokens
    code = "".join(tokens)
    if not state.marks:
        return code, {}
    offsets = [0]
    for token in tokens:
        offsets.append(offsets[-1] + len(token))
    line_starts = [0] + [m.end() for m in _NEWLINE.finditer(code)]

    def where(index: int) -> tuple[int, int]:
        offset = offsets[min(index, len(tokens))]
        line = bisect.bisect_right(line_starts, offset) - 1
        return line + 1, offset - line_starts[line]

    spans = {}
    for node, (start, end) in state.marks.items():
        line, column = where(start)
        end_line, end_column = where(end)
        spans[node] = Span(line, column, end_line, end_column)
    return code, spans
