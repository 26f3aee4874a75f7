"""giza.schema: the one schema engine, each option class with its bad inputs and the
exact messages they give."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from giza.errors import ConfigError
from giza.schema import (
    Anything,
    Bool,
    Choice,
    Convert,
    Dict,
    Int,
    ListOf,
    Required,
    Section,
    SectionList,
    Str,
    Text,
    Validation,
    Wrong,
    checked,
    message,
    validate,
)
from giza.yamlfile import iter_documents


def load(tmp_path: Path, text: str) -> Any:
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return next(iter_documents(path, label="s.yaml")).data


def run(tmp_path: Path, text: str, schema: Any) -> tuple[dict[str, Any], Validation]:
    state = Validation(tmp_path / "s.yaml", where="s.yaml")
    return validate(load(tmp_path, text), schema, state), state


def errors(tmp_path: Path, text: str, schema: Any) -> list[str]:
    return run(tmp_path, text, schema)[1].errors


def test_message_wording() -> None:
    assert message("a.yaml", 3, "x.y", "must be a string, not a list") == \
        "a.yaml:3: x.y: must be a string, not a list"
    assert message("a.yaml", 0, "", "must be a mapping, not a list", "document 2") == \
        "a.yaml:1: document 2: must be a mapping, not a list"


@pytest.mark.parametrize(("option", "text", "value"), [
    (Str(), "k: text", "text"),
    (Str(), "k: 3.0", "3.0"),  # a version is text
    (Bool(), "k: true", True),
    (Int(), "k: 7", 7),
    (Int(minimum=0), "k: 0", 0),
    (Choice(("a", "b")), "k: b", "b"),
    (Dict(), "k: {x: 1}", {"x": 1}),
    (ListOf(Str()), "k: [a, 2]", ("a", "2")),
    (ListOf(Str()), "k: alone", ("alone",)),
    (ListOf(), "k: [1, {a: b}]", [1, {"a": "b"}]),
    (Anything(), "k: [1, {a: b}]", [1, {"a": "b"}]),
])
def test_good_values(tmp_path: Path, option: Any, text: str, value: Any) -> None:
    values, state = run(tmp_path, text, {"k": option})
    assert values == {"k": value}
    assert (state.errors, state.warnings) == ([], [])


@pytest.mark.parametrize(("option", "text", "problem"), [
    (Str(), "k: [a]", "k: must be a string, not a list"),
    (Str(numbers=False), "k: 3", "k: must be a string, not an integer"),
    (Bool(), "k: yes please", "k: must be true or false, not a string"),
    (Int(), "k: 1.5", "k: must be an integer, not a number"),
    (Int(), "k: true", "k: must be an integer, not a boolean"),
    (Int(minimum=0, unit="seconds"), "k: -1", "k: must be 0 or more (seconds)"),
    (Choice(("a", "b")), "k: c", "k: must be one of a, b, not 'c'"),
    (Dict(), "k: [x]", "k: must be a mapping, not a list"),
    (ListOf(Str()), "k: {a: 1}", "k: must be a list of strings, not a mapping"),
    (ListOf(Str(), single=False), "k: alone", "k: must be a list of strings, not a string"),
    (ListOf(Str(), describe="a list of builders"), "k: 3",
     "k: must be a list of builders, not an integer"),
    (Str(check=lambda v: None if v else "must not be empty"), "k: ''", "k: must not be empty"),
    (Text(), "k: 3", "k: must be a string, not 3"),
    (Text("a directory"), "k: [a]", "k: must be a directory, not ['a']"),
])
def test_bad_values(tmp_path: Path, option: Any, text: str, problem: str) -> None:
    values, state = run(tmp_path, f"\n{text}", {"k": option})
    assert state.errors == [f"s.yaml:2: {problem}"]
    assert values == {"k": option.default}  # the default keeps the check going


def test_a_bad_list_item_is_named_at_its_own_line(tmp_path: Path) -> None:
    assert errors(tmp_path, "k:\n  - a\n  - [b]\n", {"k": ListOf(Str())}) == [
        "s.yaml:3: k[1]: must be a string, not a list"]


def test_convert_names_the_type_or_quotes_a_wrong_form(tmp_path: Path) -> None:
    def port(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Wrong()
        if not 0 < value < 65536:
            raise Wrong(form=True)
        return value

    schema = {"port": Convert("a port number", port)}
    assert errors(tmp_path, "port: x\n", schema) == [
        "s.yaml:1: port: must be a port number, not a string"]
    assert errors(tmp_path, "port: 70000\n", schema) == [
        "s.yaml:1: port: must be a port number, not 70000"]


def test_required_absent_or_null(tmp_path: Path) -> None:
    schema = Section({"top": Section({"name": Required(Str()), "tag": Str()})})
    assert errors(tmp_path, "top:\n  tag: x\n", schema) == [
        "s.yaml:1: top.name: required key is missing"]  # at the key holding the mapping
    assert errors(tmp_path, "top:\n  tag: x\n  name:\n", schema) == [
        "s.yaml:3: top.name: required key is missing"]  # null: at its own line
    assert errors(tmp_path, "other: 1\n", {"name": Required(Str())}) == [
        "s.yaml:1: name: required key is missing"]


def test_section_fills_defaults_and_nests(tmp_path: Path) -> None:
    schema = {"paths": Section({"out": Str("build"), "deep": Section({"n": Int(3)})})}
    values, state = run(tmp_path, "paths: {out: site}\n", schema)
    assert values == {"paths": {"out": "site", "deep": {"n": 3}}}
    assert state.errors == []
    values, _ = run(tmp_path, "{}\n", schema)
    assert values == {"paths": {"out": "build", "deep": {"n": 3}}}


def test_section_not_a_mapping(tmp_path: Path) -> None:
    schema = {"paths": Section({"out": Str("build")}, describe="a mapping {out}")}
    values, state = run(tmp_path, "paths: [a]\n", schema)
    assert state.errors == ["s.yaml:1: paths: must be a mapping {out}, not a list"]
    assert values == {"paths": {"out": "build"}}
    assert errors(tmp_path, "- a\n", schema) == ["s.yaml:1: must be a mapping, not a list"]


@pytest.mark.parametrize(("unknown", "warnings", "errors_"), [
    ("warn", ["s.yaml:2: colour: unknown key; valid keys: name, size"], []),
    ("error", [], ["s.yaml:2: colour: unknown key; valid keys: name, size"]),
    ("ignore", [], []),
])
def test_unknown_keys(tmp_path: Path, unknown: str, warnings: list[str],
                      errors_: list[str]) -> None:
    schema = Section({"size": Int(), "name": Str()}, unknown=unknown, legacy=("old",))
    _, state = run(tmp_path, "name: x\ncolour: red\nold: 1\n", schema)
    assert (state.warnings, state.errors) == (warnings, errors_)


def test_section_list(tmp_path: Path) -> None:
    schema = {"assets": SectionList(Section({"path": Required(Str()), "branch": Str()}))}
    values, state = run(tmp_path, "assets:\n  - path: a\n  - branch: b\n    pathh: c\n",
                        schema)
    assert values["assets"][0] == {"path": "a", "branch": None}
    assert state.errors == ["s.yaml:3: assets[1].path: required key is missing"]
    assert state.warnings == ["s.yaml:4: assets[1].pathh: unknown key; valid keys: branch, "
                              "path"]
    assert errors(tmp_path, "assets: {path: a}\n", schema) == [
        "s.yaml:1: assets: must be a list of mappings, not a mapping"]


def test_every_problem_of_a_document_is_collected(tmp_path: Path) -> None:
    schema = {"a": Int(), "b": Bool(), "c": Required(Str())}
    assert errors(tmp_path, "a: x\nb: 1\n", schema) == [
        "s.yaml:1: a: must be an integer, not a string",
        "s.yaml:2: b: must be true or false, not an integer",
        "s.yaml:1: c: required key is missing"]


def test_checked_raises_them_together_with_a_document_label(tmp_path: Path) -> None:
    data = load(tmp_path, "a: x\nb: 1\n")
    with pytest.raises(ConfigError) as caught:
        checked(data, {"a": Int(), "b": Bool()}, tmp_path / "s.yaml", where="s.yaml")
    assert str(caught.value) == ("s.yaml:1: a: must be an integer, not a string\n"
                                 "s.yaml:2: b: must be true or false, not an integer")
    state = Validation(tmp_path / "s.yaml", where="s.yaml", document="document 2")
    validate(data, {"a": Int(), "b": Bool()}, state)
    assert state.errors[0] == "s.yaml:1: document 2: a: must be an integer, not a string"


def test_null_is_unset(tmp_path: Path) -> None:
    values, state = run(tmp_path, "a:\nb:\n", {"a": Int(5), "b": ListOf(Str())})
    assert values == {"a": 5, "b": ()}
    assert state.errors == []
