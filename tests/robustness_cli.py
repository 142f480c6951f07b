"""Running the real ``kmigrate`` command in a subprocess (for the robustness tests), optionally as an
unprivileged user, and Keras 1 files to feed it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOBODY = 65534

# Runs kmigrate's main() after dropping root.  The drop happens inside the child, after a warm-up run as
# root has imported every module a run needs: the interpreter and its standard library may live where uid
# 65534 cannot go (/root is mode 700 here), so neither a preexec_fn setuid nor a lazy import would work.
_DROP_AND_RUN = """
import contextlib, io, os, sys, tempfile
import click._textwrap, encodings.latin_1, encodings.utf_8_sig
import kmigrate.cli
with tempfile.TemporaryDirectory() as warm:
    for i in range(20):
        with open(os.path.join(warm, f"m{{i}}.py"), "w") as f:
            f.write({source!r})
    with open(os.path.join(warm, "bad.py"), "wb") as f:
        f.write(b"import keras\\nprint 'x'\\n\\xe9")
    for args in (["--fix", "--jobs", "2"], ["--fix", "--jobs", "1"], ["--diff"], ["--output-format", "json"],
                 ["--select", "NOPE"], ["--py2"]):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            try:
                kmigrate.cli.command([*args, warm], standalone_mode=True)
            except SystemExit:
                pass
os.setgroups([])
os.setgid({uid})
os.setuid({uid})
sys.argv = ["kmigrate", *sys.argv[1:]]
kmigrate.cli.main()
"""


def run(args: list[str], cwd: Path, unprivileged: bool = False, timeout: float = 180,
        env: dict | None = None) -> subprocess.CompletedProcess:
    """``kmigrate ARGS`` in ``cwd``; with ``unprivileged`` as uid/gid 65534 when run as root."""
    full_env = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1", **(env or {})}
    if unprivileged and os.geteuid() == 0:
        command = [sys.executable, "-c", _DROP_AND_RUN.format(uid=NOBODY, source=KERAS_FILE), *args]
    else:
        command = [sys.executable, "-m", "kmigrate", *args]
    return subprocess.run(command, cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout)


def give_to_nobody(*paths: Path) -> None:
    """Let uid 65534 own ``paths`` (as root; otherwise the current user already does)."""
    if os.geteuid() == 0:
        for path in paths:
            os.chown(path, NOBODY, NOBODY, follow_symlinks=False)


#: A Keras 1 file with one safe fix (merge sum -> Add) and everything else to be kept.
KERAS_FILE = (
    "from keras.layers import Input, Dense, merge\n"
    "\n"
    "a = Input(shape=(3,))\n"
    "b = Input(shape=(3,))\n"
    "c = merge([a, b], mode='sum')\n"
    "model = Dense(1)(c)\n"
)
KERAS_FIXED_LINE = "c = Add()([a, b])"


def keras_file(index: int = 0, merges: int = 1) -> str:
    """A Keras 1 file with ``merges`` safe fixes; distinct per ``index``."""
    body = "".join(
        f"def block_{index}_{i}(a, b):\n"
        f"    # padding so that a run over many files takes a moment\n"
        f"    h = Dense({i + 1})(a)\n"
        f"    return merge([h, b], mode='sum')\n\n"
        for i in range(merges)
    )
    return "from keras.layers import Input, Dense, merge\n\n" + body
