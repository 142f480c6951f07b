"""``--fix --interactive`` through a real pseudo-terminal: each fix shown with its diff, then
[y]es / [n]o / [a]ll of this code / [q]uit; unsafe fixes asked (and marked) only with --unsafe-fixes."""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

import pytest

pexpect = importlib.import_module("pexpect")

from kmigrate.interactive import PROMPT  # noqa: E402

SOURCE = """from keras.layers import Input, merge
a = Input(shape=(8,))
b = Input(shape=(8,))
s = merge([a, b], mode='sum')
t = merge([a, b], mode='sum')
m = merge([a, b], mode='mul')
x = merge([a, b], mode='max')
c = merge([a, b], mode='cos')
"""


def spawn(folder: Path, *args: str):
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    child = pexpect.spawn(sys.executable, ["-m", "kmigrate", "--fix", "--interactive", *args, "model.py"],
                          cwd=str(folder), env=env, encoding="utf-8", timeout=60, dimensions=(50, 200))
    return child


def answer(child, finding: str, diff_line: str, reply: str) -> None:
    child.expect_exact(finding)
    child.expect_exact(diff_line)
    child.expect_exact(PROMPT)
    child.sendline(reply)


def finish(child) -> str:
    child.expect(pexpect.EOF)
    child.close()
    return child.before


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "model.py").write_text(SOURCE)
    return tmp_path


def test_yes_no_all(folder):
    child = spawn(folder)
    answer(child, "model.py:4:5: KM101 [*] merge(mode='sum') -> Add()", "+s = Add()([a, b])", "y")
    answer(child, "model.py:5:5: KM101 [*] merge(mode='sum') -> Add()", "+t = Add()([a, b])", "n")
    answer(child, "model.py:6:5: KM101 [*] merge(mode='mul') -> Multiply()", "+m = Multiply()([a, b])", "a")
    rest = finish(child)
    assert PROMPT not in rest  # 'all' answered the 'max' one; the unsafe cos fix is not offered
    assert child.exitstatus == 1
    text = (folder / "model.py").read_text()
    assert "s = Add()([a, b])" in text and "t = merge([a, b], mode='sum')" in text
    assert "m = Multiply()([a, b])" in text and "x = Maximum()([a, b])" in text
    assert "c = merge([a, b], mode='cos')" in text
    assert "Fixed 3 findings in 1 file; 2 remain." in rest


def test_unsafe_fixes_are_asked_and_marked(folder):
    child = spawn(folder, "--unsafe-fixes")
    answer(child, "KM101 [*] merge(mode='sum')", "+s = Add()([a, b])", "a")
    child.expect_exact("KM301 [!] merge(mode='cos')")
    child.expect_exact("UNSAFE fix: ")
    child.expect_exact("+c = Dot(")
    child.expect_exact(PROMPT)
    child.sendline("y")
    finish(child)
    assert child.exitstatus == 0
    assert "merge(" not in (folder / "model.py").read_text()


def test_quit_leaves_the_rest_untouched(folder):
    child = spawn(folder)
    answer(child, "KM101 [*] merge(mode='sum')", "+s = Add()([a, b])", "y")
    answer(child, "KM101 [*] merge(mode='sum')", "+t = Add()([a, b])", "q")
    finish(child)
    text = (folder / "model.py").read_text()
    assert text == SOURCE.replace("import Input, merge", "import Input, merge, Add").replace(
        "s = merge([a, b], mode='sum')", "s = Add()([a, b])")


def test_end_of_input_is_quit_and_a_wrong_answer_asks_again(folder):
    child = spawn(folder)
    child.expect_exact(PROMPT)
    child.sendline("maybe")
    child.expect_exact("Please answer y, n, a or q.")
    child.expect_exact(PROMPT)
    child.sendeof()
    finish(child)
    assert (folder / "model.py").read_text() == SOURCE


def test_interactive_needs_fix_and_a_terminal(folder):
    import subprocess

    result = subprocess.run([sys.executable, "-m", "kmigrate", "--interactive", "model.py"], cwd=folder,
                            capture_output=True, text=True)
    assert result.returncode == 2 and "--interactive goes with --fix" in result.stderr
    result = subprocess.run([sys.executable, "-m", "kmigrate", "--fix", "--interactive", "model.py"], cwd=folder,
                            capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert result.returncode == 2 and "must be a terminal" in result.stderr
    assert (folder / "model.py").read_text() == SOURCE
