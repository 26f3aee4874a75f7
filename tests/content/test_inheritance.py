from __future__ import annotations

import pytest

from giza.content.inheritance import merge
from giza.errors import ContentError
from giza.problems import collecting


def _error(project, kinds=None, **context) -> str:
    with pytest.raises(ContentError) as caught:
        project.generate(kinds, **context)
    return str(caught.value)


def test_chain_across_three_files_with_replacement_merge(project) -> None:
    project.write("extracts-a.yaml", """
        ref: _root
        pre: "{{who}} uses {{what}} {{version}}."
        content: root content
        replacement: {who: Alice, what: giza}
        """)
    project.write("extracts-b.yaml", """
        ref: _middle
        inherit: {file: extracts-a.yaml, ref: _root}
        content: middle content
        replacement: {what: Sphinx}
        """)
    project.write("extracts-c.yaml", """
        ref: leaf
        source: {file: /includes/extracts-b.yaml, ref: _middle}
        replacement: {who: Bob}
        """)
    project.generate(["extracts"], version="7.0")
    assert project.outputs() == ["extracts/leaf.rst"]
    assert project.output("extracts/leaf.rst") == "Bob uses Sphinx 7.0.\n\nmiddle content\n"


def test_global_tokens_under_unit_tokens_and_nested_rendering(project) -> None:
    project.write("steps-x.yaml", """
        ref: s
        title: "{{product}} setup"
        action:
          - code: ["{{product}} --init", "{{tool}} run"]
            replacement: {tool: runner}
          - content: "{{greeting}}"
        replacement: {greeting: "Hi {{product}}"}
        """)
    project.generate(["steps"], replacements={"product": "Giza", "greeting": "unused"})
    text = project.output("steps/x.rst")
    assert "   Giza setup\n" in text
    assert "      Giza --init\n      runner run\n" in text
    assert "   Hi Giza\n" in text  # the token itself held a placeholder: second round


def test_inherit_by_path_suffix(project) -> None:
    project.write("extracts-a.yaml", "ref: base\ncontent: hello\n")
    project.write("extracts-b.yaml", """
        ref: child
        inherit: {file: source/includes/extracts-a.yaml, ref: base}
        """)
    project.generate(["extracts"])
    assert project.output("extracts/child.rst") == "hello\n"


def test_child_without_ref_takes_the_base_ref(project) -> None:
    project.write("extracts-a.yaml", "ref: base\ncontent: hello\n")
    project.write("extracts-b.yaml", "inherit: {file: extracts-a.yaml, ref: base}\n")
    assert _error(project) == (
        "source/includes/extracts-b.yaml:1: output build/main/source/includes/extracts/base.rst"
        " is also produced by source/includes/extracts-a.yaml:1")


def test_missing_file(project) -> None:
    project.write("extracts-a.yaml", "ref: a\n\ninherit: {file: extracts-nope.yaml, ref: b}\n")
    assert _error(project) == (
        "source/includes/extracts-a.yaml:3: unit 'a' inherits from 'extracts-nope.yaml', "
        "which does not exist under source/includes")


def test_missing_ref(project) -> None:
    project.write("extracts-a.yaml", "ref: a\ncontent: x\n")
    project.write("extracts-b.yaml", "ref: b\nsource: {file: extracts-a.yaml, ref: zzz}\n")
    assert _error(project) == (
        "source/includes/extracts-b.yaml:2: unit 'b' inherits from ref 'zzz' in "
        "source/includes/extracts-a.yaml, which has no such unit (refs there: a)")


def test_ref_of_another_edition_is_missing(project) -> None:
    project.write("extracts-a.yaml", "ref: a\ncontent: x\nedition: saas\n")
    project.write("extracts-b.yaml", "ref: b\nsource: {file: extracts-a.yaml, ref: a}\n")
    assert "which has no such unit" in _error(project, edition="onprem")


