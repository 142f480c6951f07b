"""``kmigrate -``: source on stdin for editors; with --fix the fixed source on stdout, findings on stderr."""

from __future__ import annotations

import json

from test_cli import LEGACY, kmigrate

FIXED_SUM = LEGACY.replace("import Input, merge", "import Input, merge, Add").replace(
    "merge([a, b], mode='sum')", "Add()([a, b])")


def test_check_reads_stdin_and_reports_on_stdout(tmp_path):
    result = kmigrate("-", cwd=tmp_path, stdin=LEGACY)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "-:4:5: KM101 [*] merge(mode='sum') -> Add()"
    assert result.stderr.strip().startswith("Found 3 findings in 1 file")


def test_fix_writes_the_fixed_source_to_stdout_and_findings_to_stderr(tmp_path):
    result = kmigrate("-", "--fix", "--stdin-filename", "models/siamese.py", cwd=tmp_path, stdin=LEGACY)
    assert result.returncode == 1  # KM301 (unsafe) and KM103 remain
    assert result.stdout == FIXED_SUM
    assert "models/siamese.py:5:5: KM301 [!]" in result.stderr and "models/siamese.py:6:5: KM103" in result.stderr
    assert not (tmp_path / "models").exists()  # nothing is written


def test_fix_of_clean_source_echoes_it_unchanged(tmp_path):
    source = "import keras\nx = keras.layers.Add()\n"
    result = kmigrate("-", "--fix", cwd=tmp_path, stdin=source)
    assert (result.returncode, result.stdout) == (0, source)


def test_stdin_filename_selects_configuration_and_per_file_ignores(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.kmigrate]\nper-file-ignores = {'tests/*' = ['KM301', 'KM103']}\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "src").mkdir()

    def found(name: str) -> list[tuple[str, str]]:
        result = kmigrate("-", "--output-format", "json", "--stdin-filename", name, cwd=tmp_path / "src", stdin=LEGACY)
        return [(f["path"], f["code"]) for f in json.loads(result.stdout)["findings"]]

    assert found("../tests/test_x.py") == [("../tests/test_x.py", "KM101")]
    assert [code for _, code in found("model.py")] == ["KM101", "KM301", "KM103"]


def test_stdin_with_other_paths_is_a_usage_error(tmp_path):
    result = kmigrate("-", "other.py", cwd=tmp_path, stdin="")
    assert result.returncode == 2 and "cannot be combined" in result.stderr
    result = kmigrate("--stdin-filename", "x.py", ".", cwd=tmp_path)
    assert result.returncode == 2 and "--stdin-filename goes with" in result.stderr


def test_unanalysable_stdin_is_km001(tmp_path):
    result = kmigrate("-", "--fix", cwd=tmp_path, stdin="import keras\nprint 'x'\n")
    assert result.stdout == "import keras\nprint 'x'\n"
    assert "-:2:1: KM001" in result.stderr and result.returncode == 1
