"""Unreadable files and read-only files with a pending fix: a clear error, exit 2, the rest processed.

Root reads mode-000 files and writes mode-444 ones, so kmigrate runs here as uid 65534 (see
``robustness_cli.run(unprivileged=True)``)."""

from __future__ import annotations

import stat
import tempfile
from pathlib import Path

import pytest
import robustness_cli

FIXED = robustness_cli.KERAS_FIXED_LINE


@pytest.fixture
def folder():
    # Not pytest's tmp_path: its parents are closed to other users.
    with tempfile.TemporaryDirectory(prefix="kmigrate-perm-") as name:
        path = Path(name)
        path.chmod(0o755)
        yield path


def _project(folder: Path, modes: dict[str, int]) -> Path:
    project = folder / "project"
    project.mkdir()
    for name, mode in modes.items():
        path = project / name
        path.write_text(robustness_cli.KERAS_FILE)
        robustness_cli.give_to_nobody(path)
        path.chmod(mode)
    robustness_cli.give_to_nobody(project)
    return project


def test_the_unprivileged_user_really_is_unprivileged(folder):
    """Guards the tests below: as root they would test nothing."""
    project = _project(folder, {"secret.py": 0o000})
    proc = robustness_cli.run(["secret.py"], cwd=project, unprivileged=True)
    assert "cannot read" in proc.stderr, proc.stderr


def test_unreadable_and_read_only_files_are_errors_and_the_rest_is_fixed(folder):
    project = _project(folder, {"a_ok.py": 0o644, "b_unreadable.py": 0o000, "c_readonly.py": 0o444, "d_ok.py": 0o644})
    proc = robustness_cli.run(["--fix", "--jobs", "1", "."], cwd=project, unprivileged=True)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "kmigrate: error: b_unreadable.py: cannot read: Permission denied" in proc.stderr
    assert "kmigrate: error: c_readonly.py: cannot write: permission denied (the fix was not applied)" in proc.stderr
    # The read-only file's finding is still reported, as not fixed.
    assert "c_readonly.py:5:5: KM101 [*]" in proc.stdout
    for name in ("a_ok.py", "d_ok.py"):
        assert FIXED in (project / name).read_text()
    (project / "b_unreadable.py").chmod(0o644)
    assert (project / "b_unreadable.py").read_text() == robustness_cli.KERAS_FILE
    assert (project / "c_readonly.py").read_text() == robustness_cli.KERAS_FILE
    assert stat.S_IMODE((project / "c_readonly.py").stat().st_mode) == 0o444
    assert sorted(p.name for p in project.iterdir()) == ["a_ok.py", "b_unreadable.py", "c_readonly.py", "d_ok.py"]


def test_read_only_file_without_a_pending_fix_is_fine(folder):
    project = _project(folder, {"readonly.py": 0o444})
    (project / "readonly.py").chmod(0o644)
    (project / "readonly.py").write_text("from keras.layers import Dense\nx = Dense(3)\n")
    (project / "readonly.py").chmod(0o444)
    proc = robustness_cli.run(["--fix", "."], cwd=project, unprivileged=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_unwritable_folder_is_an_error(folder):
    project = _project(folder, {"model.py": 0o644})
    project.chmod(0o555)
    proc = robustness_cli.run(["--fix", "model.py"], cwd=project, unprivileged=True)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "model.py: cannot write beside it: Permission denied" in proc.stderr
    assert (project / "model.py").read_text() == robustness_cli.KERAS_FILE


def test_unreadable_folder_is_an_error_and_the_rest_is_fixed(folder):
    project = _project(folder, {"model.py": 0o644})
    closed = project / "closed"
    closed.mkdir()
    (closed / "inner.py").write_text(robustness_cli.KERAS_FILE)
    robustness_cli.give_to_nobody(closed)
    closed.chmod(0o000)
    proc = robustness_cli.run(["--fix", "."], cwd=project, unprivileged=True)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "closed: cannot read this folder: Permission denied" in proc.stderr
    assert FIXED in (project / "model.py").read_text()
    closed.chmod(0o755)
