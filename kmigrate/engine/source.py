"""Reading source bytes: cheap pre-filters, the CPython syntax check, and why a file cannot be analysed."""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

#: An import statement that names the ``keras`` package (a pre-filter only: ``ast`` decides).
KERAS_IMPORT = re.compile(rb"^[ \t]*(?:from[ \t]+keras\b|import[ \t]+(?:[^\n#]*,[ \t]*)?keras\b)", re.M)

# CPython's messages for Python 2 constructs, and what to call them.
_PY2_HINTS = (
    ("Missing parentheses in call to 'print'", "a Python 2 print statement"),
    ("Missing parentheses in call to 'exec'", "a Python 2 exec statement"),
    ("multiple exception types must be parenthesized", "a Python 2 'except X, e' clause"),
    ("leading zeros in decimal integer literals", "a Python 2 octal literal"),
    ("invalid decimal literal", None),
    ("Function parameters cannot be parenthesized", "a Python 2 tuple parameter"),
    ("inconsistent use of tabs and spaces in indentation", "Python 2 mixed tab/space indentation"),
)
# CPython's messages for its nesting limits: a file kmigrate cannot analyse whatever the syntax.
_NESTING_LIMITS = ("too many nested parentheses", "too many levels of indentation", "too many statically nested blocks")
_PY2_PATTERNS = (
    (re.compile(r"^\s*print\s+[^(=\s]"), "a Python 2 print statement"),
    (re.compile(r"<>"), "the Python 2 '<>' operator"),
    (re.compile(r"`"), "Python 2 backticks"),
    (re.compile(r"^\s*except\s+[\w.]+\s*,\s*\w+\s*:"), "a Python 2 'except X, e' clause"),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,"), "a Python 2 'raise X, msg' statement"),
    (re.compile(r"^\s*exec\s+[^(=\s]"), "a Python 2 exec statement"),
    (re.compile(r"\b\d+[lL]\b"), "a Python 2 long literal"),
    (re.compile(r"\b0\d+\b"), "a Python 2 octal literal"),
    (re.compile(r"""\b[uU][rR]['"]"""), "a Python 2 ur'' string"),
)


class Unanalysable(Exception):
    """The file cannot be analysed; the message is KM001's."""

    def __init__(self, message: str, line: int = 1, column: int = 1, convertible: bool = False,
                 construct: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.convertible = convertible  # a syntax error that ``--py2`` may convert away
        self.construct = construct  # the Python 2 construct CPython stumbled on, when known


def encoding_of(data: bytes) -> str:
    """The encoding Python reads the file in (PEP 263 cookie, BOM, else UTF-8)."""
    try:
        return tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError as exc:
        raise Unanalysable(f"cannot decode: {exc.msg if hasattr(exc, 'msg') else exc}", getattr(exc, "lineno", 1) or 1) from None


def decode(data: bytes) -> str:
    """Decode as Python does (PEP 263 cookie, BOM), or raise Unanalysable."""
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise Unanalysable(f"binary file, not Python source (NUL byte on line {line})", line)
    encoding = encoding_of(data)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data[: exc.start].count(b"\n") + 1
        column = len(data[line_start: exc.start].decode(encoding, "replace")) + 1
        bad = data[exc.start: exc.end].hex(" ")
        hint = " (add a coding cookie such as '# -*- coding: latin-1 -*-' if that is its encoding)" \
            if encoding.startswith("utf-8") else ""
        raise Unanalysable(f"cannot decode byte(s) {bad} on line {line} as {encoding}: {exc.reason}{hint}",
                           line, column) from None


def python2_construct(text: str, line: int) -> str | None:
    lines = text.splitlines()
    if not 1 <= line <= len(lines):
        return None
    candidate = lines[line - 1]
    for pattern, what in _PY2_PATTERNS:
        if pattern.search(candidate):
            return what
    return None


def syntax_check(data: bytes, text: str, filename: str) -> ast.Module:
    """CPython's parse of the file (fast; limits nesting before LibCST would crash), or Unanalysable."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return compile(data, filename, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as exc:
        line = exc.lineno or 1
        column = exc.offset or 1
        message = exc.msg
        if any(limit in message for limit in _NESTING_LIMITS):
            raise Unanalysable(f"too deeply nested to parse: {message} (line {line}; CPython's limit)", line, column) from None
        py2 = next((what for hint, what in _PY2_HINTS if hint in message and what), None) or python2_construct(text, line)
        if py2 is not None:
            raise Unanalysable(
                f"Python 2 syntax: {py2} on line {line} ({message}); convert it with --py2", line, column,
                convertible=True, construct=py2,
            ) from None
        raise Unanalysable(f"syntax error: {message} (line {line})", line, column, convertible=True) from None
    except RecursionError:
        raise Unanalysable("too deeply nested or too complex to parse (CPython: maximum recursion depth exceeded"
                           " during ast construction)") from None
    except MemoryError:
        raise Unanalysable("too complex to parse (CPython's parser ran out of memory)") from None
    except ValueError as exc:
        raise Unanalysable(f"cannot parse: {exc}") from None


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")


def statements(body: list[ast.stmt]):
    """Every statement, nested ones included, without visiting expressions (imports are statements)."""
    stack = list(body)
    while stack:
        node = stack.pop()
        yield node
        for field in _BODIES:
            children = getattr(node, field, None)
            if children:
                stack.extend(children)


def keras_import_names(tree: ast.Module) -> tuple[frozenset[str], bool]:
    """Names bound by imports from the ``keras`` package, and whether a Keras star import is present."""
    names: set[str] = set()
    star = False
    for node in statements(tree.body):
        if isinstance(node, ast.ImportFrom):
            if node.level or not node.module or not (node.module == "keras" or node.module.startswith("keras.")):
                continue
            for alias in node.names:
                if alias.name == "*":
                    star = True
                else:
                    names.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "keras" or alias.name.startswith("keras."):
                    names.add(alias.asname or alias.name.split(".", 1)[0])
    return frozenset(names), star
