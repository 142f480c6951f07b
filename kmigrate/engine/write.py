"""Atomic writes that keep everything but the changed bytes: mode bits, owner and group, links.

The new content goes to a temporary file beside the file's real path and is renamed over it, so a
file is at any moment either original or completely rewritten; a symlink stays a link.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class WriteError(Exception):
    pass


def real_target(path: Path, allowed_roots: tuple[Path, ...]) -> Path:
    """The file a write to ``path`` changes; refuse links that lead outside the given paths."""
    real = Path(os.path.realpath(path))
    if path.is_symlink() and allowed_roots and not any(real == r or r in real.parents for r in allowed_roots):
        raise WriteError(f"{path}: not written: it is a link to {real}, outside the paths given")
    return real


def atomic_write(path: Path, data: bytes, allowed_roots: tuple[Path, ...] = ()) -> None:
    target = real_target(path, allowed_roots)
    try:
        st = target.stat()
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror}") from None
    if not os.access(target, os.W_OK):
        raise WriteError(f"{path}: cannot write: permission denied (the fix was not applied)")
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".kmigrate-tmp", dir=target.parent)
    except OSError as exc:
        raise WriteError(f"{path}: cannot write beside it: {exc.strerror}") from None
    replaced = False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, st.st_mode & 0o7777)
        if hasattr(os, "chown"):
            try:
                os.chown(temp, st.st_uid, st.st_gid)
            except PermissionError:
                pass  # an unprivileged user keeps its own ownership, as an editor would
        os.replace(temp, target)
        replaced = True
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror}") from None
    finally:
        if not replaced:
            try:
                os.unlink(temp)
            except OSError:
                pass
