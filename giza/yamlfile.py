"""YAML loading that remembers where every mapping and key came from.

Every error giza prints names a file and a line, so config and content files
are loaded into :class:`Node` dicts that carry their line and the lines of their
keys. They behave as plain dicts everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from giza.errors import ConfigError, shown


class Node(dict):
    """A mapping from YAML with ``line`` (1-based) and ``key_lines``."""

    __slots__ = ("line", "key_lines")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line: int = 0
        self.key_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        """Line of ``key`` when known, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


class NodeList(list):
    """A sequence from YAML with ``line`` and per-item ``item_lines``."""

    __slots__ = ("line", "item_lines")

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.line: int = 0
        self.item_lines: list[int] = []


class _Loader(yaml.SafeLoader):
    """PyYAML's generic construction: the reference the fast path is tested against."""


def _scalar(loader: Any, node: yaml.Node) -> Any:
    """A tagged or typed scalar; a value its tag cannot take (``!!int project``) is a YAML
    error at its line, not a traceback."""
    try:
        return loader.construct_object(node, deep=True)
    except (ValueError, TypeError, OverflowError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{node.value!r} cannot be read as {node.tag.rsplit(':', 1)[-1]} "
            f"({exc})", node.start_mark) from exc


def _hashable(key: Any, node: yaml.Node, key_node: yaml.Node) -> Any:
    """``key``, or PyYAML's own error for a mapping key that cannot be one ([a, b]: x)."""
    try:
        hash(key)
    except TypeError as exc:
        raise yaml.constructor.ConstructorError(
            "while constructing a mapping", node.start_mark,
            "found an unhashable key", key_node.start_mark) from exc
    return key


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> Node:
    result = Node()
    result.line = node.start_mark.line + 1
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = _hashable(loader.construct_object(key_node, deep=True), node, key_node)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> NodeList:
    result = NodeList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


# -- fast loading ---------------------------------------------------------------
# libyaml composes (same marks, so the same line numbers) and a
# direct tree walk builds giza.yamlfile's Node/NodeList values, several times
# faster, which the generate benchmark needs. Non-string scalars (int, bool,
# null, float, timestamps) still go through PyYAML's safe constructors.

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR, _MAPPING, _SEQUENCE = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode


class _FastLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    # The composer calls these three per node; without path resolvers (giza
    # registers none) most of their work is bookkeeping we can skip.
    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        if self.yaml_path_resolvers:
            super().descend_resolver(current_node, current_index)

    def ascend_resolver(self) -> None:
        if self.yaml_path_resolvers:
            super().ascend_resolver()

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if not self.yaml_path_resolvers:
            if kind is yaml.ScalarNode:
                # a plain scalar whose first character no implicit resolver
                # claims (most prose) is a string
                resolvers = self.yaml_implicit_resolvers
                if implicit[0] and value and value[0] not in resolvers and None not in resolvers:
                    return _STR
            elif kind is yaml.MappingNode:
                return self.DEFAULT_MAPPING_TAG
            elif kind is yaml.SequenceNode:
                return self.DEFAULT_SEQUENCE_TAG
        return super().resolve(kind, value, implicit)


_FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def _build(loader: Any, node: yaml.Node) -> Any:
    kind = type(node)
    if kind is _SCALAR:
        return node.value if node.tag == _STR else _scalar(loader, node)
    if kind is not _MAPPING and kind is not _SEQUENCE:
        return loader.construct_object(node, deep=True)
    # An alias is the same node again: build it once (as PyYAML's constructor does), or
    # a few lines of nested aliases expand to billions of values (an "alias bomb").
    done = loader.built.get(id(node))
    if done is not None:
        loader.aliased = True
        return done
    if kind is _MAPPING:
        return _build_mapping(loader, node)
    sequence = loader.built[id(node)] = NodeList()
    sequence.extend(_build(loader, child) for child in node.value)
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
    return sequence


def _build_mapping(loader: Any, node: yaml.MappingNode) -> Node:
    merged = any(key.tag == _MERGE for key, _ in node.value)
    if merged:
        loader.flatten_mapping(node)  # `<<:` keys, which explicit keys may override
    mapping = loader.built[id(node)] = Node()
    mapping.line = node.start_mark.line + 1
    lines = mapping.key_lines
    for key_node, value_node in node.value:
        key = _hashable(_build(loader, key_node), node, key_node)
        line = key_node.start_mark.line + 1
        if not merged and key in lines:
            # YAML keeps the last value silently; authors lose the first one.
            loader.duplicates.append(Duplicate(key, line, lines[key]))
        mapping[key] = _build(loader, value_node)
        lines[key] = line
    return mapping


# What a document may expand to through its aliases. Content walks (placeholders,
# inheritance, fingerprints) visit every expanded value, so more is refused.
ALIAS_LIMIT = 100_000


class _AliasProblem(Exception):
    def __init__(self, node: yaml.Node, problem: str) -> None:
        super().__init__(problem)
        self.line = node.start_mark.line + 1


