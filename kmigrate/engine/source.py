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
    ("inconsistent use of tabs and spaces in indentation", "Python 2 mixed tab/space indentation"),
)
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

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def decode(data: bytes) -> str:
    """Decode as Python does (PEP 263 cookie, BOM), or raise Unanalysable."""
    if b"\x00" in data:
        raise Unanalysable("binary file (contains NUL bytes)")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        raise Unanalysable(f"cannot decode: {exc}") from None
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        line = data[: getattr(exc, "start", 0)].count(b"\n") + 1
        raise Unanalysable(f"cannot decode as {encoding}: {exc.reason if hasattr(exc, 'reason') else exc}", line) from None


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
        py2 = next((what for hint, what in _PY2_HINTS if hint in message and what), None) or python2_construct(text, line)
        if py2 is not None:
            raise Unanalysable(
                f"Python 2 syntax: {py2} on line {line} ({message}); convert it with --py2", line, column
            ) from None
        raise Unanalysable(f"syntax error: {message} (line {line})", line, column) from None
    except (RecursionError, MemoryError):
        raise Unanalysable("too deeply nested or too complex to parse") from None
    except ValueError as exc:
        raise Unanalysable(f"cannot parse: {exc}") from None


def keras_import_names(tree: ast.Module) -> tuple[frozenset[str], bool]:
    """Names bound by imports from the ``keras`` package, and whether a Keras star import is present."""
    names: set[str] = set()
    star = False
    for node in ast.walk(tree):
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
