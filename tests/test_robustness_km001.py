"""KM001: files kmigrate cannot analyse are named with their cause, never written, and the run goes on.

A catalogue of bad inputs: each must give one KM001 whose message names the cause (in CPython's words
where they are clearer than LibCST's), on the right line.
"""

from __future__ import annotations

import pytest
import robustness_cli

from kmigrate.engine import pipeline
from kmigrate.engine.rule import all_rules

IMPORT = b"from keras.layers import merge\n"

# (case, bytes, words the message must contain, line)
CASES = [
    ("print statement", IMPORT + b'print "training"\n',
     ["Python 2 syntax", "print statement", "line 2", "Missing parentheses in call to 'print'", "--py2"], 2),
    ("exec statement", IMPORT + b'exec "x = 1" in ns\n', ["Python 2 syntax", "exec statement", "--py2"], 2),
    ("not-equal operator", IMPORT + b"if a <> b:\n    pass\n", ["Python 2 syntax", "'<>'", "line 2"], 2),
    ("backticks", IMPORT + b"x = `a`\n", ["Python 2 syntax", "backticks"], 2),
    ("except comma", IMPORT + b"try:\n    pass\nexcept ValueError, e:\n    pass\n",
     ["Python 2 syntax", "'except X, e'", "line 4"], 4),
    ("raise comma", IMPORT + b'raise ValueError, "m"\n', ["Python 2 syntax", "'raise X, msg'"], 2),
    ("ur string", IMPORT + b"x = ur'a'\n", ["Python 2 syntax", "ur''"], 2),
    ("octal literal", IMPORT + b"x = 0777\n", ["Python 2 syntax", "octal literal", "leading zeros"], 2),
    ("long literal", IMPORT + b"x = 10L\n", ["Python 2 syntax", "long literal"], 2),
    ("tuple parameter", IMPORT + b"def f(a, (b, c)):\n    pass\n", ["Python 2 syntax", "tuple parameter"], 2),
    ("mixed tabs", IMPORT + b"if a:\n        x = 1\n\ty = 2\n",
     ["Python 2 syntax", "tab", "inconsistent use of tabs and spaces"], 4),
    ("syntax error", IMPORT + b"x = = 1\n", ["syntax error", "invalid syntax", "line 2"], 2),
    ("undecodable", IMPORT + b"x = 'caf\xe9'\n", ["cannot decode", "e9", "line 2", "utf-8", "coding cookie"], 2),
    ("bad cookie", b"# -*- coding: klingon -*-\n" + IMPORT, ["cannot decode", "klingon"], 1),
    ("binary", IMPORT + b"\x00\x01\x02keras", ["binary file", "NUL"], 2),
    ("nested parentheses", IMPORT + b"x = " + b"(" * 300 + b"1" + b")" * 300 + b"\n",
     ["too deeply nested", "too many nested parentheses"], 2),
    ("5000 nested parentheses", IMPORT + b"x = " + b"(" * 5000 + b"1" + b")" * 5000 + b"\n",
     ["too deeply nested", "too many nested parentheses"], 2),
    ("1000 nested calls", IMPORT + b"x = " + b"f(" * 1000 + b"1" + b")" * 1000 + b"\n",
     ["too deeply nested", "too many nested parentheses"], 2),
    ("deep indentation", IMPORT + b"".join(b" " * i + b"if a:\n" for i in range(101)) + b" " * 101 + b"pass\n",
     ["too deeply nested", "too many levels of indentation"], 102),
    ("CPython recursion", IMPORT + b"x = " + b"-" * 5000 + b"1\n",
     ["too deeply nested", "maximum recursion depth"], 1),
    # CPython accepts 1,000 nested unary minus signs; LibCST's parser recurses per level and gives up.
    ("LibCST recursion", IMPORT + b"x = merge(" + b"-" * 1000 + b"1)\n",
     ["too deeply nested", "LibCST", "maximum recursion depth"], 1),
]


@pytest.mark.parametrize("name, data, words, line", CASES, ids=[c[0] for c in CASES])
def test_unanalysable_file_is_named_with_its_cause(name, data, words, line):
    result = pipeline.analyse(data, "bad.py", all_rules(), pipeline.Options(fix=True), explicit=True)
    assert [f.code for f in result.findings] == ["KM001"]
    finding = result.findings[0]
    for word in words:
        assert word in finding.message, f"{word!r} not in {finding.message!r}"
    assert finding.line == line
    assert finding.fix is None
    assert result.new_data is None  # never written


def test_discovered_file_without_keras_is_skipped_silently():
    assert pipeline.analyse(b'print "hello"\n', "other.py", all_rules(), pipeline.Options()) is None


def test_discovered_file_mentioning_keras_gets_km001():
    result = pipeline.analyse(b'import keras\nprint "hello"\n', "old.py", all_rules(), pipeline.Options())
    assert [f.code for f in result.findings] == ["KM001"]


def test_cli_over_a_folder_of_bad_files_exit_1_no_traceback_nothing_written(tmp_path):
    for index, (_, data, _, _) in enumerate(CASES):
        (tmp_path / f"bad_{index:02}.py").write_bytes(data)
    (tmp_path / "good.py").write_text(robustness_cli.KERAS_FILE)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    proc = robustness_cli.run(["--fix", "--jobs", "2", "."], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout.count("KM001") == len(CASES)
    for name, data in before.items():
        if name != "good.py":
            assert (tmp_path / name).read_bytes() == data, name
    assert robustness_cli.KERAS_FIXED_LINE in (tmp_path / "good.py").read_text()  # the run went on
