"""The command line through its real entry point: exit codes, formats, --diff, --fix, --explain."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).resolve().parent.parent
LEGACY = """from keras.layers import Input, merge
a = Input(shape=(8,))
b = Input(shape=(8,))
s = merge([a, b], mode='sum')
c = merge([a, b], mode='cos')
u = merge([a, b], mode=MODE)
"""
CLEAN = "import keras\nx = keras.layers.Add()\n"


def kmigrate(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-m", "kmigrate", *args], cwd=cwd, capture_output=True, text=True,
                          env=env, input=stdin, timeout=120)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "legacy.py").write_text(LEGACY)
    (tmp_path / "pkg" / "clean.py").write_text(CLEAN)
    (tmp_path / "pkg" / "notes.txt").write_text("merge(mode='sum') keras")
    return tmp_path


def test_check_reports_in_design_format_and_exits_1(tree):
    result = kmigrate("pkg", cwd=tree)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines == [
        "pkg/legacy.py:4:5: KM101 [*] merge(mode='sum') -> Add()",
        lines[1],
        lines[2],
    ]
    assert lines[1].startswith("pkg/legacy.py:5:5: KM301 [!] merge(mode='cos') -> Dot(axes=-1, normalize=True); ")
    assert lines[2].startswith("pkg/legacy.py:6:5: KM103 merge(mode=MODE): mode not known statically")
    assert result.stderr.strip() == "Found 3 findings in 1 file (1 fixable with --fix, 1 more with --unsafe-fixes)."
    assert (tree / "pkg" / "legacy.py").read_text() == LEGACY


def test_clean_tree_exits_0(tree):
    result = kmigrate("pkg/clean.py", cwd=tree)
    assert (result.returncode, result.stdout, result.stderr.strip()) == (0, "", "All checks passed.")


def test_fix_rewrites_then_second_fix_changes_nothing(tree):
    first = kmigrate("--fix", "pkg", cwd=tree)
    assert first.returncode == 1  # KM301 (unsafe) and KM103 (report) remain
    text = (tree / "pkg" / "legacy.py").read_text()
    assert "s = Add()([a, b])" in text and "from keras.layers import Input, merge, Add" in text
    assert first.stderr.strip() == "Fixed 1 finding in 1 file; 2 remain."
    second = kmigrate("--fix", "pkg", cwd=tree)
    assert (tree / "pkg" / "legacy.py").read_text() == text
    assert "Fixed" not in second.stderr


def test_fix_with_nothing_left_exits_0(tree):
    path = tree / "pkg" / "legacy.py"
    path.write_text(LEGACY.replace("u = merge([a, b], mode=MODE)\n", ""))
    result = kmigrate("--fix", "--unsafe-fixes", "pkg", cwd=tree)
    assert result.returncode == 0
    assert "merge" not in path.read_text()


@pytest.mark.parametrize("tool", [["patch", "-p0"], ["git", "apply", "-p0", "-"]])
def test_diff_writes_nothing_and_applies_with_patch(tree, tool):
    """patch(1) where the machine has it (CI installs it), and git apply, which needs no extra package."""
    if shutil.which(tool[0]) is None:
        pytest.fail(f"{tool[0]} is not installed (.ci/run installs it)")
    result = kmigrate("--diff", "pkg", cwd=tree)
    assert result.returncode == 1
    assert (tree / "pkg" / "legacy.py").read_text() == LEGACY
    assert result.stdout.startswith("--- pkg/legacy.py\n+++ pkg/legacy.py\n@@ ")
    applied = subprocess.run(tool, cwd=tree, input=result.stdout, capture_output=True, text=True)
    assert applied.returncode == 0, applied.stderr
    fixed_by_patch = (tree / "pkg" / "legacy.py").read_text()
    (tree / "pkg" / "legacy.py").write_text(LEGACY)
    kmigrate("--fix", "pkg", cwd=tree)
    assert fixed_by_patch == (tree / "pkg" / "legacy.py").read_text()


def test_json_validates_against_the_shipped_schema(tree):
    from importlib.resources import files

    schema = json.loads(files("kmigrate.report").joinpath("schema.json").read_text())
    result = kmigrate("--output-format", "json", "pkg", cwd=tree)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())
    first = document["findings"][0]
    assert first["code"] == "KM101" and first["fix"] == {"applicability": "safe", "description": first["fix"]["description"]}
    assert (first["line"], first["column"], first["end_line"], first["end_column"]) == (4, 5, 4, 30)
    assert first["url"].endswith("/docs/rules/KM101.md")
    assert document["summary"]["findings"] == 3
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**document, "findings": [{**first, "line": 0}]}, schema)


@pytest.mark.parametrize("args,codes", [
    (["--select", "KM1"], ["KM101", "KM103"]),
    (["--select", "KM301"], ["KM301"]),
    (["--ignore", "KM10"], ["KM301"]),
    (["--select", "ALL", "--ignore", "KM103"], ["KM101", "KM301"]),
])
def test_select_and_ignore(tree, args, codes):
    result = kmigrate(*args, "--output-format", "json", "pkg", cwd=tree)
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == codes


@pytest.mark.parametrize("args,message", [
    (["--select", "KM9"], "unknown rule code or prefix 'KM9'"),
    (["--explain", "KM999"], "unknown rule code 'KM999'"),
    (["missing.py"], "missing.py: no such file or folder"),
    (["--output-format", "xml"], "Invalid value for '--output-format'"),
    (["--verify", "build_model", "pkg/legacy.py"], "--verify needs --fix or --diff"),
])
def test_usage_errors_exit_2_with_one_line(tree, args, message):
    result = kmigrate(*args, cwd=tree)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_config_error_exits_2(tree):
    (tree / "pyproject.toml").write_text("[tool.kmigrate]\nselct = ['KM1']\n")
    result = kmigrate("pkg", cwd=tree)
    assert result.returncode == 2
    assert "unknown key 'selct'" in result.stderr


def test_config_select_and_command_line_wins(tree):
    (tree / "pyproject.toml").write_text("[tool.kmigrate]\nselect = ['KM3']\n")
    assert [f["code"] for f in json.loads(kmigrate("--output-format", "json", "pkg", cwd=tree).stdout)["findings"]] == ["KM301"]
    result = kmigrate("--select", "KM101", "--output-format", "json", "pkg", cwd=tree)
    assert [f["code"] for f in json.loads(result.stdout)["findings"]] == ["KM101"]


def test_explain_prints_the_rule_docs():
    result = kmigrate("--explain", "KM301", cwd=ROOT)
    assert result.returncode == 0
    for heading in ("## What it does", "## Why is this bad?", "## Example", "## Use instead", "## Fix safety"):
        assert heading in result.stdout


def test_version():
    from kmigrate import __version__

    assert kmigrate("--version", cwd=ROOT).stdout.strip() == f"kmigrate, version {__version__}"


def test_empty_folder_says_so(tmp_path):
    result = kmigrate(str(tmp_path), cwd=tmp_path)
    assert (result.returncode, result.stderr.strip()) == (0, "No Python files found.")


def test_jobs_pool_gives_the_same_findings(tmp_path):
    for i in range(40):
        (tmp_path / f"m{i:02}.py").write_text(LEGACY)
    pooled = kmigrate("--jobs", "2", ".", cwd=tmp_path)
    serial = kmigrate("--jobs", "1", ".", cwd=tmp_path)
    assert pooled.stdout == serial.stdout and pooled.returncode == serial.returncode == 1
    assert len(pooled.stdout.splitlines()) == 120


def test_help_and_lint_import_neither_tensorflow_nor_keras(tree):
    """The lint path stays light: -X importtime lists every module imported."""
    for args in (["--help"], ["pkg"], ["--fix", "--unsafe-fixes", "pkg"]):
        result = subprocess.run([sys.executable, "-X", "importtime", "-m", "kmigrate", *args], cwd=tree,
                                capture_output=True, text=True)
        imported = {line.split("|")[-1].strip().split(".")[0] for line in result.stderr.splitlines() if "|" in line}
        assert imported, result.stderr[-500:]
        assert not imported & {"tensorflow", "keras", "torch", "jax", "numpy"}, args
