"""A read-only view of the configuration in the shape the original giza's API had.

Repositories written for the original giza have a ``conf.py`` that imports giza
and reads the project configuration through ``fetch_config(RuntimeStateConfig())``::

    conf = fetch_config(RuntimeStateConfig())
    sconf = conf.system.files.data.sphinx_local
    html_theme = sconf.theme.name
    release = conf.version.release

The modules ``giza.config.runtime``, ``giza.config.helper``, ``giza.config.project``
and ``giza.content.replacements`` keep those names importable; this module builds
the object they return from our own :class:`~giza.config.model.Config`, for the one
variant (edition, language, builder) being built:

* inside a giza build, from the build context giza hands each sphinx-build through
  the ``GIZA_BUILD_CONTEXT`` environment variable (see :mod:`giza.sphinxext`);
* outside giza (plain ``sphinx-build``, ``python -c 'import conf'``), from the
  project found like ``giza config`` finds it, with no edition.

Every section is a :class:`View`: a read-only ``dict`` whose keys are also
attributes. Side files (``conf.system.files.data.<name>``) are wrapped the same
way, so ``sconf.theme.name`` and ``sconf['theme']['name']`` both work, and a
missing key raises ``AttributeError`` naming the file and the key.

New projects should not use any of this: list ``giza.sphinxext`` in the conf.py's
``extensions`` instead, which needs no import of giza at all.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from giza.errors import ConfigError

CONTEXT_VAR = "GIZA_BUILD_CONTEXT"  # the same variable giza.sphinxext reads
DEFAULT_BUILDSYSTEM = "build/docs-tools"
DEFAULT_TOOLS = "bin"
DEFAULT_LANGUAGE = "en"
# Side files the original always gave as a list, even when they hold one document.
ALWAYS_LIST = frozenset({"errors", "images", "intersphinx", "manpages", "pdfs", "push",
                         "robots", "htaccess", "migrations"})
# Attribute names the original's typed wrappers gave to keys that are not identifiers.
ALIASES = {"doc_class": "class"}
# Mappings the original handed out as plain dicts (a conf.py assigns them to Sphinx
# settings as they are, and Sphinx expects the type ``dict`` there).
PLAIN_DICTS = {"sphinx_local": ("sidebars",), "sphinx-local": ("sidebars",)}


class LegacyConfigError(ConfigError):
    """A problem the user can fix, raised while a conf.py asks for the configuration."""


def _error(message: str) -> ConfigError:
    """A ConfigError that Sphinx also shows as a plain message (not a traceback) when
    a conf.py raises it: Sphinx passes its own ConfigError from conf.py through as is."""
    sphinx_errors = sys.modules.get("sphinx.errors")
    if sphinx_errors is None:
        return LegacyConfigError(message)
    kind = type("LegacyConfigError", (LegacyConfigError, sphinx_errors.ConfigError), {})
    return kind(message)  # type: ignore[no-any-return]


# -- views ---------------------------------------------------------------------------

def _refuse(self: View, *args: Any, **kwargs: Any) -> None:
    raise TypeError(f"{self._label()} is read-only; use .dict() for a copy you can change")


class View(dict):  # type: ignore[type-arg]
    """A read-only dict whose keys are also attributes.

    ``where`` names what the data came from (a file, or ``conf``) and ``prefix`` the
    dotted key of this mapping inside it; both only make error messages precise.
    """

    __slots__ = ("_where", "_prefix")

    def __init__(self, data: Mapping[Any, Any], where: str, prefix: str = "") -> None:
        super().__init__(data)
        object.__setattr__(self, "_where", where)
        object.__setattr__(self, "_prefix", prefix)

    def _label(self) -> str:
        return f"{self._where} '{self._prefix}'" if self._prefix else self._where

    def _missing(self, key: str) -> str:
        dotted = f"{self._prefix}.{key}" if self._prefix else key
        keys = ", ".join(sorted(str(k) for k in self)) or "nothing"
        return f"{self._where} has no '{dotted}' (it has: {keys})"

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        if key in self:
            return self[key]
        if key in ALIASES and ALIASES[key] in self:
            return self[ALIASES[key]]
        raise AttributeError(self._missing(key))

    def __setattr__(self, key: str, value: Any) -> None:
        _refuse(self)

    __delattr__ = __setitem__ = __delitem__ = __ior__ = _refuse  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def dict(self) -> dict[Any, Any]:
        """A plain, modifiable deep copy (the original's ``ConfigurationBase.dict()``)."""
        return plain(self)

    def __dir__(self) -> Iterable[str]:
        return [*super().__dir__(), *(k for k in self if isinstance(k, str))]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({dict.__repr__(self)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self), self._where, self._prefix))

    def __copy__(self) -> View:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> View:
        return self  # immutable all the way down


