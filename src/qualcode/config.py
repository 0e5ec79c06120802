"""The user's own settings (coder name, key bindings): a small TOML file in the config folder."""

from __future__ import annotations

import os
from pathlib import Path


def config_path() -> Path:
    base = os.environ.get("QUALCODE_CONFIG")
    if base:
        return Path(base)
    root = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return root / "qualcode" / "config.toml"


def load_config() -> dict:
    import tomllib

    path = config_path()
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def save_config(config: dict) -> Path:
    """Write the config (flat keys plus one level of tables) atomically."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"{k} = {_toml_value(v)}" for k, v in config.items() if not isinstance(v, dict)]
    for table, values in config.items():
        if isinstance(values, dict):
            lines.append(f"\n[{table}]")
            lines.extend(f'"{k}" = {_toml_value(v)}' for k, v in values.items())
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    tmp.replace(path)
    return path


def default_coder(explicit: str | None = None) -> str | None:
    """The coder name: given explicitly, else $QUALCODE_CODER, else the remembered one."""
    return explicit or os.environ.get("QUALCODE_CODER") or load_config().get("coder")


def remember_coder(name: str) -> None:
    config = load_config()
    config["coder"] = name
    save_config(config)