def test_cycle_is_reported_with_every_link(project) -> None:
    project.write("extracts-a.yaml", """
        ref: a
        inherit: {file: extracts-b.yaml, ref: b}
        """)
    project.write("extracts-b.yaml", """
        ref: unrelated
        ---
        ref: b
        inherit: {file: extracts-c.yaml, ref: c}
        """)
    project.write("extracts-c.yaml", "ref: c\ninherit: {file: extracts-a.yaml, ref: a}\n")
    assert _error(project) == (
        "inheritance cycle: source/includes/extracts-a.yaml:1 'a' -> "
        "source/includes/extracts-b.yaml:3 'b' -> source/includes/extracts-c.yaml:1 'c' -> "
        "source/includes/extracts-a.yaml:1 'a'")


def test_self_inheritance_is_a_cycle(project) -> None:
    project.write("extracts-a.yaml", "ref: x\n---\nref: a\ninherit: {file: extracts-a.yaml, "
                  "ref: a}\n")
    assert _error(project) == ("inheritance cycle: source/includes/extracts-a.yaml:3 'a' -> "
                               "source/includes/extracts-a.yaml:3 'a'")


def test_unresolved_placeholder(project) -> None:
    project.write("extracts-a.yaml", "ref: a\npre: fine\ncontent: Use {{ tool }} now.\n")
    assert project.warnings() == ["source/includes/extracts-a.yaml:3: unit 'a' field 'content': "
                                  "placeholder '{{tool}}' has no value; rendered as an empty "
                                  "string"]
    assert project.output("extracts/a.rst").count("Use  now.") == 1


def test_unresolved_placeholder_in_inherited_field_points_at_child(project) -> None:
    project.write("extracts-a.yaml", "ref: _a\ncontent: Use {{tool}}.\n---\nref: b\n"
                  "inherit: {file: extracts-a.yaml, ref: _a}\n")
    assert project.warnings() == ["source/includes/extracts-a.yaml:4: unit 'b' field 'content': "
                                  "placeholder '{{tool}}' has no value; rendered as an empty "
                                  "string"]


def test_self_referencing_token_stops_after_ten_rounds(project) -> None:
    project.write("extracts-a.yaml", "ref: a\ncontent: '{{x}}'\nreplacement: {x: '<{{x}}>'}\n")
    assert _error(project) == (
        "source/includes/extracts-a.yaml:2: unit 'a' field 'content': placeholder '{{x}}' "
        "has no value (still unresolved after 10 rounds)")


def test_jinja_filters_still_work(project) -> None:
    project.write("extracts-a.yaml", "ref: a\ncontent: '{{ name | upper }}!'\n"
                  "replacement: {name: giza}\n")
    project.generate()
    assert project.output("extracts/a.rst") == "GIZA!\n"


def test_merge_replaces_top_level_fields_and_merges_replacement() -> None:
    base = {"ref": "b", "action": [{"code": "a"}, {"code": "b"}], "pre": "p",
            "replacement": {"x": "1", "y": "2"}}
    child = {"ref": "c", "action": {"code": "c"}, "replacement": {"y": "3"}}
    assert merge(base, child) == {"ref": "c", "action": {"code": "c"}, "pre": "p",
                                  "replacement": {"x": "1", "y": "3"}}


def test_very_deep_chain_does_not_hit_the_recursion_limit(project) -> None:
    depth = 3000
    documents = ["ref: u0\ncontent: root {{n}}\nreplacement: {n: '0'}"]
    documents += [f"ref: u{i}\ninherit: {{file: extracts-deep.yaml, ref: u{i - 1}}}"
                  for i in range(1, depth)]
    (project.includes / "extracts-deep.yaml").write_text("\n---\n".join(documents) + "\n")
    result = project.generate()
    assert len(result.written) == depth
    assert project.output(f"extracts/u{depth - 1}.rst") == "root 0\n"