class Section(View):
    """A section of the configuration object itself (``conf.paths``, ...)."""

    __slots__ = ()

    def _missing(self, key: str) -> str:
        keys = ", ".join(sorted(self))
        name = f"{self._where}.{self._prefix}" if self._prefix else self._where
        return (f"{name} has no '{key}' in giza's compatibility layer "
                f"for the original giza API (it provides: {keys})")


class SideFilesData(View):
    """``conf.system.files.data``: one entry per side file named in system.files."""

    __slots__ = ()

    def _missing(self, key: str) -> str:
        names = ", ".join(sorted(self)) or "none"
        return (f"no side file '{key}': {self._where} system.files does not list it "
                f"(it lists: {names})")


class MissingData(list):  # type: ignore[type-arg]
    """An empty side file (missing, or with no documents): iterates as ``[]`` like the
    original, but asking it for a key says why there is nothing."""

    __slots__ = ("_where",)

    def __init__(self, where: str) -> None:
        super().__init__()
        self._where = where

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        raise AttributeError(f"{self._where} is missing or empty, so it has no '{key}'")

    def __reduce__(self) -> tuple[Any, ...]:
        return (MissingData, (self._where,))


def wrap(value: Any, where: str, prefix: str = "", plain_keys: Sequence[str] = ()) -> Any:
    """Deep-convert YAML data: mappings become :class:`View`, sequences lists."""
    if isinstance(value, Mapping):
        items = {}
        for key, item in value.items():
            dotted = f"{prefix}.{key}" if prefix else str(key)
            items[key] = plain(item) if dotted in plain_keys else wrap(item, where, dotted,
                                                                      plain_keys)
        return View(items, where, prefix)
    if isinstance(value, (list, tuple)):
        return [wrap(item, where, f"{prefix}[{i}]", plain_keys) for i, item in enumerate(value)]
    return value


def plain(value: Any) -> Any:
    """Deep-convert to built-in dicts and lists."""
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


# -- the build context -----------------------------------------------------------------

def build_context() -> dict[str, Any] | None:
    """The JSON giza wrote for this sphinx-build, or None outside a giza build."""
    path = os.environ.get(CONTEXT_VAR)
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError) as exc:
        raise _error(f"{CONTEXT_VAR} names {path}, which cannot be read as giza's build "
                     f"context: {exc}") from None
    if not isinstance(data, dict):
        raise _error(f"{CONTEXT_VAR} names {path}, which does not hold a JSON object")
    return data


def _caller_dir() -> Path | None:
    """The directory of the first calling module outside giza (the conf.py)."""
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if name != "giza" and not str(name).startswith("giza."):
            file = frame.f_globals.get("__file__")
            return Path(file).resolve().parent if file else None
        frame = frame.f_back  # type: ignore[assignment]
    return None


def find_conf(conf_path: str | os.PathLike[str] | None, context: Mapping[str, Any] | None,
              caller: Path | None) -> Path:
    """``config/build_conf.yaml`` for a conf.py, searched for like ``giza config`` does."""
    from giza.config.loading import CONF_NAME, discover  # lazy: start-up time

    explicit = conf_path or (context or {}).get("conf_file")
    if explicit:
        try:
            return discover(explicit=explicit)
        except ConfigError:
            given = (f"RuntimeStateConfig(conf_path={str(explicit)!r})" if conf_path
                     else f"the build context's conf_file {str(explicit)!r}")
            raise _error(f"{given}: no such file") from None
    starts: list[Path] = [Path.cwd()]
    if context is not None and os.environ.get(CONTEXT_VAR):
        starts.append(Path(os.environ[CONTEXT_VAR]).resolve().parent)
    if caller is not None:
        starts.append(caller)
    searched: list[Path] = []
    for start in starts:
        start = start.resolve()
        if any(start == s or start in s.parents for s in searched):
            continue  # searching from s already looked here
        try:
            return discover(start)
        except ConfigError:
            searched.append(start)
    where = " or ".join(str(s) for s in dict.fromkeys(searched))
    raise _error(f"giza.config.helper.fetch_config: no config/{CONF_NAME} in {where} or any "
                 f"parent directory; run sphinx-build from the project (the directory that "
                 f"holds config/), or pass RuntimeStateConfig(conf_path=PATH)") from None


