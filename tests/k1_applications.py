"""The Keras 1.2.2 applications (``keras/applications/`` of the PyPI sdist) as a user would hold them.

The sdist is fetched once with pip into a cache outside the repository (``KMIGRATE_TEST_CACHE``,
default ``~/.cache/kmigrate-tests``); nothing of it is committed.  The application modules are
package-relative (``from ..layers import merge``): copied out of the package, as users copied them
(keras-team/deep-learning-models), they import the same objects absolutely, which is the one change
made before kmigrate sees them.
"""

from __future__ import annotations

import ast
import dataclasses
import json
import os
import re
import subprocess
import sys
import tarfile
from pathlib import Path

SDIST = "Keras-1.2.2.tar.gz"
MODULES = ("resnet50", "inception_v3", "vgg16", "vgg19", "xception", "music_tagger_crnn",
           "imagenet_utils", "audio_conv_utils")


class FetchError(Exception):
    pass


def cache_dir() -> Path:
    return Path(os.environ.get("KMIGRATE_TEST_CACHE", Path.home() / ".cache" / "kmigrate-tests"))


def fetch_sdist() -> Path:
    """The Keras 1.2.2 sdist from PyPI (downloaded on first use)."""
    folder = cache_dir() / "keras-1.2.2"
    path = folder / SDIST
    if path.is_file():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
               "--disable-pip-version-check", "-d", str(folder), "keras==1.2.2"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0 or not path.is_file():
        tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
        raise FetchError(f"pip download keras==1.2.2 failed: {tail[0]}")
    return path


_RELATIVE = (
    (re.compile(r"^from \.\. import ", re.MULTILINE), "from keras import "),
    (re.compile(r"^from \.\.(?=[a-z])", re.MULTILINE), "from keras."),
    (re.compile(r"^from \.(?=[a-z])", re.MULTILINE), "from keras.applications."),
)


def absolute_imports(text: str) -> str:
    for pattern, replacement in _RELATIVE:
        text = pattern.sub(replacement, text)
    assert not re.search(r"^from \.", text, re.MULTILINE), "a relative import was left"
    return text


def extract(sdist: Path, into: Path) -> dict[str, str]:
    """The application modules' text (absolute imports), also written to ``into``."""
    into.mkdir(parents=True, exist_ok=True)
    texts = {}
    with tarfile.open(sdist) as archive:
        for name in MODULES:
            member = archive.extractfile(f"Keras-1.2.2/keras/applications/{name}.py")
            texts[name] = absolute_imports(member.read().decode("utf-8"))
            (into / f"{name}.py").write_text(texts[name], encoding="utf-8")
    return texts


@dataclasses.dataclass
class Migrated:
    original: dict[str, str]  # Keras 1 text (absolute imports)
    migrated: dict[str, str]  # after ``kmigrate --fix --unsafe-fixes``
    remaining: dict[str, list[dict]]  # findings left per module (JSON findings)
    fix_output: str


def migrate(folder: Path) -> Migrated:
    """Run the real CLI on a folder of the modules, in place, and collect what remains."""
    original = {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py"))}
    fix = subprocess.run([sys.executable, "-m", "kmigrate", "--fix", "--unsafe-fixes", str(folder)],
                         capture_output=True, text=True, timeout=300, check=False)
    check = subprocess.run([sys.executable, "-m", "kmigrate", "--check", "--output-format", "json", str(folder)],
                           capture_output=True, text=True, timeout=300, check=False)
    remaining: dict[str, list[dict]] = {name: [] for name in original}
    for finding in json.loads(check.stdout)["findings"]:
        remaining[Path(finding["path"]).stem].append(finding)
    migrated = {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py"))}
    return Migrated(original, migrated, remaining, fix.stdout + fix.stderr)


def function_source(text: str, name: str) -> str:
    """The source of module-level function ``name`` in ``text``."""
    tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_source_segment(text, node)
    raise LookupError(name)
