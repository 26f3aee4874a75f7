from __future__ import annotations

from pathlib import Path

import pytest

from giza.content.extracts import SCHEMA as EXTRACTS
from giza.content.options import SCHEMA as OPTIONS
from giza.content.steps import SCHEMA as STEPS
from giza.content.units import display_path, load_units
from giza.errors import ContentError
from giza.problems import collecting


def _load(project, name: str, text: str, schema=EXTRACTS, edition: str | None = None):
    path = project.write(name, text)
    return load_units(path, schema, edition)


def _warnings(project, name: str, text: str, schema=EXTRACTS) -> list[str]:
    with collecting() as found:
        _load(project, name, text, schema)
    return [problem.text for problem in found]


def _error(project, name: str, text: str, schema=EXTRACTS, edition: str | None = None) -> str:
    with pytest.raises(ContentError) as caught:
        _load(project, name, text, schema, edition)
    return str(caught.value)


def test_units_keep_file_order_lines_and_converted_fields(project) -> None:
    units = _load(project, "extracts-a.yaml", """
        ref: one
        content: 42
        ---
        ref: two
        edition: [a, b]
        copyable: false
        """)
    assert [(u.key, u.line, u.index) for u in units] == [("one", 1, 0), ("two", 4, 1)]
    assert units[0].data == {"ref": "one", "content": "42"}  # scalars become text
    assert units[1].editions == frozenset({"a", "b"})
    assert units[1].lines["copyable"] == 6
    assert units[0].path == Path("source/includes/extracts-a.yaml")


def test_yaml_syntax_error_names_file_and_line(project) -> None:
    message = _error(project, "extracts-bad.yaml", "ref: a\ncontent: [unclosed\n")
    assert message.startswith("source/includes/extracts-bad.yaml:3: YAML syntax error: ")


def test_empty_document(project) -> None:
    message = _error(project, "extracts-e.yaml", "ref: a\n---\n---\nref: b\n")
    assert message == "source/includes/extracts-e.yaml:3: document 2 is empty"


def test_a_field_given_twice_is_a_warning(project) -> None:
    # YAML silently keeps only the second `content`; the original published that
    assert _warnings(project, "extracts-d.yaml", "ref: a\n---\nref: b\ncontent: x\ncontent: y\n"
                     ) == ["source/includes/extracts-d.yaml:5: document 2: key 'content' is "
                           "given twice; the later value is used; the earlier one, at line 4, "
                           "is lost"]


def test_unknown_field_lists_valid_fields(project) -> None:
    (message,) = _warnings(project, "extracts-u.yaml", "ref: a\ntitel: oops\n")
    assert message == (
        "source/includes/extracts-u.yaml:2: document 1: titel: unknown key in extracts "
        "unit 'a' is ignored; valid keys: append, code, content, copyable, edition, heading, "
        "inherit, language, only, post, pre, prepend, ref, replacement, source, style, title")


def test_unknown_field_in_a_step_action(project) -> None:
    (message,) = _warnings(project, "steps-u.yaml", """
        ref: a
        action:
          - code: x
          - cod: y
        """, STEPS)
    assert message == (
        "source/includes/steps-u.yaml:4: document 1: cod: unknown key in steps unit 'a' "
        "(action 2) is ignored; valid keys: code, content, copyable, heading, language, "
        "level, post, pre, replacement, title")


def test_action_given_as_text_is_ignored_with_a_warning(project) -> None:
    """`action: |` (text where a mapping belongs): the original dropped the action."""
    units = None
    with collecting() as found:
        units = _load(project, "steps-t.yaml", "ref: a\ntitle: T\naction: |\n  run it\n",
                      STEPS)
    assert [p.text for p in found] == [
        "source/includes/steps-t.yaml:3: document 1: action: must be a mapping or a "
        "list of mappings, not a string; it is ignored, as the original giza did"]
    assert "action" not in units[0].data


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("content", "[a, b]", "must be a string, not a list"),
    ("copyable", "yes please", "must be a boolean, not a string"),
    ("edition", "{a: 1}", "must be a string or a list of strings, not a mapping"),
    ("replacement", "[x]", "must be a mapping of names to strings, not a list"),
    ("code", "[a, {b: c}]", "must be a string or a list of strings, not a list"),
    ("title", "{text: x, level: high}",
     "must be a string or a mapping {text, character|level}, not a mapping"),
])
def test_wrong_type(project, field: str, value: str, expected: str) -> None:
    message = _error(project, "extracts-t.yaml", f"ref: a\n{field}: {value}\n")
    assert message == f"source/includes/extracts-t.yaml:2: document 1: {field}: {expected}"


