"""The key of a CI cache of build/: it changes exactly when a restored build/ would be
rebuilt for reasons outside the checkout's own files.

Those reasons are what giza's records and Sphinx's environment cannot see through file
content: the versions of giza, Sphinx and the extensions conf.py lists, and conf.py itself
(giza fingerprints it too, but a key that moves with it keeps one cache per conf.py).
Sources, config files and content are fingerprinted by content inside build/, so they stay
out of the key: a cache restored after a page edit rebuilds only that page's variants.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from giza import __version__
from giza.errors import ConfigError, shown


@dataclass(frozen=True)
class KeyPart:
    """One input of the key, as ``giza ci-cache-key --show`` lists it."""

    name: str
    value: str


def listed_extensions(conf: Path) -> tuple[list[str], list[str]]:
    """(extension modules conf.py lists literally, notes on values it computes).

    conf.py is parsed, never run: the key must not depend on what importing it does."""
    try:
        tree = ast.parse(conf.read_bytes(), filename=str(conf))
    except SyntaxError as exc:
        raise ConfigError(f"{shown(conf)}:{exc.lineno}: conf.py does not parse ({exc.msg}); "
                          "ci-cache-key reads its extensions list") from None
    found: list[str] = []
    notes: list[str] = []
    for node in ast.walk(tree):
        value = _extensions_value(node)
        if value is None:
            continue
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        for item in items:
            if isinstance(item, ast.Constant) and isinstance(item.value, str):
                found.append(item.value)
            else:
                notes.append(f"{shown(conf)}:{item.lineno}: extensions entry is computed, "
                             "not a string: its version is not in the key")
    return list(dict.fromkeys(found)), notes


def _extensions_value(node: ast.AST) -> ast.expr | None:
    """The value added to ``extensions`` by an assignment, ``+=``, append or extend."""
    if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "extensions"
                                            for t in node.targets):
        return node.value
    if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and \
            node.target.id == "extensions":
        return node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
            isinstance(node.func.value, ast.Name) and node.func.value.id == "extensions" and \
            node.func.attr in ("append", "extend") and node.args:
        return node.args[0]
    return None


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def distribution_of(module: str, owners: dict[str, list[str]]) -> str | None:
    """The installed distribution that provides ``module``, from its top-level package.

    A namespace (``sphinxcontrib``) is shared by several: the one named like the module
    (``sphinxcontrib.mermaid`` -> ``sphinxcontrib-mermaid``) is it."""
    candidates = sorted(set(owners.get(module.split(".", 1)[0], ())))
    if len(candidates) == 1:
        return candidates[0]
    wanted = _normal(module)
    named = [c for c in candidates if wanted == _normal(c) or wanted.startswith(_normal(c) + "-")]
    return max(named, key=len) if named else None


def key_parts(conf: Path | None) -> list[KeyPart]:
    """Everything the key hashes, in order; ``conf`` None: the project has no conf.py."""
    parts = [KeyPart("giza", __version__), KeyPart("Sphinx", metadata.version("sphinx"))]
    if conf is None:
        return [*parts, KeyPart("conf.py", "giza's default conf.py (part of giza)")]
    extensions, notes = listed_extensions(conf)
    owners = metadata.packages_distributions()
    for module in extensions:
        dist = distribution_of(module, owners)
        if dist is None:
            # A module in the project itself: its content is the checkout's, not a version.
            parts.append(KeyPart(f"extension {module}", "no installed distribution"))
        else:
            parts.append(KeyPart(f"extension {module}",
                                 f"{dist} {metadata.version(dist)}"))
    parts += [KeyPart("note", note) for note in notes]
    digest = hashlib.sha256(conf.read_bytes()).hexdigest()
    parts.append(KeyPart("conf.py", f"sha256 {digest}"))
    return parts


def cache_key(parts: list[KeyPart]) -> str:
    material = "\n".join(f"{p.name}\t{p.value}" for p in parts).encode("utf-8")
    return "giza-" + hashlib.sha256(material).hexdigest()[:20]