# -- building the view -------------------------------------------------------------------

def _rel(path: Path, root: Path) -> str:
    """A path relative to the project root, as the original giza kept its paths."""
    return Path(os.path.relpath(path, root)).as_posix()


def _files_line(conf_file: Path) -> int:
    """The line of ``system.files`` in build_conf.yaml, for messages."""
    from giza.yamlfile import Node, load_documents  # lazy: keeps start-up and the no-op build fast

    docs = load_documents(conf_file)
    data = docs[0].data if docs else None
    system = data.get("system") if isinstance(data, Node) else None
    return system.line_of("files") if isinstance(system, Node) else 1


def _side_data(config: Any, edition: str | None) -> SideFilesData:
    from giza.config.loading import _side_entries, _side_path  # lazy: start-up time
    from giza.content.replacements import replacement_tokens

    conf_label = _rel(config.conf_file, config.root)
    raw_files = list(config.raw.get("system", {}).get("files") or ())
    declared: dict[str, list[str]] = {}
    for name, values, _line in _side_entries(raw_files, config.conf_file,
                                             _files_line(config.conf_file)):
        declared.setdefault(name, []).extend(
            _rel(_side_path(v, config.root, config.paths.builddata), config.root)
            for v in values)
    data: dict[str, Any] = {}
    for name, side in config.side_files.items():
        names = (", ".join(_rel(p, config.root) for p in side.paths)
                 or ", ".join(declared.get(name, ())) or f"side file '{name}'")
        if name == "replacement":
            # The original resolved replacement.yaml to the tokens of the current edition.
            data[name] = View(replacement_tokens(config, edition), names)
            continue
        documents = list(side.documents)
        plain_keys = PLAIN_DICTS.get(name, ())
        if not documents:
            data[name] = MissingData(names)
        elif len(documents) == 1 and name not in ALWAYS_LIST:
            data[name] = wrap(documents[0], names, "", plain_keys)
        else:
            wrapped = []
            for i, document in enumerate(documents):
                origin = side.origins[i] if i < len(side.origins) else (None, 0)
                label = (f"{_rel(origin[0], config.root)} (document {i + 1}, line {origin[1]})"
                         if origin[0] is not None and len(documents) > 1 else names)
                wrapped.append(wrap(document, label, "", plain_keys))
            data[name] = wrapped
    return SideFilesData(data, conf_label)


def legacy_view(config: Any, *, edition: str | None = None, language: str | None = None,
                builder: str | None = None, branch: str | None = None,
                commit: str | None = None, conf_path: str | None = None,
                source_dir: str | None = None) -> Section:
    """The original giza's configuration object for one variant of ``config``.

    ``edition`` None means the project is built without an edition; ``language``
    None (or ``en``) the source language.
    """
    from giza.site.branches import for_config  # lazy: conf.py outside giza pays nothing
    from giza.variants import Variant

    if edition is not None and edition not in config.project.edition_names:
        valid = ", ".join(config.project.edition_names) or "(none: project.editions is empty)"
        raise _error(f"unknown edition '{edition}'; valid editions: {valid}")
    if language in ("", DEFAULT_LANGUAGE, "source"):
        language = None
    published = for_config(config)
    # The tree giza really built from (a builder with its own exclusions gets its own).
    proxy = Path(source_dir) if source_dir else \
        Variant(builder or "html", edition, language).proxy_dir(config)
    where = "conf"
    project = _project_section(config, edition)
    raw_files = config.raw.get("system", {}).get("files") or ()
    system = Section({
        "branched": project["branched"],
        "files": Section({"paths": plain(raw_files), "data": _side_data(config, edition)},
                         where, "system.files"),
    }, where, "system")
    runstate = Section({
        "edition": edition,
        "language": language or DEFAULT_LANGUAGE,
        "builder": [builder] if builder else [],
        "conf_path": conf_path or str(config.conf_file),
    }, where, "runstate")
    return Section({"project": project,
                    "paths": _paths_section(config, edition, language, proxy),
                    "version": _version_section(config, published),
                    "git": _git_section(config, published, branch or config.branch, commit),
                    "system": system, "runstate": runstate}, "conf", "")


