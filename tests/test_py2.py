"""``--py2``: Python 2 syntax converted with fissix, checked with compile(), then the Keras rules."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest
import robustness_cli

from kmigrate import py2
from kmigrate.engine import pipeline
from kmigrate.engine.rule import all_rules

# (construct, Python 2, Python 3)
CONVERSIONS = [
    ("print", 'print "loss", loss\n', 'print("loss", loss)\n'),
    ("print to file", 'print >>sys.stderr, "x",\n', "print(\"x\", end=' ', file=sys.stderr)\n"),
    ("bare print", "print\n", "print()\n"),
    ("not equal", "if a <> b:\n    pass\n", "if a != b:\n    pass\n"),
    ("backticks", "s = `n`\n", "s = repr(n)\n"),
    ("except comma", "try:\n    pass\nexcept IOError, e:\n    pass\n", "try:\n    pass\nexcept IOError as e:\n    pass\n"),
    ("raise comma", 'raise ValueError, "bad"\n', 'raise ValueError("bad")\n'),
    ("exec", 'exec "x = 1" in ns\n', 'exec("x = 1", ns)\n'),
    ("ur string", "p = ur'\\d+'\n", "p = r'\\d+'\n"),
    ("octal long", "mode = 0777L\n", "mode = 0o777\n"),
    ("octal", "mode = 0644\n", "mode = 0o644\n"),
    ("long", "n = 10L + 0xFFL\n", "n = 10 + 0xFF\n"),
    ("u string and unicode() stay", "s = u'x' + unicode(3)\nprint s\n", "s = u'x' + unicode(3)\nprint(s)\n"),
    ("print function beside Python 2", "print('a', end='')\ntry:\n    pass\nexcept E, e:\n    pass\n",
     "print('a', end='')\ntry:\n    pass\nexcept E as e:\n    pass\n"),
    ("tuple parameter", "def f(a, (b, c)):\n    return b\n",
     "def f(a, xxx_todo_changeme):\n    (b, c) = xxx_todo_changeme\n    return b\n"),
]


@pytest.mark.parametrize("name, old, new", CONVERSIONS, ids=[c[0] for c in CONVERSIONS])
def test_construct_is_converted(name, old, new):
    assert py2.convert(old) == new


# Python 2 ``ur`` literals and their values under Python 2 (\uXXXX decoded after an odd number of
# backslashes, every other backslash kept).
RAW_UNICODE = [
    ("ur'\\d+'", "\\d+"),
    ("ur'\\u00e9'", "\u00e9"),
    ("UR'\\d\\u00e9'", "\\d\u00e9"),
    ("ur'\\\\u00e9'", "\\\\u00e9"),
    ("ur'\\\\\\u00e9'", "\\\\\u00e9"),
    ("ur'a\\'b\\u00e9'", "a\\'b\u00e9"),
    ('ur"\\U0001F600 \\x"', "\U0001F600 \\x"),
    ("ur'''it's \\u00e9\n\\\nx'''", "it's \u00e9\n\\\nx"),
    ("ur'\\u00e9\\\nx'", "\u00e9\\\nx"),
]


@pytest.mark.parametrize("literal, value", RAW_UNICODE, ids=[r[0] for r in RAW_UNICODE])
def test_raw_unicode_literal_keeps_the_python_2_value(literal, value):
    converted = py2.convert(f"s = {literal}\n")
    assert converted.startswith("s = ") and ast.literal_eval(converted[4:]) == value


def test_tabs_are_expanded_the_python_2_way():
    # Python 2 read a tab as "to the next multiple of 8": the tab line belongs to the 8-space block.
    old = 'if a:\n        x = 1\n\ty = """\n\tkept\n\t"""\n\tprint y\n'
    new = 'if a:\n        x = 1\n        y = """\n\tkept\n\t"""\n        print(y)\n'
    assert py2.convert(old) == new


def test_consistent_tabs_are_left_alone():
    assert py2.convert("if a:\n\tprint a\n") == "if a:\n\tprint(a)\n"


def test_newlines_and_missing_last_newline_are_kept():
    assert py2.convert('print "a"\r\nprint "b"') == 'print("a")\r\nprint("b")'


def test_python_3_code_is_not_touched():
    text = "d = {}\nfor k in d.keys():\n    print(k, end='')\n"
    assert py2.convert(text) == text


def test_what_neither_parses_is_a_conversion_error():
    with pytest.raises(py2.ConversionError, match="fissix cannot parse it either"):
        py2.convert("x = = 1\n")


KERAS_PY2 = (
    "from keras.layers import Input, merge\n"
    "a = Input(shape=(3,))\n"
    "b = Input(shape=(3,))\n"
    "c = merge([a, b], mode='sum')\n"
    "print 'built', c\n"
)
KERAS_PY3 = (
    "from keras.layers import Input, Add\n"
    "a = Input(shape=(3,))\n"
    "b = Input(shape=(3,))\n"
    "c = Add()([a, b])\n"
    "print('built', c)\n"
)


def _analyse(data: bytes, fix: bool):
    return pipeline.analyse(data, "old.py", all_rules(), pipeline.Options(fix=fix, py2=True), explicit=True)


def test_findings_say_the_file_was_converted():
    result = _analyse(KERAS_PY2.encode(), fix=False)
    codes = [f.code for f in result.findings]
    assert codes == ["KM001", "KM101"]
    km001, km101 = result.findings
    assert "print statement on line 5" in km001.message and "converted to Python 3 with --py2" in km001.message
    assert km001.fix is not None and km001.fix.applicability == "safe"
    assert km101.message.endswith("(in the --py2 conversion of this file)")
    assert result.new_data is None


def test_fix_writes_the_converted_and_fixed_file():
    result = _analyse(KERAS_PY2.encode(), fix=True)
    assert result.new_data == KERAS_PY3.encode()
    assert [f.code for f in result.fixed] == ["KM001", "KM101"]
    assert result.findings == []


def test_without_py2_the_file_is_km001_only():
    result = pipeline.analyse(KERAS_PY2.encode(), "old.py", all_rules(), pipeline.Options(fix=True), explicit=True)
    assert [f.code for f in result.findings] == ["KM001"]
    assert "--py2" in result.findings[0].message and result.findings[0].fix is None
    assert result.new_data is None


def test_a_file_that_does_not_convert_stays_km001():
    data = b"import keras\nprint 'x'\nx = = 1\n"
    result = _analyse(data, fix=True)
    assert [f.code for f in result.findings] == ["KM001"]
    assert "--py2 could not convert it" in result.findings[0].message
    assert result.new_data is None


def test_cli_fix_then_clean(tmp_path):
    source = KERAS_PY2.replace("\n", "\r\n").encode("latin-1") + b"# caf\xe9\r\n"
    (tmp_path / "old.py").write_bytes(b"# -*- coding: latin-1 -*-\r\n" + source)
    proc = robustness_cli.run(["--py2", "--fix", "old.py"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Fixed 2 findings in 1 file" in proc.stderr
    after = (tmp_path / "old.py").read_bytes()
    assert after == b"# -*- coding: latin-1 -*-\r\n" + KERAS_PY3.replace("\n", "\r\n").encode() + b"# caf\xe9\r\n"
    again = robustness_cli.run(["--py2", "--fix", "old.py"], cwd=tmp_path)
    assert again.returncode == 0 and (tmp_path / "old.py").read_bytes() == after


def test_cli_without_fissix_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "old.py").write_text(KERAS_PY2)
    code = ("import sys; sys.modules['fissix'] = None; sys.argv = ['kmigrate', '--py2', 'old.py'];"
            " import kmigrate.cli; kmigrate.cli.main()")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(robustness_cli.REPO)})
    assert proc.returncode == 2
    assert proc.stderr == "kmigrate: error: --py2 needs fissix, which is not installed: pip install 'kmigrate[py2]'\n"
    assert proc.stdout == ""
