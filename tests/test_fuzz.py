"""Property test: generated Python programs (hypothesmith) with Keras imports and merge calls inserted, so
that every example goes through parse, rules, fixes and printing.  kmigrate never crashes, its output
compiles, a second run changes nothing, and programs whose only Keras content is an import come out
byte-identical.  Bounded and derandomized: the same examples on every CI run."""

from __future__ import annotations

import ast
import random
import warnings

import hypothesmith
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from kmigrate.engine import pipeline
from kmigrate.engine.rule import all_rules

FUZZ = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

IMPORTS = "from keras.layers import Input, Dense, merge, Merge\nimport keras\n"
# Statements with Keras 1 merges in the spellings the rules know (fixable, unsafe, report-only).
MERGES = [
    "km_a = merge([Input(shape=(3,)), Input(shape=(3,))], mode='sum')\n",
    "km_b = keras.layers.merge([km_a, km_a], mode='concat', concat_axis=-1)\n",
    "km_c = merge([km_a, km_a], mode='cos', dot_axes=1)\n",
    "km_d = Merge(mode='mul')([km_a, km_a])\n",
    "def km_f(x, y, mode='ave'):\n    return merge([Dense(2)(x), y], mode=mode)\n",
    "km_e = merge([km_a, km_a], mode=lambda t: t[0] - t[1], output_shape=(3,))\n",
]


def _compiles(text: str | bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(text, "<fuzz>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _top_level_ends(program: str) -> list[int]:
    """Line numbers after which a new top-level statement may start."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return [node.end_lineno for node in tree.body if not isinstance(node, ast.ImportFrom) or node.module != "__future__"]


def _with_merges(program: str, seed: int) -> str:
    lines = program.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    ends = _top_level_ends(program)
    rng = random.Random(seed)
    inserts = sorted(((rng.choice(ends) if ends else len(lines)), statement) for statement in rng.sample(MERGES, 3))
    for line, statement in reversed(inserts):
        lines.insert(line, statement)
    return _after_future_imports("".join(lines), IMPORTS)


def _after_future_imports(program: str, header: str) -> str:
    """``header`` at the top, but after ``from __future__`` imports (which must come first)."""
    try:
        tree = ast.parse(program)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return header + program
    last = 0
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            last = node.end_lineno
        elif not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and last == 0):
            break
    lines = program.splitlines(keepends=True)
    if last and lines and not lines[last - 1].endswith(("\n", "\r")):
        lines[last - 1] += "\n"
    return "".join(lines[:last]) + header + "".join(lines[last:])


def _fix(data: bytes):
    return pipeline.analyse(data, "fuzz.py", all_rules(),
                            pipeline.Options(fix=True, unsafe_fixes=True, rule_options={"cos_style": "dot"}),
                            explicit=True)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles odd programs
@FUZZ
@given(program=hypothesmith.from_grammar(), seed=st.integers(0, 2**16))
def test_generated_programs_with_merges(program, seed):
    source = _with_merges(program, seed)
    assume(_compiles(source))
    data = source.encode("utf-8")
    result = _fix(data)  # never raises
    event(f"fixes applied: {len(result.fixed) > 0}; analysed with LibCST: {result.analysed}")
    fixed = result.new_data if result.new_data is not None else data
    assert _compiles(fixed), fixed.decode()
    again = _fix(fixed)
    assert again.new_data is None, "a second --fix changed the file"
    assert not [f for f in again.findings if f.fix is not None], "fixable findings left after --fix"


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles odd programs
@FUZZ
@given(program=hypothesmith.from_grammar())
def test_programs_whose_only_keras_content_is_an_import_are_untouched(program):
    # The comment names merge/Merge so that the file passes the byte pre-filter and goes through LibCST.
    source = _after_future_imports(program, "import keras  # merge Merge Sequential\n")
    assume(_compiles(source))
    data = source.encode("utf-8")
    result = _fix(data)
    assert result.new_data is None
    assert [f.code for f in result.findings if f.code != "KM001"] == []