def _paths_section(config: Any, edition: str | None, language: str | None,
                   proxy: Path) -> Section:
    from giza.layout import public_dir, site_dir  # lazy: conf.py outside giza pays nothing

    root = config.root
    raw_paths = config.raw.get("paths", {})
    buildsystem = raw_paths.get("buildsystem") or DEFAULT_BUILDSYSTEM
    includes = _rel(config.paths.includes, root)
    images = _rel(config.paths.images, root)

    def under_proxy(rel: str) -> str:
        source = _rel(config.paths.source, root)
        inner = rel[len(source) + 1:] if rel.startswith(source + "/") else rel
        return f"{_rel(proxy, root)}/{inner}"

    return Section({
        "projectroot": str(root),
        "output": _rel(config.paths.output, root),
        "source": _rel(config.paths.source, root),
        "includes": includes,
        "images": images,
        "locale": _rel(config.paths.locale, root),
        "builddata": _rel(config.paths.builddata, root),
        "buildsystem": buildsystem,
        "tools": raw_paths.get("tools") or DEFAULT_TOOLS,
        "global_config": f"{buildsystem}/data",
        "branch_output": _rel(config.branch_dir, root),
        "branch_source": _rel(proxy, root),
        "branch_includes": under_proxy(includes),
        "branch_images": under_proxy(images),
        "public": _rel(public_dir(config), root),
        "public_site_output": _rel(site_dir(config, edition, language), root),
    }, "conf", "paths")


def _version_section(config: Any, published: Any) -> Section:
    return Section({
        "release": config.version.release,
        "branch": config.version.branch,
        "published": list(published.version_published),
        "active": list(published.version_active),
        "stable": published.stable,
        "upcoming": published.upcoming,
    }, "conf", "version")


def _git_section(config: Any, published: Any, branch: str, commit: str | None) -> Section:
    where = "conf"
    return Section({
        "branches": Section({
            "current": branch,
            "published": list(published.published),
            "manual": published.manual,
        }, where, "git.branches"),
        "commit": commit if commit is not None else config.git.commit,
        "remote": View(dict(config.git.remote), where, "git.remote"),
    }, where, "git")


def _project_section(config: Any, edition: str | None) -> Section:
    from giza.layout import is_branched  # lazy: conf.py outside giza pays nothing

    where = "conf"
    p = config.project
    ed = p.edition(edition) if edition else None
    editions = [Section({"name": e.name, "tag": e.tag, "url": e.url, "branched": e.branched,
                         "title": e.title}, where, f"project.editions[{i}]")
                for i, e in enumerate(p.editions)]
    return Section({
        "name": p.name,
        "tag": ed.tag if ed else p.tag,
        "url": ed.url if ed else p.url,
        "title": ed.title if ed else p.title,
        "basepath": p.basepath or (ed.tag if ed else p.tag),
        "edition": edition or p.name,
        "editions": editions,
        "edition_list": [e.name for e in p.editions],
        "branched": is_branched(config, edition),
        "siteroot": p.siteroot,
    }, where, "project")


def fetch(runstate: Any = None, caller: Path | None = None) -> Section:
    """Load the project and build its view for the variant being built (see module doc)."""
    from giza.config.loading import load  # lazy: keeps start-up and the no-op build fast

    context = build_context()
    conf_path = getattr(runstate, "conf_path", None)
    conf_file = find_conf(conf_path, context, caller)
    try:
        config = load(conf_file)
    except ConfigError as exc:
        raise _error(str(exc)) from None
    ctx = context or {}

    def pick(name: str) -> Any:
        explicit = getattr(runstate, name, None)
        return explicit if explicit not in (None, [], "") else ctx.get(name)

    builder = pick("builder")
    if isinstance(builder, (list, tuple)):
        builder = builder[0] if builder else None
    return legacy_view(config, edition=pick("edition"), language=pick("language"),
                       builder=builder, branch=ctx.get("branch"), commit=ctx.get("commit"),
                       conf_path=str(conf_file), source_dir=ctx.get("source_dir"))


__all__ = ["LegacyConfigError", "MissingData", "Section", "SideFilesData", "View",
           "build_context", "fetch", "legacy_view", "plain", "wrap"]
