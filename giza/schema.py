"""The one schema engine for every YAML file giza reads.

A schema is data: a mapping of key -> *option*, each option an instance of a class
below, in the manner of MkDocs' ``config_options``::

    SITE = {
        "name": Required(Str()),
        "tags": ListOf(Str()),
        "mode": Choice(("fast", "full"), default="fast"),
        "limits": Section({"seconds": Int(minimum=0)}),
    }
    values = validate(node, SITE, Validation(path))

Every message has one wording, ``file:line: key: what is wrong, what would be valid``:

* ``paths.output: must not be empty``
* ``project.name: required key is missing``
* ``project.branched: must be true or false, not a string``
* ``project.nmae: unknown key; valid keys: branched, name, ...``

The line comes from the :class:`giza.yamlfile.Node` / ``NodeList`` the value was read
from. Problems are collected in a :class:`Validation` so a run reports them all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from collections.abc import Mapping as MappingABC
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from giza.errors import ConfigError, shown
from giza.yamlfile import Node, NodeList, type_name

__all__ = [
    "Anything", "Bool", "Choice", "Convert", "Dict", "Int", "Invalid", "ListOf", "Option",
    "Required", "Section", "SectionList", "Str", "Text", "Validation", "Wrong", "checked",
    "line_of", "message", "type_name", "unknown_key", "validate",
]


class Invalid(Exception):
    """Raised by an option: ``text`` says what is wrong and what would be valid; ``key``
    and ``line`` point below the checked key (an item of a list)."""

    def __init__(self, text: str, key: str = "", line: int = 0) -> None:
        super().__init__(text)
        self.text, self.key, self.line = text, key, line


def message(where: str, line: int, key: str, text: str, document: str = "") -> str:
    """The one wording: ``file:line: key: text``; ``document`` (e.g. "document 2") names
    one document of a multi-document file."""
    place = f"{where}:{line or 1}: {document}: " if document else f"{where}:{line or 1}: "
    return f"{place}{key}: {text}" if key else f"{place}{text}"


def unknown_key(valid: Iterable[str]) -> str:
    """What every schema says of a key it does not know."""
    return f"unknown key; valid keys: {', '.join(valid)}"


def line_of(data: Any, key: Any, fallback: int = 0) -> int:
    """The line of ``key`` in ``data`` when ``data`` came from YAML, else ``fallback``."""
    if isinstance(data, Node):
        return data.key_lines.get(key, data.line or fallback)
    return fallback


def _text(value: Any) -> Any:
    # YAML reads `release: 3.0` as a float and `port: 80` as an int; both are text to us.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


class Option:
    """One key's rule. ``describe`` completes "must be ...". ``check`` may return what is
    wrong with a value of the right type (None when fine)."""

    describe = "anything"

    def __init__(self, default: Any = None, doc: str = "",
                 check: Callable[[Any], str | None] | None = None,
                 describe: str | None = None) -> None:
        self.default = default
        self.doc = doc
        self.check = check
        if describe is not None:
            self.describe = describe

    def convert(self, value: Any) -> Any:
        """The value as giza uses it; raise :class:`Invalid` when it cannot be one."""
        return value

    def wrong(self, value: Any) -> Invalid:
        return Invalid(f"must be {self.describe}, not {type_name(value)}")

    def run(self, value: Any, state: Validation, key: str, line: int) -> Any:
        """``convert`` then ``check``; nested options report through ``state``."""
        value = self.convert(value)
        if self.check is not None:
            problem = self.check(value)
            if problem:
                raise Invalid(problem)
        return value


class Anything(Option):
    pass


class Wrong(Exception):
    """Raised by the function of a :class:`Convert`: the value is not of its kind.
    ``form``: the type is right but the form is not, so the message quotes the value."""

    def __init__(self, form: bool = False) -> None:
        super().__init__()
        self.form = form


class Convert(Option):
    """An option from a conversion ``function`` that raises :class:`Wrong` (content fields,
    checked per unit on the hot path of generation: one call, no nested state)."""

    def __init__(self, describe: str, function: Callable[[Any], Any], default: Any = None,
                 doc: str = "") -> None:
        super().__init__(default, doc, describe=describe)
        self.function = function

    def convert(self, value: Any) -> Any:
        try:
            return self.function(value)
        except Wrong as wrong:
            raise Invalid(self.problem(value, wrong)) from None

    def problem(self, value: Any, wrong: Wrong) -> str:
        """What is wrong with ``value``, for which ``function`` raised ``wrong``."""
        got = repr(value) if wrong.form else type_name(value)
        return f"must be {self.describe}, not {got}"


class Str(Option):
    """Text; ``numbers``: a YAML number is read as its text (``release: 3.0``)."""

    describe = "a string"

    def __init__(self, default: Any = None, doc: str = "", numbers: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(default, doc, **kwargs)
        self.numbers = numbers

    def convert(self, value: Any) -> Any:
        if self.numbers:
            value = _text(value)
        if not isinstance(value, str):
            raise self.wrong(value)
        return value


class _Typed(Option):
    """A value of one Python type, as YAML reads it."""

    kind: type = object

    def convert(self, value: Any) -> Any:
        if not isinstance(value, self.kind):
            raise self.wrong(value)
        return value


class Bool(_Typed):
    describe = "true or false"
    kind = bool


def _exact_text(value: Any) -> str:
    if not isinstance(value, str):
        raise Wrong(form=True)
    return value


class Text(Convert):
    """Text only, not a number read as text; a wrong value is quoted in the message."""

    def __init__(self, describe: str = "a string", default: Any = None, doc: str = "") -> None:
        super().__init__(describe, _exact_text, default, doc)


class Int(Option):
    """An integer; ``minimum`` (with ``unit`` for the message) bounds it."""

    describe = "an integer"

    def __init__(self, default: Any = None, doc: str = "", minimum: int | None = None,
                 unit: str = "", **kwargs: Any) -> None:
        super().__init__(default, doc, **kwargs)
        self.minimum, self.unit = minimum, unit

    def convert(self, value: Any) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.wrong(value)
        if self.minimum is not None and value < self.minimum:
            unit = f" ({self.unit})" if self.unit else ""
            raise Invalid(f"must be {self.minimum} or more{unit}")
        return value


class Choice(Option):
    """One of ``choices`` (compared as text)."""

    def __init__(self, choices: Sequence[str], default: Any = None, doc: str = "",
                 **kwargs: Any) -> None:
        super().__init__(default, doc, **kwargs)
        self.choices = tuple(choices)
        self.describe = f"one of {', '.join(self.choices)}"

    def convert(self, value: Any) -> Any:
        if _text(value) not in self.choices:
            raise Invalid(f"must be {self.describe}, not {value!r}")
        return _text(value)


class Dict(_Typed):
    """A mapping whose keys are free (e.g. git remotes)."""

    describe = "a mapping"
    kind = dict


class ListOf(Option):
    """A list of ``item`` values as a tuple; ``single``: a lone value is a one-item list."""

    def __init__(self, item: Option | None = None, default: Any = (), doc: str = "",
                 single: bool = True, **kwargs: Any) -> None:
        super().__init__(default, doc, **kwargs)
        self.item, self.single = item, single
        if "describe" not in kwargs:
            self.describe = f"a list of {_plural(item.describe)}" if item else "a list"

    def convert(self, value: Any) -> Any:
        if self.single and isinstance(value, str):
            return (value,)
        if not isinstance(value, (list, tuple)):  # tuple: deep-frozen documents
            raise self.wrong(value)
        if self.item is None:
            return value
        lines = value.item_lines if isinstance(value, NodeList) else []
        items = []
        for i, item in enumerate(value):
            try:
                items.append(self.item.convert(item))
            except Invalid as exc:
                raise Invalid(exc.text, f"[{i}]", lines[i] if i < len(lines) else 0) from None
        return tuple(items)


def _plural(describe: str) -> str:
    for article in ("a ", "an "):
        if describe.startswith(article):
            return describe[len(article):] + "s"
    return describe


class Section(Option):
    """A mapping with declared keys, checked key by key; the result has every key (defaults
    filled in). ``unknown``: "warn" (the default), "error" or "ignore"; ``legacy`` keys
    are accepted silently."""

    describe = "a mapping"

    def __init__(self, fields: MappingABC[str, Option], doc: str = "", unknown: str = "warn",
                 legacy: Sequence[str] = (), describe: str | None = None) -> None:
        super().__init__(None, doc, describe=describe)
        self.fields, self.unknown, self.legacy = fields, unknown, tuple(legacy)

    def run(self, value: Any, state: Validation, key: str, line: int) -> Any:
        return validate(value, self, state, f"{key}.", line)


class SectionList(Option):
    """A list of :class:`Section` mappings, as a tuple of dicts."""

    describe = "a list of mappings"

    def __init__(self, section: Section, doc: str = "") -> None:
        super().__init__((), doc or section.doc)
        self.section = section

    def run(self, value: Any, state: Validation, key: str, line: int) -> Any:
        if not isinstance(value, list):
            raise self.wrong(value)
        lines = value.item_lines if isinstance(value, NodeList) else []
        return tuple(validate(item, self.section, state, f"{key}[{i}].",
                              lines[i] if i < len(lines) else line)
                     for i, item in enumerate(value))


class Required(Option):
    """``option``, and the key must be there with a value (null counts as missing)."""

    def __init__(self, option: Option) -> None:
        super().__init__(option.default, option.doc)
        self.option = option
        self.describe = option.describe

    def run(self, value: Any, state: Validation, key: str, line: int) -> Any:
        return self.option.run(value, state, key, line)


@dataclass
class Validation:
    """Collects the warnings and errors of a document, so one run reports them all.
    ``where`` is how messages name the document (default: the file as shown)."""

    path: Path
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    where: str = ""
    document: str = ""

    def __post_init__(self) -> None:
        self.where = self.where or shown(self.path)

    def say(self, line: int, key: str, text: str) -> str:
        return message(self.where, line, key, text, self.document)

    def attempt(self, function: Callable[..., Any], *args: Any, default: Any = None) -> Any:
        """``function(*args)``; a ConfigError is collected and ``default`` returned."""
        try:
            return function(*args)
        except ConfigError as exc:
            self.errors.extend(str(exc).splitlines())
            return default

    def raise_errors(self) -> None:
        """Every error collected, as one ConfigError (one line each)."""
        if self.errors:
            raise ConfigError("\n".join(self.errors))


def _defaults(section: Section) -> dict[str, Any]:
    return {key: (_defaults(spec) if isinstance(spec, Section) else spec.default)
            for key, spec in section.fields.items()}


def validate(data: Any, schema: Section | MappingABC[str, Option], state: Validation,
             prefix: str = "", line: int = 0) -> dict[str, Any]:
    """Check ``data`` against ``schema``; a plain dict with defaults filled in."""
    section = schema if isinstance(schema, Section) else Section(schema)
    if data is None:
        data = Node()
    if not isinstance(data, dict):
        state.errors.append(state.say(line or getattr(data, "line", 0), prefix.rstrip("."),
                                      section.wrong(data).text))
        return _defaults(section)  # the check goes on; what the section lacks is not news
    out: dict[str, Any] = {}
    own_line = data.line if isinstance(data, Node) else line
    for key, value in data.items():
        key_line = line_of(data, key, own_line)
        spec = section.fields.get(key) if isinstance(key, str) else None
        if spec is None:
            _unknown(section, state, key_line, f"{prefix}{key}")
        elif value is not None or not isinstance(spec, Required):
            out[key] = _value(spec, value, state, f"{prefix}{key}", key_line)
    for key, spec in section.fields.items():
        if key in out:
            continue
        if isinstance(spec, Required):  # absent, or null (`name:` with nothing after it)
            # at the key's own line when null, else at the key holding this mapping
            lines = data.key_lines if isinstance(data, Node) else {}
            state.errors.append(state.say(lines.get(key, line or own_line), f"{prefix}{key}",
                                          "required key is missing"))
        out[key] = validate(None, spec, state, f"{prefix}{key}.", own_line) \
            if isinstance(spec, Section) else spec.default
    return out


def checked(data: Any, schema: Section | MappingABC[str, Option], path: Path,
            prefix: str = "", line: int = 0, where: str = "") -> dict[str, Any]:
    """``data`` validated; every error found in it raised as one ConfigError, warnings
    dropped (for files whose unknown keys the original read past: ``unknown="ignore"``)."""
    state = Validation(path, where=where)
    values = validate(data, schema, state, prefix, line)
    state.raise_errors()
    return values


def _unknown(section: Section, state: Validation, line: int, dotted: str) -> None:
    if section.unknown == "ignore" or dotted.rsplit(".", 1)[-1] in section.legacy:
        return
    text = state.say(line, dotted, unknown_key(sorted(section.fields)))
    (state.errors if section.unknown == "error" else state.warnings).append(text)


def _value(spec: Option, value: Any, state: Validation, dotted: str, line: int) -> Any:
    if value is None and not isinstance(spec, Section):
        return spec.default
    try:
        return spec.run(value, state, dotted, line)
    except Invalid as exc:
        # reported with every other problem; the default keeps the check going
        state.errors.append(state.say(exc.line or line, dotted + exc.key, exc.text))
        return _defaults(spec) if isinstance(spec, Section) else spec.default
