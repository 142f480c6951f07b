"""Which files a run looks at.

Folders are walked; ``.git``, virtual environments, ``__pycache__``, ``build/``, ``dist/``, hidden
folders and what ``.gitignore`` files ignore are skipped.  Explicitly named files are always
processed.  A file reached twice (through links) is processed once; link loops end.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

SKIPPED_DIRS = frozenset({"__pycache__", "build", "dist", "node_modules", "site-packages"})
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclasses.dataclass(frozen=True)
class Candidate:
    path: Path  # as given or found (relative paths stay relative)
    explicit: bool  # named on the command line
    error: str | None = None  # why it cannot be processed (reported as a read error)


class _IgnoreRule:
    __slots__ = ("regex", "negated", "dir_only")

    def __init__(self, pattern: str):
        self.negated = pattern.startswith("!")
        if self.negated:
            pattern = pattern[1:]
        self.dir_only = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        anchored = "/" in pattern
        pattern = pattern.lstrip("/")
        regex = _glob_to_regex(pattern)
        self.regex = re.compile(("" if anchored else r"(?:.*/)?") + regex + r"\Z")

    def matches(self, relative: str, is_dir: bool) -> bool:
        return (is_dir or not self.dir_only) and self.regex.match(relative) is not None


def _glob_to_regex(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append(r"(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append(r"/.*")
            i += 3
            continue
        if c == "*":
            out.append(r"[^/]*")
        elif c == "?":
            out.append(r"[^/]")
        elif c == "[":
            j = pattern.find("]", i)
            if j == -1:
                out.append(re.escape(c))
            else:
                out.append(fnmatch.translate(pattern[i:j + 1])[4:-3])
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)


class _GitIgnore:
    def __init__(self, base: Path, rules: list[_IgnoreRule]):
        self.base = base
        self.rules = rules

    @classmethod
    def load(cls, folder: Path) -> _GitIgnore | None:
        try:
            text = (folder / ".gitignore").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
        rules = []
        for line in text.splitlines():
            line = line.rstrip()
            if line and not line.startswith("#"):
                rules.append(_IgnoreRule(line))
        return cls(folder, rules) if rules else None

    def ignored(self, path: Path, is_dir: bool) -> bool | None:
        try:
            relative = path.relative_to(self.base).as_posix()
        except ValueError:
            return None
        verdict = None
        for rule in self.rules:
            if rule.matches(relative, is_dir):
                verdict = not rule.negated
        return verdict


def _is_venv(folder: Path) -> bool:
    try:
        return (folder / "pyvenv.cfg").is_file()
    except OSError:  # pathlib lets EACCES through: an unreadable folder is reported when it is walked
        return False


def _ignored(path: Path, is_dir: bool, ignores: list[_GitIgnore]) -> bool:
    verdict = False
    for ignore in ignores:
        result = ignore.ignored(path, is_dir)
        if result is not None:
            verdict = result
    return verdict


def _excluded(path: Path, excludes: tuple[str, ...]) -> bool:
    posix = path.as_posix()
    return any(fnmatch.fnmatch(posix, p) or fnmatch.fnmatch(path.name, p) or fnmatch.fnmatch(posix, f"*/{p}")
               for p in excludes)


def _parent_ignores(folder: Path) -> list[_GitIgnore]:
    """``.gitignore`` files of the enclosing folders up to the repository root."""
    found = []
    current = folder.resolve()
    while True:
        ignore = _GitIgnore.load(current)
        if ignore is not None:
            found.append(ignore)
        if os.path.exists(current / ".git") or current.parent == current:
            break
        current = current.parent
    return list(reversed(found))


def discover(paths: Iterable[str], excludes: tuple[str, ...] = ()) -> Iterator[Candidate]:
    seen: set[tuple[int, int]] = set()

    def first_time(path: Path) -> bool:
        try:
            st = path.stat()
        except OSError:
            return True  # reported when it is read
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return False
        seen.add(key)
        return True

    for given in paths:
        root = Path(given)
        if not os.path.isdir(root):
            if first_time(root):
                yield Candidate(root, True)
            continue
        ignores = _parent_ignores(root)
        visited_dirs: set[tuple[int, int]] = set()
        yield from _walk(root, ignores, excludes, first_time, visited_dirs)


def _walk(folder: Path, ignores, excludes, first_time, visited_dirs) -> Iterator[Candidate]:
    try:
        st = folder.stat()
    except OSError:
        return
    key = (st.st_dev, st.st_ino)
    if key in visited_dirs:
        return  # a link loop, or a folder reached twice
    visited_dirs.add(key)
    local = _GitIgnore.load(folder)
    if local is not None and (not ignores or ignores[-1].base != local.base):
        ignores = [*ignores, local]
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        yield Candidate(folder, False, f"cannot read this folder: {exc.strerror or exc}")
        return
    for entry in entries:
        path = Path(folder, entry.name)
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            if (entry.name.startswith(".") or entry.name in SKIPPED_DIRS or _is_venv(path)
                    or _ignored(path, True, ignores) or _excluded(path, excludes)):
                continue
            yield from _walk(path, ignores, excludes, first_time, visited_dirs)
        elif entry.name.endswith(PYTHON_SUFFIXES):
            if _ignored(path, False, ignores) or _excluded(path, excludes):
                continue
            if entry.is_symlink() and not os.path.exists(path):
                continue  # a dangling link or a link loop: no file to look at
            if first_time(path):
                yield Candidate(path, False)
