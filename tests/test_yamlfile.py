from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from giza.errors import ConfigError, ContentError, shown
from giza.yamlfile import _Loader, iter_documents, load_documents, load_one

TEXT = ("base: &base\n  a: 1\n  b: [true, null, 2.5, 2024-01-02, '07', 0x1F]\n"
        "child:\n  <<: *base\n  c: ~\n  text: |\n    multi\n    line\n"
        "---\n# comment\n\n- {x: y}\n- plain: yes\n  ':colon': 'q'\n---\n---\n")


def lines(value):
    if isinstance(value, dict):
        return (value.line, dict(value.key_lines), {k: lines(v) for k, v in value.items()})
    if isinstance(value, list):
        return (value.line, list(value.item_lines), [lines(v) for v in value])
    return None


def test_fast_loading_matches_pyyaml_construction(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_text(TEXT)
    fast = list(iter_documents(path))
    reference = list(yaml.load_all(TEXT, Loader=_Loader))  # noqa: S506 (safe loader)
    assert [d.data for d in fast] == reference
    assert [lines(d.data) for d in fast] == [lines(d) for d in reference]
    assert [(d.index, d.line) for d in fast] == [(0, 1), (1, 13), (2, 17), (3, 18)]


def test_key_and_item_lines(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb:\n  - x\n  - y\n")
    data = load_one(path)
    assert (data.line, data.key_lines) == (1, {"a": 1, "b": 2})
    assert data["b"].item_lines == [3, 4]
    assert data.line_of("missing") == 1


def test_errors_name_file_and_line(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text("a: [1,\n")
    with pytest.raises(ConfigError) as err:
        load_documents(Path("bad.yaml"))
    assert str(err.value).startswith("bad.yaml:2: YAML syntax error: ")
    with pytest.raises(ContentError) as err:
        list(iter_documents(Path("bad.yaml"), error=ContentError, label="shown.yaml"))
    assert str(err.value).startswith("shown.yaml:2: YAML syntax error: ")
    Path("latin.yaml").write_bytes(b"a: \xe9\n")
    with pytest.raises(ConfigError) as err:
        load_documents(Path("latin.yaml"))
    assert str(err.value) == "latin.yaml: not UTF-8 text: invalid continuation byte"
    Path("two.yaml").write_text("a: 1\n---\nb: 2\n")
    with pytest.raises(ConfigError) as err:
        load_one(Path("two.yaml"))
    assert str(err.value) == "two.yaml:3: expected one YAML document, found 2"


def test_iter_units_skips_empty_documents_and_requires_mappings(tmp_path: Path, monkeypatch):
    from giza.yamlfile import iter_units

    monkeypatch.chdir(tmp_path)
    Path("units.yaml").write_text("file: /a\n---\n---\nfile: /b\n")
    assert [unit["file"] for _, unit in iter_units(Path("units.yaml"), "a mapping")] == [
        "/a", "/b"]
    Path("bad.yaml").write_text("file: /a\n---\n- x\n")
    with pytest.raises(ConfigError) as err:
        list(iter_units(Path("bad.yaml"), "a mapping with 'file'"))
    assert str(err.value) == "bad.yaml:3: must be a mapping with 'file', not a list"


def test_keys_given_twice_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("a: 1\nb:\n  c: 2\n  c: 3\na: 4\n---\nbase: &b {x: 1}\nm: {<<: *b, x: 2}\n")
    first, second = list(iter_documents(path))
    assert first.data == {"a": 4, "b": {"c": 3}}
    assert [(d.key, d.line, d.first) for d in first.duplicates] == [("c", 4, 3), ("a", 5, 1)]
    assert first.duplicates[0].describe() == \
        "key 'c' is given twice (first at line 3); only this later value is used"
    assert second.duplicates == ()  # a merge key's value overridden on purpose


# The 12-line extracts file: `content` is nine nested levels of ten aliases
# each, 10^9 values once expanded.
BOMB = """\
ref: bomb
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h,*h]
content: *i
title: boom
"""


def test_alias_bomb_is_refused_at_the_node_that_multiplies(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("extracts-bomb.yaml").write_text(BOMB)
    with pytest.raises(ContentError) as err:
        load_documents(Path("extracts-bomb.yaml"), ContentError)
    # e: 10 * d (11,111 values) is the first node past the limit
    assert str(err.value) == ("extracts-bomb.yaml:6: alias expansion too large: the aliases "
                              "in this node expand to more than 100,000 values")


def test_aliases_keep_working_and_are_built_once(tmp_path: Path):
    path = tmp_path / "x.yaml"
    path.write_text("base: &b {x: [1, 2]}\nuse: [*b, *b]\nmerged:\n  <<: *b\n  y: 3\n")
    data = load_one(path)
    assert data == {"base": {"x": [1, 2]}, "use": [{"x": [1, 2]}, {"x": [1, 2]}],
                    "merged": {"x": [1, 2], "y": 3}}
    assert data["use"][0] is data["base"] and data["use"][1] is data["base"]
    assert data["use"][0].line == 1 and data["merged"].key_lines == {"x": 1, "y": 5}


def test_expansion_up_to_the_limit_is_fine(tmp_path: Path):
    # 10 * 10 * 10 * 10 values: big but under 100,000
    path = tmp_path / "x.yaml"
    path.write_text("".join(f"l{n}: &l{n} [{', '.join([f'*l{n - 1}' if n else '0'] * 10)}]\n"
                            for n in range(4)))
    assert len(load_one(path)["l3"][9][9][9]) == 10


def test_recursive_alias_is_an_error(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("loop.yaml").write_text("a: 1\nb: &x [1, {c: *x}]\n")
    with pytest.raises(ConfigError) as err:
        load_one(Path("loop.yaml"))
    assert str(err.value) == "loop.yaml:2: recursive alias: this node contains an alias of itself"


def test_giza_generate_refuses_the_bomb(copy_project, giza):
    root = copy_project("basic")
    (root / "source" / "includes").mkdir(exist_ok=True)
    (root / "source" / "includes" / "extracts-bomb.yaml").write_text(BOMB)
    result = giza("--executor", "serial", "generate", "all")
    assert result.code == 2
    assert result.err == ("giza: error: source/includes/extracts-bomb.yaml:6: alias expansion "
                          "too large: the aliases in this node expand to more than 100,000 "
                          "values\n"
                          "giza: 1 problem (1 error, 0 warnings) in 1 file\n"
                          "giza: error: the checks above failed; nothing was built\n")


def test_a_value_its_tag_cannot_take_is_a_yaml_error(tmp_path):
    """Found by the fuzz test: `!!int project:` made PyYAML's constructor raise ValueError."""
    path = tmp_path / "build_conf.yaml"
    path.write_text("!!int project: {name: x}\n")
    with pytest.raises(ConfigError) as exc:
        load_documents(path)
    assert str(exc.value) == (f"{shown(path)}:1: YAML syntax error: 'project' cannot be read "
                              "as int (invalid literal for int() with base 10: 'project')")
