"""``--fix --interactive``: each fix is shown (finding and diff) and applied only when the user says so.

The reviewer is the pipeline's ``Options.review`` hook, so fixes compose exactly as in ``--fix``.  It
talks on stderr and reads the terminal on stdin; end of input is a quit, which leaves the rest untouched.
"""

from __future__ import annotations

import difflib
import sys
from typing import TextIO

import libcst as cst

from kmigrate.report.formats import MARKS

PROMPT = "Apply this fix? [y]es / [n]o / [a]ll of this code / [q]uit: "
_EMPTY = cst.Module([])


class Reviewer:
    def __init__(self, inp: TextIO | None = None, out: TextIO | None = None, colour: bool = False):
        self.inp = inp or sys.stdin
        self.out = out or sys.stderr
        self.colour = colour
        self.all_of: set[str] = set()  # codes answered with [a]ll
        self.quit = False
        # The pipeline analyses a file again after a round of fixes: the findings refused before come
        # back (as new objects, maybe at new positions).  The first n of each kind that were refused
        # n times are not asked again; identical findings are told apart by their order.
        self.refused: dict[tuple[str, str, str, str], int] = {}
        self.refused_before: dict[tuple[str, str, str, str], int] = {}
        self.seen: dict[tuple[str, str, str, str], int] = {}
        self.round: object = None
        self.asked = 0

    def _say(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def _paint(self, line: str) -> str:
        if not self.colour:
            return line
        if line.startswith("+") and not line.startswith("+++"):
            return f"\x1b[32m{line}\x1b[0m"
        if line.startswith("-") and not line.startswith("---"):
            return f"\x1b[31m{line}\x1b[0m"
        return line

    def __call__(self, finding, now, alone) -> bool:
        if self.quit:
            return False
        if finding.code in self.all_of:
            return True
        if now is not self.round:  # one ``now`` per round of the pipeline
            self.round = now
            self.refused_before = dict(self.refused)
            self.seen = {}
        key = (finding.path, finding.code, finding.message, _EMPTY.code_for_node(finding.node).strip())
        occurrence = self.seen.get(key, 0)
        self.seen[key] = occurrence + 1
        if occurrence < self.refused_before.get(key, 0):
            return False
        answer = self._ask(finding, now(), alone())
        if not answer:
            self.refused[key] = self.refused.get(key, 0) + 1
        return answer

    def _ask(self, finding, before: str, after: str) -> bool:
        unsafe = finding.fix.applicability == "unsafe"
        mark = MARKS[finding.fix.applicability]
        self.asked += 1
        self._say()
        self._say(f"{finding.path}:{finding.line}:{finding.column}: {finding.code} {mark} {finding.message}")
        self._say(f"{'UNSAFE fix' if unsafe else 'Fix'}: {finding.fix.description}")
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), finding.path, finding.path,
                                         lineterm=""):
            self._say(self._paint(line))
        while True:
            self.out.write(PROMPT)
            self.out.flush()
            reply = self.inp.readline()
            if not reply:  # end of input: nothing more is applied
                self._say()
                self.quit = True
                return False
            choice = reply.strip().lower()[:1]
            if choice == "y":
                return True
            if choice == "n":
                return False
            if choice == "a":
                self.all_of.add(finding.code)
                return True
            if choice == "q":
                self.quit = True
                return False
            self._say("Please answer y, n, a or q.")
