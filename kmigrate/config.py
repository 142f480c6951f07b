"""``[tool.kmigrate]`` in the nearest ``pyproject.toml`` → settings (command-line options win).

The nearest ``pyproject.toml`` *with a* ``[tool.kmigrate]`` *table*, as ruff does: a sub-project's
``pyproject.toml`` that does not mention kmigrate does not hide the repository's configuration.
Relative paths and ``per-file-ignores`` patterns are relative to the configuration file's folder.
"""

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

    @property
    def root(self) -> Path | None:
        """The folder relative paths and patterns are relative to."""
        return self.path.resolve().parent if self.path is not None else None


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
    """The nearest ``pyproject.toml`` at or above ``start`` that has a ``[tool.kmigrate]`` table."""
    current = start.resolve()
    if current.is_file():
        current = current.parent
    for folder in (current, *current.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _mentions_kmigrate(candidate):
            return candidate
    return None


def _mentions_kmigrate(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return True  # load() reports it
    if b"kmigrate" not in data:
        return False
    try:
        document = tomllib.loads(data.decode("utf-8", errors="replace"))
    except tomllib.TOMLDecodeError:
        return True  # load() reports it
    tool = document.get("tool")
    return isinstance(tool, dict) and "kmigrate" in tool


def check_codes(config: FileConfig, known: list[str]) -> None:
    """Every code or prefix the file names must select a rule (``ALL`` selects every rule)."""
    entries = [(key, codes) for key, codes in (("select", config.select or []), ("extend-select", config.extend_select),
                                               ("ignore", config.ignore))]
    entries += [(f"per-file-ignores.\"{pattern}\"", codes) for pattern, codes in config.per_file_ignores.items()]
    for key, codes in entries:
        for code in codes:
            selector = code.strip().upper()
            if selector != "ALL" and not any(k.startswith(selector) for k in known):
                raise ConfigError(f"{config.path}: '{key}' in [tool.kmigrate] must be a list of rule codes or "
                                  f"prefixes; '{code}' matches no rule (known: {', '.join(known)})")


def per_file_patterns(config: FileConfig) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``per-file-ignores`` with each pattern that names a folder anchored at the configuration's folder."""
    out = []
    for pattern, codes in config.per_file_ignores.items():
        if "/" in pattern and config.root is not None and not pattern.startswith(("/", "*")):
            pattern = f"{config.root.as_posix()}/{pattern.removeprefix('./')}"
        out.append((pattern, tuple(c.strip().upper() for c in codes)))
    return tuple(out)


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
        if key == "legacy-env":
            value = str((Path(path).resolve().parent / Path(value).expanduser()))
        setattr(config, key.replace("-", "_"), value)
    return config
