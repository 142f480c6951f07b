"""``--py2``: convert the Python 2 syntax that stops a file from parsing, with fissix (the maintained lib2to3).

Only syntax is converted — print and exec statements, ``<>``, backticks, ``except X, e``, ``raise X, m``,
tuple parameters, ``ur''`` strings, octal and long literals — never library calls (``unicode``,
``dict.keys()``, imports): kmigrate is not 2to3, and the Keras rules run on the result.  Tabs mixed with
spaces are expanded the way Python 2 read them (to the next multiple of 8) when the converted code
still has inconsistent indentation.  The result is checked with ``compile()``.
"""

from __future__ import annotations

import ast
import re
import warnings

#: fissix's fixers for syntax that Python 3 rejects, plus two of our own below.
_FIXERS = ("print", "ne", "repr", "except", "raise", "exec", "tuple_params")


class ConversionError(Exception):
    pass


def available() -> bool:
    try:
        import fissix  # noqa: F401
    except ImportError:
        return False
    return True


def _tool(print_function: bool = False):
    """fissix with our fixers; ``print_function``: the grammar without the print statement (for files that
    already call ``print(..., end='')`` next to other Python 2 syntax)."""
    if print_function not in _TOOLS:
        from fissix import fixer_base, pytree
        from fissix.fixes.fix_numliterals import FixNumliterals
        from fissix.pgen2 import token
        from fissix.refactor import RefactoringTool

        class FixNumbers(FixNumliterals):
            """Long and octal literals, both at once: fissix's own fixer turns ``0777L`` into ``0777``."""

            def transform(self, node, results):
                value = node.value
                if value[-1] in "Ll":
                    value = value[:-1]
                if value.startswith("0") and value.isdigit() and len(set(value)) > 1:
                    value = "0o" + value[1:]
                if value != node.value:
                    return pytree.Leaf(token.NUMBER, value, prefix=node.prefix)
                return None

        class FixRawUnicode(fixer_base.BaseFix):
            """``ur'...'`` → the Python 3 literal of the same value (``u''`` and the name ``unicode`` stay)."""

            _accept_type = token.STRING

            def match(self, node):
                return node.value[:2].lower() == "ur"

            def transform(self, node, results):
                return pytree.Leaf(token.STRING, raw_unicode_literal(node.value), prefix=node.prefix)

        class Tool(RefactoringTool):
            def get_fixers(self):
                pre, post = super().get_fixers()
                for cls in (FixNumbers, FixRawUnicode):
                    fixer = cls(self.options, self.fixer_log)
                    (pre if fixer.order == "pre" else post).append(fixer)
                return pre, post

        _TOOLS[print_function] = Tool([f"fissix.fixes.fix_{name}" for name in _FIXERS],
                                      {"print_function": print_function})
    return _TOOLS[print_function]


_TOOLS: dict = {}

# A run of backslashes, and what follows it that matters in a Python 2 ``ur''`` literal.
_BACKSLASHES = re.compile(r"(\\+)(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|['\"\n\r])?")
_PROCESSED_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})")


def raw_unicode_literal(literal: str) -> str:
    """Python 2's ``ur'...'`` as a Python 3 literal with the same value.

    Python 2 kept every backslash of a ``ur`` literal except in ``\\uXXXX``/``\\UXXXXXXXX`` after an odd
    number of backslashes, which it decoded.  Without such an escape, ``r'...'`` is the same string;
    with one, the literal becomes a plain one with the other backslashes doubled.
    """
    quote = literal[2:5] if literal[2:5] in ('"""', "'''") else literal[2]
    body = literal[2 + len(quote):-len(quote)]
    if not _PROCESSED_ESCAPE.search(body):
        return literal[1:]

    def plain(match: re.Match) -> str:
        count, after = len(match.group(1)), match.group(2) or ""
        if after[:1] in ("u", "U") and count % 2:
            return "\\\\" * (count - 1) + "\\" + after
        if after in ("\n", "\r") and len(quote) == 1:
            after = "\\n" if after == "\n" else "\\r"  # a plain one-line literal cannot hold the line break
        elif after in ("'", '"'):
            after = "\\" + after
        return "\\\\" * count + after

    return quote + _BACKSLASHES.sub(plain, body) + quote


def convert(text: str, path: str = "<file>") -> str:
    """The file's text with its Python 2 syntax converted; ConversionError if that does not give Python 3."""
    missing_newline = not text.endswith(("\n", "\r"))
    converted = None
    for print_function in (False, True):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                converted = str(_tool(print_function).refactor_string(text + ("\n" if missing_newline else ""), path))
            break
        except Exception as exc:  # fissix's parse errors have no common base class
            error = exc
    if converted is None:
        raise ConversionError(f"fissix cannot parse it either: {str(error).splitlines()[0] if str(error) else error}")
    if missing_newline and converted.endswith("\n"):
        converted = converted[:-1]
    error = _compile_error(converted, path)
    if error is not None and isinstance(error, TabError):
        converted = expand_indentation_tabs(converted)
        error = _compile_error(converted, path)
    if error is not None:
        if isinstance(error, SyntaxError):
            raise ConversionError(f"the converted code does not compile: {error.msg} (line {error.lineno})")
        raise ConversionError(f"the converted code does not compile: {error}")
    return converted


def _compile_error(text: str, path: str) -> Exception | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, path, "exec", ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        return exc
    return None


def expand_indentation_tabs(text: str) -> str:
    """Expand tabs in the indentation of each line to the next multiple of 8, as Python 2's tokenizer counted
    them; lines inside multi-line strings keep their bytes (their tabs are part of a value)."""
    import io

    from fissix.pgen2 import token, tokenize

    inside_string: set[int] = set()
    try:
        for kind, value, (start, _), (end, _), _ in tokenize.generate_tokens(io.StringIO(text).readline):
            if kind == token.STRING and end > start:
                inside_string.update(range(start + 1, end + 1))
    except (tokenize.TokenError, IndentationError):
        return text
    lines = text.splitlines(keepends=True)
    for number, line in enumerate(lines, 1):
        if number in inside_string:
            continue
        body = line.lstrip(" \t")
        indent = line[: len(line) - len(body)]
        if "\t" in indent:
            lines[number - 1] = indent.expandtabs(8) + body
    return "".join(lines)