@pytest.mark.parametrize("kind", ["extracts", "steps", "release"])
def test_ref_dash_edition_is_for_examples_only(project, kind: str) -> None:
    project.write(f"{kind}-a.yaml", "ref: a\ncontent: x\nedition: saas\n")
    project.write(f"{kind}-b.yaml", f"ref: b\nsource: {{file: {kind}-a.yaml, ref: a-saas}}\n")
    assert _error(project, [kind]) == (
        f"source/includes/{kind}-b.yaml:2: unit 'b' inherits from ref 'a-saas' in "
        f"source/includes/{kind}-a.yaml, which has no such unit (refs there: a)")


def test_double_braces_that_are_not_a_placeholder_are_text(project) -> None:
    # Java double-brace initialisation and Handlebars blocks are not Jinja2
    # expressions: written out as they are, next to real placeholders
    project.write("extracts-a.yaml", '''
        ref: a
        code: |
          Map<String, Object> m = new HashMap<String, Object>() {{
            put("v", "{{version}}");
          }};
        content: "{{#each items}}{{name}}{{/each}} and {{ '{{' }}"
        replacement: {name: giza}
        ''')
    project.generate(["extracts"], version="7.0")
    assert project.output("extracts/a.rst") == (
        ".. code-block:: none\n"
        "\n"
        "   Map<String, Object> m = new HashMap<String, Object>() {{\n"
        '     put("v", "7.0");\n'
        "   }};\n"
        "\n"
        "{{#each items}}giza{{/each}} and {{\n")


def test_null_replacement_keeps_the_base_tokens(project) -> None:
    project.write("extracts-a.yaml", "ref: _a\ncontent: '{{x}}'\nreplacement: {x: kept}\n"
                  "---\nref: b\ninherit: {file: extracts-a.yaml, ref: _a}\nreplacement:\n")
    project.generate(["extracts"])
    assert project.output("extracts/b.rst") == "kept\n"


def test_missing_file_suggests_a_close_name(project) -> None:
    project.write("extracts-base.yaml", "ref: _a\ncontent: x\n")
    project.write("extracts-b.yaml", "ref: b\ninherit: {file: extracts-bsae.yaml, ref: _a}\n")
    assert _error(project) == (
        "source/includes/extracts-b.yaml:2: unit 'b' inherits from 'extracts-bsae.yaml', "
        "which does not exist under source/includes; did you mean 'extracts-base.yaml'?")


def test_missing_ref_lists_at_most_twelve_refs_of_the_file(project) -> None:
    project.write("extracts-a.yaml", "\n---\n".join(f"ref: _u{i}\ncontent: x"
                                                    for i in range(14)) + "\n")
    project.write("extracts-b.yaml", "ref: b\ninherit: {file: extracts-a.yaml, ref: _u99}\n")
    assert _error(project) == (
        "source/includes/extracts-b.yaml:2: unit 'b' inherits from ref '_u99' in "
        "source/includes/extracts-a.yaml, which has no such unit (refs there: _u0, _u1, _u2, "
        "_u3, _u4, _u5, _u6, _u7, _u8, _u9, _u10, _u11, ... (2 more))")


def test_yaml_error_in_a_file_with_a_merge_conflict_says_so(project) -> None:
    project.write("steps-a.yaml", "ref: a\ncontent: |\n  text\n\n<<<<<<< HEAD\n  mine\n"
                  "=======\n  theirs\n>>>>>>> 1234abc (message)\n")
    assert _error(project).endswith(
        " (line 5 starts with the merge conflict marker '<<<<<<<': resolve the conflict)")


def test_an_expression_that_needs_a_missing_value_is_an_error_not_a_crash(project) -> None:
    """Found by the fuzz test: rendering `{{ x | attr('y') }}` with `x` missing failed again
    in the lenient (original) render and escaped as a traceback."""
    project.write("extracts-a.yaml", "ref: a\ncontent: \"{{ x | attr('y') }}\"\n")
    with collecting() as found:
        message = _error(project)
    assert message == ("source/includes/extracts-a.yaml:2: unit 'a' field 'content': "
                       "template error: 'x' is undefined")
    assert [p.text for p in found] == [
        "source/includes/extracts-a.yaml:2: unit 'a' field 'content': placeholder '{{x}}' has "
        "no value; rendered as an empty string"]
