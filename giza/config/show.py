"""The resolved configuration as plain data, for `giza config` and the docs."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from giza.config.model import Config
from giza.errors import UsageError


def _plain(value: Any) -> Any:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def resolved(config: Config) -> dict[str, Any]:
    """Everything giza decided: values with defaults, absolute paths, the branch."""
    return _plain({
        "conf_file": config.conf_file,
        "project": asdict(config.project),
        "version": asdict(config.version),
        "paths": {**asdict(config.paths), "branch_output": config.branch_dir},
        "git": {"branch": config.git.branch, "branch_from": config.git.branch_source,
                "commit": config.git.commit, "remote": dict(config.git.remote)},
        "system": {"files": {name: [str(p) for p in side.paths]
                             for name, side in sorted(config.side_files.items())}},
    })


def lookup(data: Any, key: str) -> Any:
    """Walk a dotted key (``project.editions.0.name``) through mappings and lists."""
    current = data
    walked: list[str] = []
    for part in key.split("."):
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and part.isdigit() and int(part) < len(current):
            current = current[int(part)]
        else:
            where = ".".join(walked) or "(top level)"
            if isinstance(current, dict):
                valid = ", ".join(sorted(current))
                raise UsageError(f"no config key '{key}': '{part}' is not under {where}; "
                                 f"valid keys there: {valid}")
            if isinstance(current, list):
                raise UsageError(f"no config key '{key}': {where} is a list of "
                                 f"{len(current)}; use an index 0..{len(current) - 1}")
            raise UsageError(f"no config key '{key}': {where} is a single value")
        walked.append(part)
    return current


def render(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return yaml.safe_dump(value, sort_keys=False, default_flow_style=False).rstrip("\n")
