"""``[tool.kmigrate]`` in the nearest ``pyproject.toml`` → settings (command-line options win)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    pass


@dataclasses.dataclass
class FileConfig:
    path: Path | None = None
    select: list[str] | None = None
    extend_select: list[str] = dataclasses.field(default_factory=list)
    ignore: list[str] = dataclasses.field(default_factory=list)
    unsafe_fixes: bool | None = None
    cos_style: str | None = None
    exclude: list[str] = dataclasses.field(default_factory=list)
    extend_exclude: list[str] = dataclasses.field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = dataclasses.field(default_factory=dict)
    legacy_env: str | None = None


COS_STYLES = ("dot", "legacy")

_KEYS = {
    "select": ("a list of rule codes or prefixes", list),
    "extend-select": ("a list of rule codes or prefixes", list),
    "ignore": ("a list of rule codes or prefixes", list),
    "unsafe-fixes": ("true or false", bool),
    "cos-style": ("one of 'dot', 'legacy'", str),
    "exclude": ("a list of glob patterns", list),
    "extend-exclude": ("a list of glob patterns", list),
    "per-file-ignores": ("a table of glob = [codes]", dict),
    "legacy-env": ("a path", str),
}


def find_pyproject(start: Path) -> Path | None:
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for folder in (current, *current.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load(path: Path | None, explicit: bool = False) -> FileConfig:
    if path is None:
        return FileConfig()
    try:
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    table = document.get("tool", {}).get("kmigrate") if not explicit or "tool" in document else document
    if table is None:
        return FileConfig(path)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.kmigrate] must be a table")
    config = FileConfig(path)
    for key, value in table.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{path}: unknown key '{key}' in [tool.kmigrate] (known: {known})")
        expected, kind = _KEYS[key]
        if not isinstance(value, kind) or (kind is list and not all(isinstance(v, str) for v in value)):
            raise ConfigError(f"{path}: '{key}' in [tool.kmigrate] must be {expected}, not {value!r}")
        if key == "cos-style" and value not in COS_STYLES:
            raise ConfigError(f"{path}: 'cos-style' in [tool.kmigrate] must be {expected}, not {value!r}")
        if key == "per-file-ignores":
            for pattern, codes in value.items():
                if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                    raise ConfigError(f"{path}: 'per-file-ignores' entry '{pattern}' must be a list of codes")
        setattr(config, key.replace("-", "_"), value)
    return config