def _expanded_size(node: yaml.Node, sizes: dict[int, int], limit: int) -> int:
    """How many nodes ``node`` stands for once every alias is expanded (each distinct
    node counted once, so this is quick however large the answer)."""
    if type(node) is _SCALAR:
        return 1
    known = sizes.get(id(node))
    if known is not None:
        if known < 0:
            raise _AliasProblem(node, "recursive alias: this node contains an alias of "
                                      "itself")
        return known
    sizes[id(node)] = -1  # in progress
    children = (part for pair in node.value for part in pair) if type(node) is _MAPPING \
        else iter(node.value)
    total = 1 + sum(_expanded_size(child, sizes, limit) for child in children)
    if total > limit:
        raise _AliasProblem(node, f"alias expansion too large: the aliases in this node "
                                  f"expand to more than {limit:,} values")
    sizes[id(node)] = total
    return total


class Duplicate:
    """A key given twice in one mapping: YAML keeps the later value."""

    __slots__ = ("key", "line", "first")

    def __init__(self, key: Any, line: int, first: int) -> None:
        self.key, self.line, self.first = key, line, first

    def describe(self) -> str:
        return (f"key '{self.key}' is given twice (first at line {self.first}); only this "
                f"later value is used")


class Document:
    """One document of a (multi-document) YAML file."""

    __slots__ = ("path", "index", "line", "data", "duplicates")

    def __init__(self, path: Path, index: int, line: int, data: Any,
                 duplicates: tuple[Duplicate, ...] = ()) -> None:
        self.path = path
        self.index = index  # 0-based position in the file
        self.line = line  # 1-based line where the document starts
        self.data = data
        self.duplicates = duplicates  # keys given twice in one mapping of this document

    def __repr__(self) -> str:
        return f"Document({self.path}:{self.line} #{self.index})"


def syntax_error(path: Path | str, exc: yaml.YAMLError, error: type[Exception] = ConfigError
                 ) -> Exception:
    """Turn a PyYAML error into a one-line ``file:line: ...`` giza error."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = f":{mark.line + 1}" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    detail = f"{context}, {problem}" if context else problem
    return error(f"{path if isinstance(path, str) else shown(path)}{line}: "
                 f"YAML syntax error: {detail}")


def iter_documents(path: Path, text: str | None = None,
                   error: type[Exception] = ConfigError,
                   label: object | None = None) -> Iterator[Document]:
    """Yield each document of ``path`` with its index and start line; messages name
    ``label`` (default: the path as :func:`giza.errors.shown` prints it)."""
    name = shown(path) if label is None else str(label)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise error(f"{name}: cannot read: {exc.strerror}") from exc
        except UnicodeDecodeError as exc:
            raise error(f"{name}: not UTF-8 text: {exc.reason}") from exc
    loader = _FastLoader(text)
    try:
        index = 0
        while loader.check_node():
            node = loader.get_node()
            line = node.start_mark.line + 1 if node is not None else 1
            loader.duplicates, loader.built, loader.aliased = [], {}, False
            data = _build(loader, node) if node is not None else None
            if loader.aliased:
                try:
                    _expanded_size(node, {}, ALIAS_LIMIT)
                except _AliasProblem as exc:
                    raise error(f"{name}:{exc.line}: {exc}") from None
            yield Document(path, index, line, data, tuple(loader.duplicates))
            index += 1
    except yaml.YAMLError as exc:
        raise syntax_error(name, exc, error) from exc
    finally:
        loader.dispose()


def type_name(value: Any) -> str:
    """How a message names a YAML value's type, e.g. "a mapping"."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def iter_units(path: Path, expected: str, error: type[Exception] = ConfigError
               ) -> Iterator[tuple[Document, Node]]:
    """Each non-empty document of a unit file, which must be a mapping; ``expected``
    says what it should hold, e.g. "a mapping with 'file'"."""
    for doc in iter_documents(path, error=error):
        if doc.data is None:
            continue  # a trailing '---' is harmless
        if not isinstance(doc.data, Node):
            raise error(f"{shown(path)}:{doc.line}: must be {expected}, "
                        f"not {type_name(doc.data)}")
        yield doc, doc.data


def load_documents(path: Path, error: type[Exception] = ConfigError) -> list[Document]:
    """All documents of a YAML file, in order."""
    return list(iter_documents(path, error=error))


def single_document(path: Path, error: type[Exception] = ConfigError) -> Document | None:
    """The one non-empty document of a file meant to hold one (None when it holds none)."""
    docs = [doc for doc in load_documents(path, error) if doc.data is not None]
    if len(docs) > 1:
        raise error(f"{shown(path)}:{docs[1].line}: expected one YAML document, "
                    f"found {len(docs)}")
    return docs[0] if docs else None


def load_one(path: Path, error: type[Exception] = ConfigError) -> Any:
    """A single-document YAML file (``None`` when empty)."""
    docs = load_documents(path, error)
    if len(docs) > 1:
        raise error(f"{shown(path)}:{docs[1].line}: expected one YAML document, found {len(docs)}")
    return docs[0].data if docs else None