def test_step_number_must_be_an_integer(project) -> None:
    message = _error(project, "steps-n.yaml", "ref: a\nstepnum: two\n", STEPS)
    assert message == ("source/includes/steps-n.yaml:2: document 1: stepnum: must be "
                       "an integer, not a string")


def test_document_must_be_a_mapping(project) -> None:
    message = _error(project, "extracts-l.yaml", "- a\n- b\n")
    assert message == "source/includes/extracts-l.yaml:1: document 1 must be a mapping, not a list"


def test_missing_identity(project) -> None:
    message = _error(project, "extracts-m.yaml", "content: no ref\n")
    assert message == "source/includes/extracts-m.yaml:1: document 1: extracts unit has no 'ref'"


@pytest.mark.parametrize(("text", "expected"), [
    ("ref: a\ninherit: {ref: b}\n", "2: document 1: inherit.file: must be a string, not null"),
    ("ref: a\nsource: {file: [x.yaml], ref: b}\n",
     "2: document 1: source.file: must be a string, not a list"),
    ("ref: a\ninherit: {file: x.yaml, name: b}\n",
     "2: document 1: inherit: names no extracts unit (keys: file, name)"),
])
def test_a_bad_base(project, text: str, expected: str) -> None:
    assert _error(project, "extracts-b.yaml", text) == (
        f"source/includes/extracts-b.yaml:{expected}")


def test_duplicate_ref_for_all_editions(project) -> None:
    message = _error(project, "extracts-d.yaml", "ref: a\n---\nref: b\n---\nref: a\n")
    assert message == ("source/includes/extracts-d.yaml:5: ref 'a' is defined twice for "
                       "edition '(all)' (first at line 1)")


def test_same_ref_in_different_editions_is_fine(project) -> None:
    text = """
        ref: a
        content: saas
        edition: saas
        ---
        ref: a
        content: onprem
        edition: [onprem, hybrid]
        """
    assert [u.data["content"] for u in _load(project, "extracts-x.yaml", text, edition="onprem")
            ] == ["onprem"]
    assert [u.data["content"] for u in _load(project, "extracts-x.yaml", text, edition="saas")
            ] == ["saas"]
    # without a build edition the first definition wins
    assert [u.data["content"] for u in _load(project, "extracts-x.yaml", text)] == ["saas"]


def test_duplicate_ref_for_one_edition(project) -> None:
    text = "ref: a\nedition: saas\n---\nref: a\n---\nref: a\nedition: onprem\n"
    message = _error(project, "extracts-y.yaml", text, edition="saas")
    assert message == ("source/includes/extracts-y.yaml:4: ref 'a' is defined twice for "
                       "edition 'saas' (first at line 1)")
    message = _error(project, "extracts-y.yaml", text)
    assert message == ("source/includes/extracts-y.yaml:4: ref 'a' is defined twice for "
                       "edition 'saas' (first at line 1)")


def test_options_identity_is_program_and_name(project) -> None:
    units = _load(project, "options-a.yaml", """
        program: mongod
        name: port
        ---
        program: mongos
        name: port
        ---
        program: _shared
        name: verbose
        """, OPTIONS)
    assert [u.key for u in units] == [("mongod", "port"), ("mongos", "port"),
                                      ("_shared", "verbose")]
    assert [u.abstract for u in units] == [False, False, True]
    assert units[0].ref == "mongod port"


def test_display_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "a" / "b.yaml") == Path("a/b.yaml")
    assert display_path(Path("/elsewhere/x.yaml")) == Path("/elsewhere/x.yaml")
