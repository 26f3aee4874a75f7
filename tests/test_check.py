"""giza check and the compatibility policy: what the original giza accepted is a warning
(the build goes on and produces what the original produced); --strict makes it exit 2."""

from __future__ import annotations

import pytest

BASE = {
    "config/build_conf.yaml": "project: {name: compat}\nsystem: {files: [htaccess.yaml]}\n",
    "config/htaccess.yaml": "from: /x\nto: /y\n",
    "source/index.txt": "Home\n====\n\n.. include:: /includes/extracts/a.rst\n",
    "source/includes/extracts-a.yaml": "ref: a\ncontent: Fine.\n",
}

# (files over BASE, the warning, a check of what was built)
CASES = {
    "placeholder": (
        {"source/includes/extracts-a.yaml": "ref: a\ncontent: 'Use {{tool}} now.'\n"},
        "source/includes/extracts-a.yaml:2: unit 'a' field 'content': placeholder '{{tool}}' "
        "has no value; rendered as an empty string",
        ("build/main/source/includes/extracts/a.rst", "Use  now.")),
    "key twice": (
        {"source/includes/extracts-a.yaml": "ref: a\ncontent: First.\ncontent: Second.\n"},
        "source/includes/extracts-a.yaml:3: document 1: key 'content' is given twice; the "
        "later value is used; the earlier one, at line 2, is lost",
        ("build/main/source/includes/extracts/a.rst", "Second.")),
    "action as text": (
        {"source/includes/steps-s.yaml": "title: Go\nref: go\naction: |\n  run it\n"},
        "source/includes/steps-s.yaml:3: document 1: action: must be a mapping or a "
        "list of mappings, not a string; it is ignored, as the original giza did",
        ("build/main/source/includes/steps/s.rst", "Go")),
    "append to a missing page": (
        {"source/includes/extracts-a.yaml": "ref: a\ncontent: Fine.\nappend: /gone.txt\n"},
        "source/includes/extracts-a.yaml:1: append: page '/gone.txt' does not exist in "
        "source, so nothing is added to it; name the page file with its suffix, for example "
        "/tutorial/install.txt",
        ("build/main/source/includes/extracts/a.rst", "Fine.")),
    "conflicting redirects": (
        {"config/htaccess.yaml": "from: /x\nto: /y\n---\nfrom: /x\nto: /z\n"},
        "config/htaccess.yaml:4: this redirect never takes effect: /x is already redirected "
        "to /y by config/htaccess.yaml:1, which comes first",
        ("build/public/.htaccess", "Redirect 303 /x /y")),
    "unknown branch": (
        {"config/htaccess.yaml": "from: /x\nto: /y\noutputs: [all, before-v1.1]\n"},
        "config/htaccess.yaml:3: outputs[1]: unknown branch 'v1.1' in 'before-v1.1'; this "
        "output is skipped, as the original giza did; published branches: (none)",
        ("build/main/html/index.html", "Home")),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_tolerated_case_warns_builds_and_strict_exits_2(case, project, giza):
    files, warning, (built, text) = CASES[case]
    root = project({**BASE, **files})
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0, result.err
    assert result.err.splitlines()[:2] == [
        f"giza: warning: {warning}", "giza: 1 problem (0 errors, 1 warning) in 1 file"]
    assert text in (root / built).read_text()
    strict = giza("--strict", "--executor", "serial", "sphinx", "-b", "html")
    assert strict.code == 2
    assert strict.err.splitlines()[0] == f"giza: error: {warning}"
    checked = giza("check")
    assert (checked.code, checked.err.splitlines()[0]) == (0, f"giza: warning: {warning}")
    assert giza("--strict", "check").code == 2


def test_check_of_a_clean_project(project, giza):
    root = project(BASE)
    result = giza("check")
    assert (result.code, result.out, result.err) == (0, "giza: no problems found\n", "")
    # it builds nothing, and its cached result is only the check's own record
    assert [p.relative_to(root).as_posix() for p in (root / "build").rglob("*")
            if p.is_file()] == ["build/main/.giza/check.json"]


def test_check_reuses_its_result_until_an_input_changes(project, giza):
    root = project({**BASE, "source/includes/extracts-a.yaml": "ref: a\ncontent: '{{x}}'\n"})
    first = giza("check")
    cache = root / "build/main/.giza/check.json"
    stamp = cache.stat().st_mtime_ns
    assert giza("check").err == first.err
    assert cache.stat().st_mtime_ns == stamp  # nothing changed: the saved result is reused
    (root / "source/includes/extracts-a.yaml").write_text("ref: a\ncontent: fixed\n")
    assert giza("check").err == ""


def test_check_with_an_unknown_edition_is_a_usage_error(project, giza):
    project(BASE)
    result = giza("check", "-e", "saas")
    assert result.code == 2
    assert result.err.startswith("giza: error: unknown edition 'saas'")


def test_a_problem_in_a_migrated_file_names_the_file_it_came_from(project, giza):
    project({**BASE,
             "config/build_conf.yaml": "project: {name: compat, editions: [{name: a}, "
                                       "{name: b}]}\nsystem: {files: [migrations.yaml]}\n",
             "config/migrations.yaml": "source: shared/extracts-moved.yaml\n"
                                       "target: includes/extracts-moved.yaml\n",
             "shared/extracts-moved.yaml": "ref: moved\ncontent: '{{gone}}'\n"})
    result = giza("check")
    # reported once, for both editions, at the file an author can open
    assert result.err == (
        "giza: warning: shared/extracts-moved.yaml:2: unit 'moved' field 'content': "
        "placeholder '{{gone}}' has no value; rendered as an empty string\n"
        "giza: 1 problem (0 errors, 1 warning) in 1 file\n")


def test_a_changed_migration_source_invalidates_the_saved_result(project, giza):
    """Migration sources live outside config/ and the includes dir (in assets, say): the
    saved check result names them, so a change to one is checked again."""
    import os

    root = project({**BASE,
                    "config/build_conf.yaml": "project: {name: compat}\n"
                                              "system: {files: [migrations.yaml]}\n",
                    "config/migrations.yaml": "source: shared/extracts-moved.yaml\n"
                                              "target: includes/extracts-moved.yaml\n",
                    "shared/extracts-moved.yaml": "ref: moved\ncontent: fine\n"})
    assert giza("check").err == ""
    source = root / "shared/extracts-moved.yaml"
    source.write_text("ref: moved\ncontent: '{{gone}}'\n")
    later = source.stat().st_mtime_ns + 10**9
    os.utime(source, ns=(later, later))
    assert giza("check").err.startswith(
        "giza: warning: shared/extracts-moved.yaml:2: unit 'moved' field 'content': "
        "placeholder '{{gone}}' has no value")


def test_the_check_keeps_each_editions_rendering_for_the_build(project):
    from giza.check import check_project
    from giza.config import load

    root = project({**BASE,
                    "config/build_conf.yaml": "project: {name: two, editions: [{name: a}, "
                                              "{name: b}]}\n",
                    "source/includes/extracts-b.yaml": "ref: b\ncontent: B\nedition: b\n"})
    config = load()
    result = check_project(config)
    assert sorted(result.renderings) == ["a", "b"]
    names = {edition: sorted(rendering.relative.values())
             for edition, rendering in result.renderings.items()}
    assert names == {"a": ["extracts/a.rst"], "b": ["extracts/a.rst", "extracts/b.rst"]}
    # a saved result has no rendering: the build generates as before
    assert check_project(config).renderings == {}
    assert check_project(config) == result  # the rendering is no part of the result's value
    # an edition whose content has errors has none either (the unit is only in b)
    (root / "source/includes/extracts-b.yaml").write_text("ref: b\ncontent: B\nedition: b\n"
                                                          "inherit: {file: gone.yaml, ref: x}\n")
    failed = check_project(config)
    assert failed.errors and sorted(failed.renderings) == ["a"]
