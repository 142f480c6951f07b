"""Atomic writes that keep everything but the changed bytes: mode bits, owner and group, links.

The new content goes to a temporary file beside the file's real path and is renamed over it, so a
file is at any moment either original or completely rewritten; a symlink stays a link.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
from collections.abc import Iterable
from pathlib import Path


class WriteError(Exception):
    pass


def allowed_roots(paths: Iterable[str]) -> tuple[Path, ...]:
    """Where writes may land: the given paths, links resolved; for a link named itself, the folder it is in
    (``kmigrate --fix link.py`` writes to the file beside it that it points to, never to one elsewhere)."""
    roots = []
    for given in paths:
        absolute = os.path.abspath(given)
        if os.path.islink(absolute):
            roots.append(Path(os.path.realpath(os.path.dirname(absolute))))
        else:
            roots.append(Path(os.path.realpath(absolute)))
    return tuple(roots)


def real_target(path: Path, allowed_roots: tuple[Path, ...]) -> Path:
    """The file a write to ``path`` changes; refuse links that lead outside the given paths."""
    real = Path(os.path.realpath(path))
    if allowed_roots and not any(real == r or r in real.parents for r in allowed_roots):
        raise WriteError(f"{path}: not written: it is a symbolic link to {real} (or inside a linked folder),"
                         f" outside the paths given; name that file itself to fix it")
    return real


@contextlib.contextmanager
def _signals_deferred():
    """SIGINT/SIGTERM wait until the write is complete (the rename makes it all or nothing; this keeps the
    temporary file from being left behind)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def atomic_write(path: Path, data: bytes, allowed_roots: tuple[Path, ...] = ()) -> None:
    with _signals_deferred():
        _atomic_write(path, data, allowed_roots)


def _atomic_write(path: Path, data: bytes, allowed_roots: tuple[Path, ...]) -> None:
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
