"""The declared shape of build_conf.yaml, validated with file, line and dotted key.

One declaration drives validation, defaults and the config reference in docs.
A schema is a ``dict`` of key -> :class:`Field` (or a nested dict for a section).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from giza.errors import ConfigError, shown
from giza.yamlfile import Node, NodeList, type_name


@dataclass(frozen=True)
class Field:
    kind: str  # "str" | "bool" | "int" | "list[str]" | "list" | "dict" | "any" | "section"
    default: Any = None
    doc: str = ""
    required: bool = False
    items: Mapping[str, Field] | None = None  # schema for "section" or "list[section]"
    check: Callable[[Any], str | None] | None = None  # extra check -> error text


def section(doc: str = "", **fields: Field) -> Field:
    return Field("section", doc=doc, items=fields)


def list_of(doc: str = "", **fields: Field) -> Field:
    return Field("list[section]", default=(), doc=doc, items=fields)


_KIND_TEXT = {
    "str": "a string",
    "bool": "true or false",
    "int": "an integer",
    "list[str]": "a list of strings",
    "list": "a list",
    "dict": "a mapping",
    "section": "a mapping",
    "list[section]": "a list of mappings",
}


@dataclass
class Validation:
    """Collects the warnings and errors of a document, so one run reports them all."""

    path: Path
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def attempt(self, function: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        """``function(*args)``; a ConfigError is collected and ``default`` returned."""
        try:
            return function(*args)
        except ConfigError as exc:
            self.errors.extend(str(exc).splitlines())
            return default


def _coerce_str(value: Any) -> Any:
    # YAML reads `release: 3.0` as a float; a version is text.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def validate(data: Any, schema: Mapping[str, Field], state: Validation, prefix: str = "",
             line: int = 0) -> dict[str, Any]:
    """Check ``data`` against ``schema``; return a plain dict with defaults filled in."""
    if data is None:
        data = Node()
    if not isinstance(data, dict):
        state.errors.append(f"{shown(state.path)}:{line or getattr(data, 'line', 0) or 1}: "
                            f"'{prefix.rstrip('.') or '(top level)'}' must be a mapping, "
                            f"not {type_name(data)}")
        # the defaults keep the check going; what the section lacks is not news
        return validate(None, schema, Validation(state.path), prefix, line)
    out: dict[str, Any] = {}
    lines = data.key_lines if isinstance(data, Node) else {}
    own_line = data.line if isinstance(data, Node) else line
    for key, value in data.items():
        key_line = lines.get(key, own_line)
        dotted = f"{prefix}{key}"
        spec = schema.get(key) if isinstance(key, str) else None
        if spec is None:
            valid = ", ".join(sorted(schema))
            state.warnings.append(f"{shown(state.path)}:{key_line}: unknown key '{dotted}'; "
                                  f"valid keys: {valid}")
            continue
        try:
            out[key] = check_value(value, spec, state, dotted, key_line)
        except ConfigError as exc:
            # reported with every other problem; the default keeps the check going
            state.errors.extend(str(exc).splitlines())
            out[key] = spec.default if spec.kind != "section" else validate(
                None, spec.items or {}, Validation(state.path), f"{dotted}.", key_line)
    for key, spec in schema.items():
        if key in out:
            continue
        if spec.required:
            state.errors.append(f"{shown(state.path)}:{own_line or 1}: missing required key "
                                f"'{prefix}{key}'")
            out[key] = spec.default
            continue
        if spec.kind == "section":
            out[key] = validate(None, spec.items or {}, state, f"{prefix}{key}.", own_line)
        else:
            out[key] = spec.default
    return out


def check_value(value: Any, spec: Field, state: Validation, dotted: str, line: int) -> Any:
    def fail(expected: str) -> ConfigError:
        return ConfigError(f"{shown(state.path)}:{line}: '{dotted}' must be {expected}, "
                           f"not {type_name(value)}")

    kind = spec.kind
    if value is None and kind not in ("section",):
        return spec.default
    if kind == "str":
        value = _coerce_str(value)
        if not isinstance(value, str):
            raise fail("a string")
    elif kind == "bool":
        if not isinstance(value, bool):
            raise fail("true or false")
    elif kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail("an integer")
    elif kind == "list[str]":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise fail("a list of strings")
        value = _strings(value, state, dotted, line)
    elif kind == "list":
        if not isinstance(value, list):
            raise fail("a list")
    elif kind == "dict":
        if not isinstance(value, dict):
            raise fail("a mapping")
    elif kind == "section":
        value = validate(value, spec.items or {}, state, f"{dotted}.", line)
    elif kind == "list[section]":
        if not isinstance(value, list):
            raise fail("a list of mappings")
        value = tuple(validate(item, spec.items or {}, state, f"{dotted}[{i}].",
                               value.item_lines[i] if isinstance(value, NodeList) else line)
                      for i, item in enumerate(value))
    if spec.check is not None:
        problem = spec.check(value)
        if problem:
            raise ConfigError(f"{shown(state.path)}:{line}: '{dotted}' {problem}")
    return value


def _strings(value: list[Any], state: Validation, dotted: str, line: int
             ) -> tuple[str, ...]:
    """The items of a list[str] value (scalars coerced as for 'str'); each must be one."""
    items = []
    for i, item in enumerate(value):
        item = _coerce_str(item)
        if not isinstance(item, str):
            item_line = value.item_lines[i] if isinstance(value, NodeList) else line
            raise ConfigError(f"{shown(state.path)}:{item_line}: '{dotted}[{i}]' must be a "
                              f"string, not {type_name(item)}")
        items.append(item)
    return tuple(items)


def _relative_path(value: str) -> str | None:
    return None if value else "must not be empty"


def _seconds(value: int | None) -> str | None:
    return None if value is None or value >= 0 else "must be 0 or more (seconds)"


def _timeout(what: str) -> Field:
    return Field("int", doc=f"Seconds {what} may run (0: no limit).", check=_seconds)


BUILD_CONF: dict[str, Field] = {
    "project": section(
        "What is being documented.",
        name=Field("str", required=True, doc="Short project name, used in file names."),
        tag=Field("str", doc="URL path component of the site (defaults to name)."),
        title=Field("str", doc="Human title (defaults to name)."),
        url=Field("str", "", doc="Base URL of the published site."),
        branched=Field("bool", False, doc="Publish each branch under its own directory."),
        siteroot=Field("bool", False, doc="The site lives at the root of its host."),
        basepath=Field("str", "", doc="Extra URL path before the branch."),
        error_prefix=Field("str", doc="Legacy; accepted and ignored."),
        editions=list_of(
            "Editions built from the one source tree.",
            name=Field("str", required=True, doc="Edition name: -e NAME, sphinx tag."),
            tag=Field("str", doc="URL path component (defaults to name)."),
            url=Field("str", doc="Base URL (defaults to project.url)."),
            branched=Field("bool", doc="Overrides project.branched."),
            title=Field("str", doc="Human title (defaults to project.title)."),
        ),
    ),
    "version": section(
        "The release being documented.",
        release=Field("str", "", doc="Full release string, e.g. 3.2.1 (Sphinx `release`)."),
        branch=Field("str", "", doc="Release series, e.g. 3.2 (Sphinx `version`); also the "
                     "branch name used when git cannot tell one."),
    ),
    "paths": section(
        "Where things are, relative to the project root.",
        output=Field("str", "build", doc="Everything giza writes.", check=_relative_path),
        source=Field("str", "source", doc="The rST pages.", check=_relative_path),
        includes=Field("str", "source/includes", doc="Generator YAML files."),
        images=Field("str", "source/images", doc="Images and image metadata."),
        locale=Field("str", "locale", doc="Translations: <locale>/<lang>/LC_MESSAGES/*.po."),
        builddata=Field("str", "config", doc="Directory of the side config files."),
        ignore=Field("list[str]", (), doc="More names to skip when mirroring source/ "
                     "(globs relative to source/, or /regex/)."),
        projectroot=Field("str", doc="Legacy; the root is the parent of config/."),
        tools=Field("str", doc="Legacy; accepted and ignored."),
        buildsystem=Field("str", doc="Legacy; giza ignores it; an original-style conf.py "
                          "reads it as conf.paths.buildsystem."),
    ),
    "system": section(
        "The side-file registry.",
        files=Field("list", (), doc="Side files: `name.yaml` or `{name: file or [files]}`."),
        make=Field("any", doc="Legacy; accepted and ignored."),
        runstate=Field("any", doc="Legacy; accepted and ignored."),
        tools=Field("any", doc="Legacy ({pinned, ref} of the docs-tools checkout); accepted "
                    "and ignored."),
    ),
    "git": section(
        "Git settings.",
        remote=Field("dict", None, doc="Remote names, e.g. {upstream: org/repo}."),
        branches=Field("dict", None, doc="Legacy; published branches live in "
                       "published_branches.yaml."),
        repo=Field("any", doc="Legacy (the repository's path or name); accepted and "
                   "ignored: the repository is the one holding the project."),
    ),
    "assets": list_of(
        "Git repositories a build needs (themes, Sphinx extensions), cloned or updated "
        "before it starts.",
        path=Field("str", required=True, doc="Where the checkout lives, relative to the "
                   "project root, e.g. build/docs-tools."),
        repository=Field("str", required=True, doc="What `git clone` takes: a URL, "
                         "host:path or a local path."),
        branch=Field("str", doc="Branch to clone and follow (default: the remote's)."),
        commit=Field("str", doc="Pin the checkout to this commit."),
        generate=Field("list", doc="Legacy; ignored with a note."),
    ),
    "timeouts": section(
        "The watchdog's limits per kind of task, in seconds; --task-timeout and "
        "--stall-timeout on the command line win.",
        prepare=_timeout("mirroring and generating one proxy tree"),
        sphinx=_timeout("one sphinx-build (except latex)"),
        latex=_timeout("a latex variant's sphinx-build, and its PDF runs"),
        post=_timeout("one finalizer (except latex's)"),
        stage=_timeout("staging one site"),
        deploy=_timeout("one push target's rsync commands to one host"),
        stall=Field("int", doc="Seconds a task's command may go without progress "
                    "(default 600; 0: no limit).", check=_seconds),
    ),
}
