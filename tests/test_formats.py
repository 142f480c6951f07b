"""github annotations, --statistics, --show-fixes, the "not analysed" notes, and the acceptance scenario:
a repository whose ``[tool.kmigrate]`` selects KM1,KM3 and ignores KM301 under tests/, in all four formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_cli import LEGACY, kmigrate


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "src" / "model.py").write_text(LEGACY)
    (tmp_path / "tests" / "test_model.py").write_text(LEGACY)
    (tmp_path / "src" / "layers.py").write_text(  # KM4 territory: not selected
        "from keras.layers.core import Dense\nd = Dense(4)\n")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.kmigrate]\nselect = ['KM1', 'KM3']\nper-file-ignores = {'tests/*' = ['KM301']}\n")
    return tmp_path


EXPECTED = [  # (path, line, column, code)
    ("src/model.py", 4, 5, "KM101"),
    ("src/model.py", 5, 5, "KM301"),
    ("src/model.py", 6, 5, "KM103"),
    ("tests/test_model.py", 4, 5, "KM101"),
    ("tests/test_model.py", 6, 5, "KM103"),
]


def test_acceptance_text(project):
    result = kmigrate(".", cwd=project)
    assert result.returncode == 1
    assert [tuple(line.split(":")[:3]) + (line.split()[1],) for line in result.stdout.splitlines()] == [
        (p, str(l), str(c), code) for p, l, c, code in EXPECTED]


def test_acceptance_json(project):
    document = json.loads(kmigrate("--output-format", "json", ".", cwd=project).stdout)
    assert [(f["path"], f["line"], f["column"], f["code"]) for f in document["findings"]] == EXPECTED
    assert document["summary"]["findings"] == 5


def test_acceptance_github(project):
    lines = kmigrate("--output-format", "github", ".", cwd=project).stdout.splitlines()
    ends = {(f["path"], f["line"], f["code"]): f["end_column"]
            for f in json.loads(kmigrate("--output-format", "json", ".", cwd=project).stdout)["findings"]}
    assert [line.split("::")[1] for line in lines] == [
        f"error file={p},line={l},col={c},endLine={l},endColumn={ends[p, l, code]},title={code}"
        for p, l, c, code in EXPECTED]
    assert lines[0].endswith("::KM101 [*] merge(mode='sum') -> Add()")


def test_acceptance_sarif(project):
    run = json.loads(kmigrate("--output-format", "sarif", ".", cwd=project).stdout)["runs"][0]
    found = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"],
              r["locations"][0]["physicalLocation"]["region"]["startColumn"], r["ruleId"]) for r in run["results"]]
    assert found == EXPECTED
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == ["KM101", "KM102", "KM103", "KM301", "KM302",
                                                                       "KM303"]


def test_github_escapes_what_workflow_commands_reserve(tmp_path):
    from kmigrate.engine.runner import Diagnostic
    from kmigrate.report.github import annotation

    d = Diagnostic("KM001", "100% broken:\nline two", "a,b:c.py", 1, 2, 3, 4, None)
    assert annotation(d) == ("::warning file=a%2Cb%3Ac.py,line=1,col=2,endLine=3,endColumn=4,title=KM001"
                             "::KM001 100%25 broken:%0Aline two")


def test_statistics_counts_per_code_with_fixability(project):
    result = kmigrate("--statistics", ".", cwd=project)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "2  KM101  [*]  merge-mode  (2 fixable)",
        "2  KM103       merge-unknown-mode",
        "1  KM301  [!]  merge-cos  (1 with --unsafe-fixes)",
    ]
    rows = json.loads(kmigrate("--statistics", "--output-format", "json", "--unsafe-fixes", ".", cwd=project).stdout)
    assert {r["code"]: (r["count"], r["fixable"], r["unsafe_fixable"]) for r in rows} == {
        "KM101": (2, 2, 0), "KM103": (2, 0, 0), "KM301": (1, 1, 0)}


def test_show_fixes_lists_each_fixed_finding_where_it_was(project):
    result = kmigrate("--fix", "--show-fixes", "src/model.py", cwd=project)
    lines = result.stdout.splitlines()
    assert [line.split(" ")[:2] for line in lines[:2]] == [["src/model.py:5:5:", "KM301"], ["src/model.py:6:5:", "KM103"]]
    assert lines[2:] == [
        "Fixed 1 finding:",
        "  src/model.py:4:5: KM101 [*] merge(mode='sum') -> Add()  (Replace merge with Add())",
    ]
    check = kmigrate("--show-fixes", "tests/test_model.py", cwd=project)
    assert "    fix (safe): Replace merge with Add()" in check.stdout.splitlines()
    diff = kmigrate("--diff", "--show-fixes", "tests/test_model.py", cwd=project)
    assert "Would fix 1 finding:\n  tests/test_model.py:4:5: KM101" in diff.stderr


def test_files_with_keras1_code_no_rule_saw_are_counted_and_named(project):
    (project / "src" / "dynamic.py").write_text(
        "import keras\nfrom keras import layers\n\ndef make(name):\n    return getattr(layers, name)(4)\n")
    result = kmigrate("src", cwd=project)
    assert result.stderr.strip().endswith(
        "2 files use Keras 1 APIs that kmigrate did not analyse (--verbose says where).")
    verbose = kmigrate("--verbose", "src", cwd=project)
    assert ("src/dynamic.py: info: line 5: getattr(layers, name) picks a Keras name at run time; kmigrate cannot "
            "tell which") in verbose.stderr
    assert ("src/layers.py: info: line 1: imports from keras.layers.core, a Keras 1 module path, but no selected "
            "rule found anything in this file") in verbose.stderr
    # With the rule that knows the module path selected, the file is not "unseen" any more.
    with_km4 = kmigrate("--isolated", "--output-format", "json", "src/layers.py", cwd=project)
    assert json.loads(with_km4.stdout)["summary"]["unanalysed"] == 0


def test_clean_run_with_unseen_keras1_code_does_not_say_only_all_clean(tmp_path):
    (tmp_path / "m.py").write_text("import importlib\nimport keras\nmod = importlib.import_module('keras.layers.' + kind)\n")
    result = kmigrate(".", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr.strip() == ("All checks passed. 1 file uses Keras 1 APIs that kmigrate did not analyse "
                                     "(--verbose says where).")
