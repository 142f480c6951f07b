"""``[tool.kmigrate]``: where it is found, every key, the command line winning, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kmigrate import config
from test_cli import LEGACY, kmigrate


def codes(result) -> list[str]:
    assert result.returncode in (0, 1), result.stderr
    return [f["code"] for f in json.loads(result.stdout)["findings"]]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "legacy.py").write_text(LEGACY)
    return tmp_path


def test_nearest_pyproject_above_the_first_path_and_subprojects_without_a_table_are_skipped(repo):
    (repo / "pyproject.toml").write_text("[tool.kmigrate]\nselect = ['KM3']\n")
    (repo / "pkg" / "pyproject.toml").write_text("[project]\nname = 'sub'\n")  # no [tool.kmigrate]
    outside = repo / "elsewhere"
    outside.mkdir()
    assert codes(kmigrate("--output-format", "json", str(repo / "pkg"), cwd=outside)) == ["KM301"]
    (repo / "pkg" / "pyproject.toml").write_text("[tool.kmigrate]\nselect = ['KM103']\n")
    assert codes(kmigrate("--output-format", "json", str(repo / "pkg"), cwd=outside)) == ["KM103"]


def test_config_file_and_isolated(repo):
    (repo / "pyproject.toml").write_text("[tool.kmigrate]\nselect = ['KM3']\n")
    (repo / "other.toml").write_text("select = ['KM101']\n")  # a kmigrate-only file: keys at the top
    assert codes(kmigrate("--output-format", "json", "--config", "other.toml", "pkg", cwd=repo)) == ["KM101"]
    assert codes(kmigrate("--output-format", "json", "--isolated", "pkg", cwd=repo)) == ["KM101", "KM301", "KM103"]


def test_every_key_takes_effect(repo):
    (repo / "pkg" / "skipped.py").write_text(LEGACY)
    (repo / "pkg" / "also_skipped.py").write_text(LEGACY)
    (repo / "pyproject.toml").write_text(
        "[tool.kmigrate]\n"
        "select = ['KM1']\n"
        "extend-select = ['KM301']\n"
        "ignore = ['KM103']\n"
        "unsafe-fixes = true\n"
        "cos-style = 'legacy'\n"
        "exclude = ['skipped.py']\n"
        "extend-exclude = ['also_*.py']\n"
        "per-file-ignores = {'pkg/legacy.py' = ['KM101']}\n"
        "legacy-env = 'envs/k1'\n"
    )
    result = kmigrate("--output-format", "json", "pkg", cwd=repo)
    document = json.loads(result.stdout)
    assert [(f["path"], f["code"]) for f in document["findings"]] == [("pkg/legacy.py", "KM301")]
    assert document["summary"]["fixable"] == 1  # unsafe-fixes = true: the unsafe fix counts as fixable
    assert "legacy" in document["findings"][0]["message"].lower()  # cos-style = legacy
    loaded = config.load(repo / "pyproject.toml")
    assert loaded.legacy_env == str(repo.resolve() / "envs" / "k1")  # relative to the file, not the cwd


def test_command_line_wins(repo):
    (repo / "pyproject.toml").write_text("[tool.kmigrate]\nselect = ['KM3']\nunsafe-fixes = true\ncos-style = 'legacy'\n")
    result = kmigrate("--output-format", "json", "--select", "KM301", "--cos-style", "dot", "pkg", cwd=repo)
    (finding,) = json.loads(result.stdout)["findings"]
    assert finding["message"].startswith("merge(mode='cos') -> Dot(")
    # Where the command line is silent the file's unsafe-fixes and cos-style apply.
    fixed = kmigrate("--fix", "--select", "KM1,KM3", "pkg", cwd=repo)
    assert "Lambda(keras1_cos)" in (repo / "pkg" / "legacy.py").read_text(), fixed.stderr


def test_per_file_ignores_are_relative_to_the_configuration_folder(repo):
    (repo / "tests").mkdir()
    (repo / "tests" / "test_model.py").write_text(LEGACY)
    (repo / "pyproject.toml").write_text("[tool.kmigrate]\nper-file-ignores = {'tests/*' = ['KM301'], 'legacy.py' = ['KM103']}\n")
    elsewhere = repo / "pkg"
    result = kmigrate("--output-format", "json", str(repo), cwd=elsewhere)
    found = sorted((Path(f["path"]).name, f["code"]) for f in json.loads(result.stdout)["findings"])
    assert found == [("legacy.py", "KM101"), ("legacy.py", "KM301"),
                     ("test_model.py", "KM101"), ("test_model.py", "KM103")]


@pytest.mark.parametrize("line,key,expected", [
    ("select = 'KM1'", "select", "a list of rule codes or prefixes"),
    ("extend-select = [1]", "extend-select", "a list of rule codes or prefixes"),
    ("ignore = true", "ignore", "a list of rule codes or prefixes"),
    ("unsafe-fixes = 'yes'", "unsafe-fixes", "true or false"),
    ("cos-style = 'cosine'", "cos-style", "one of 'dot', 'legacy'"),
    ("exclude = 'build'", "exclude", "a list of glob patterns"),
    ("extend-exclude = {}", "extend-exclude", "a list of glob patterns"),
    ("per-file-ignores = ['tests/*']", "per-file-ignores", "a table of glob = [codes]"),
    ("legacy-env = 3", "legacy-env", "a path"),
    ("select = ['KM9']", "select", "'KM9' matches no rule"),
    ("per-file-ignores = {'tests/*' = ['XX1']}", 'per-file-ignores."tests/*"', "'XX1' matches no rule"),
    ("selct = ['KM1']", "selct", "unknown key"),
])
def test_bad_key_or_type_exits_2_naming_key_file_and_expectation(repo, line, key, expected):
    (repo / "pyproject.toml").write_text(f"[tool.kmigrate]\n{line}\n")
    result = kmigrate("pkg", cwd=repo)
    assert result.returncode == 2, result.stderr
    message = result.stderr.strip()
    assert message.startswith(f"kmigrate: error: {repo / 'pyproject.toml'}: "), message
    assert f"'{key}'" in message and expected in message
    assert "Traceback" not in result.stderr


def test_invalid_toml_is_a_clear_error(repo):
    (repo / "pyproject.toml").write_text("[tool.kmigrate\nselect = ['KM1']\n")
    result = kmigrate("pkg", cwd=repo)
    assert result.returncode == 2 and "invalid TOML" in result.stderr and "Traceback" not in result.stderr
