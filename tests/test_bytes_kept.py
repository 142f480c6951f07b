"""``kmigrate --fix`` changes the Keras 1 constructs and nothing else: encodings, BOMs, newlines, trailing
whitespace, the last line, mode bits, owner and group, links.  Real files through the real command."""

from __future__ import annotations

import os
import stat

import pytest
import robustness_cli

MERGE = "c = merge([a, b], mode='sum')"
FIXED = "c = Add()([a, b])"


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _fix(tmp_path, data: bytes, name: str = "model.py", args=()) -> bytes:
    path = tmp_path / name
    path.write_bytes(data)
    proc = robustness_cli.run(["--fix", *args, name], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return path.read_bytes()


def _assert_only_keras_lines_changed(before: bytes, after: bytes) -> None:
    """Every line without Keras content is in the output byte for byte, in order."""
    kept = [line for line in _lines(before) if b"merge" not in line and b"keras" not in line]
    remaining = iter(_lines(after))
    for line in kept:
        assert any(candidate == line for candidate in remaining), f"line {line!r} was changed or lost"


SOURCE = robustness_cli.KERAS_FILE


def test_latin1_cookie_stays_latin1(tmp_path):
    before = ("# -*- coding: latin-1 -*-\n# Auteur: Hélène Müller\n" + SOURCE + "name = 'café'\n").encode("latin-1")
    after = _fix(tmp_path, before)
    assert after.startswith(b"# -*- coding: latin-1 -*-\n# Auteur: H\xe9l\xe8ne M\xfcller\n")
    assert b"name = 'caf\xe9'\n" in after
    assert FIXED.encode() in after
    _assert_only_keras_lines_changed(before, after)


def test_utf8_bom_is_kept(tmp_path):
    before = b"\xef\xbb\xbf" + SOURCE.encode() + "s = 'é'\n".encode()
    after = _fix(tmp_path, before)
    assert after.startswith(b"\xef\xbb\xbffrom keras.layers import")
    assert after.count(b"\xef\xbb\xbf") == 1
    _assert_only_keras_lines_changed(before, after)


def test_crlf_is_kept_everywhere(tmp_path):
    before = SOURCE.replace("\n", "\r\n").encode()
    after = _fix(tmp_path, before)
    assert FIXED.encode() + b"\r\n" in after
    assert after.count(b"\n") == after.count(b"\r\n")
    _assert_only_keras_lines_changed(before, after)


def test_mixed_newlines_are_kept_line_by_line(tmp_path):
    lines = SOURCE.splitlines(keepends=True)
    before = "".join(line.replace("\n", "\r\n") if i % 2 else line for i, line in enumerate(lines)).encode()
    before += b"x = 1\r\ny = 2\n"
    after = _fix(tmp_path, before)
    assert after.endswith(b"x = 1\r\ny = 2\n")
    _assert_only_keras_lines_changed(before, after)


def test_trailing_whitespace_and_tabs_are_kept(tmp_path):
    before = SOURCE.replace("b = Input(shape=(3,))\n", "b = Input(shape=(3,))   \t\n").encode() + b"z = 3  \n\n\n"
    after = _fix(tmp_path, before)
    assert b"b = Input(shape=(3,))   \t\n" in after
    assert after.endswith(b"z = 3  \n\n\n")
    _assert_only_keras_lines_changed(before, after)


def test_no_trailing_newline_stays_so(tmp_path):
    before = SOURCE.encode() + b"print(model)"
    after = _fix(tmp_path, before)
    assert after.endswith(b"\nprint(model)")
    assert FIXED.encode() in after


def test_file_ending_in_the_fixed_line_without_newline(tmp_path):
    before = SOURCE.split("model =")[0].rstrip("\n").encode()
    assert before.endswith(MERGE.encode())
    after = _fix(tmp_path, before)
    assert after.endswith(FIXED.encode())


def test_mode_bits_are_kept(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(SOURCE)
    path.chmod(0o751)
    proc = robustness_cli.run(["--fix", "model.py"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert FIXED in path.read_text()
    assert stat.S_IMODE(path.stat().st_mode) == 0o751


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_owner_and_group_are_kept(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(SOURCE)
    os.chown(path, 12345, 23456)
    proc = robustness_cli.run(["--fix", "model.py"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert FIXED in path.read_text()
    assert (path.stat().st_uid, path.stat().st_gid) == (12345, 23456)


def test_a_link_stays_a_link(tmp_path):
    (tmp_path / "real.py").write_text(SOURCE)
    (tmp_path / "link.py").symlink_to("real.py")
    proc = robustness_cli.run(["--fix", "link.py"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "link.py").is_symlink() and os.readlink(tmp_path / "link.py") == "real.py"
    assert FIXED in (tmp_path / "real.py").read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.py", "real.py"]


def test_a_link_found_in_a_folder_is_fixed_once(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "b_real.py").write_text(SOURCE)
    (project / "a_link.py").symlink_to("b_real.py")
    proc = robustness_cli.run(["--fix", "project"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Fixed 1 finding in 1 file" in proc.stderr
    assert (project / "a_link.py").is_symlink()
    assert FIXED in (project / "b_real.py").read_text()


@pytest.mark.parametrize("how", ["named", "in a folder", "through a linked folder"])
def test_a_link_to_outside_the_given_paths_is_never_written_through(tmp_path, how):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "target.py").write_text(SOURCE)
    project = tmp_path / "project"
    project.mkdir()
    (project / "mine.py").write_text(SOURCE)
    if how == "through a linked folder":
        (project / "shared").symlink_to(outside)
        link = project / "shared" / "target.py"
    else:
        link = project / "link.py"
        link.symlink_to(outside / "target.py")
    args = ["--fix", str(link.relative_to(tmp_path))] if how == "named" else ["--fix", "project"]
    proc = robustness_cli.run(args, cwd=tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "not written" in proc.stderr and "outside the paths given" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (outside / "target.py").read_text() == SOURCE
    assert link.is_symlink() or link.parent.is_symlink()
    if how != "named":
        assert FIXED in (project / "mine.py").read_text()  # the rest is processed


def test_diff_shows_the_change_and_writes_nothing(tmp_path):
    path = tmp_path / "model.py"
    before = SOURCE.replace("\n", "\r\n").encode()
    path.write_bytes(before)
    proc = robustness_cli.run(["--diff", "model.py"], cwd=tmp_path)
    assert proc.returncode == 1
    assert f"+{FIXED}" in proc.stdout
    assert path.read_bytes() == before
