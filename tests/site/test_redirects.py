from pathlib import Path

import pytest

from giza.errors import ConfigError
from giza.problems import collecting
from giza.site.redirects import (
    Redirect,
    load_redirects,
    render_htaccess,
    render_nginx,
    render_stubs,
    stub_path,
)

PUBLISHED = ["master", "v3.2", "v3.0", "v2.6"]
URL = "https://docs.example.com"


def write(tmp_path: Path, text: str, name: str = "htaccess.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def warned(*args) -> list[str]:
    """What load_redirects warns (it never stops a build)."""
    with collecting() as found:
        load_redirects(*args)
    return [problem.text for problem in found]


def sources(redirects: list[Redirect]) -> list[tuple[int, str, str]]:
    return [(r.code, r.source, r.target) for r in redirects]


def test_outputs_expansion(tmp_path):
    path = write(tmp_path, """\
from: /old/
to: new
outputs: [before-v3.0, after-v3.2, docs, {manual: v3.0}]
---
from: /a
to: https://elsewhere.org/b/
code: 301
---
""")
    redirects = load_redirects([path], PUBLISHED)
    assert sources(redirects) == [
        (301, "/a", "https://elsewhere.org/b/"),
        (303, "/docs/old", "/docs/new"),
        (303, "/manual/old", "/v3.0/new"),
        (303, "/master/old", "/master/new"),
        (303, "/v2.6/old", "/v2.6/new"),
        (303, "/v3.0/old", "/v3.0/new"),
    ]
    assert redirects[0].file == str(path) and redirects[0].line == 5


def test_all_links_and_edition_filter(tmp_path):
    path = write(tmp_path, """\
from: /x
to: /y
outputs: [all]
edition: saas
---
from: /p
to: /q
outputs: [{after-v3.0: current}]
edition: [hosted, other]
""")
    saas = load_redirects([path], ["v2", "v1"], edition="saas", links={"manual": "v1"})
    assert sources(saas) == [(303, "/manual/x", "/manual/y"), (303, "/v1/x", "/v1/y"),
                             (303, "/v2/x", "/v2/y")]
    hosted = load_redirects([path], PUBLISHED, edition="hosted")
    assert sources(hosted) == [(303, "/master/p", "/current/q"), (303, "/v3.2/p", "/current/q")]
    assert len(load_redirects([path], PUBLISHED)) == 6  # no edition: every unit


def test_render_formats(tmp_path):
    path = write(tmp_path, "from: /b\nto: /c/\ncode: 308\n---\nfrom: /a.html\nto: /z\n")
    redirects = load_redirects([path], [])
    assert render_htaccess(redirects, URL + "/") == (
        "Redirect 303 /a.html https://docs.example.com/z\n"
        "Redirect 308 /b https://docs.example.com/c\n")
    assert render_nginx(redirects, URL) == (
        "location = /a.html { return 303 https://docs.example.com/z; }\n"
        "location = /b { return 308 https://docs.example.com/c; }\n")
    stubs = render_stubs(redirects, URL)
    assert sorted(stubs) == ["a.html", "b/index.html"]
    assert '<meta http-equiv="refresh" content="0; url=https://docs.example.com/c">' \
        in stubs["b/index.html"]
    assert stub_path("/") == "index.html"


def test_stub_escapes_url():
    r = Redirect(301, "/s", 'https://x.org/?a=1&b="2"', "f", 1)
    assert 'url=https://x.org/?a=1&amp;b=&quot;2&quot;"' in render_stubs([r], URL)["s/index.html"]


@pytest.mark.parametrize("code", ["301.5", "true", "'abc'"])
def test_invalid_code_types(tmp_path, code):
    path = write(tmp_path, f"from: /a\nto: /b\ncode: {code}\n")
    (text,) = warned([path], PUBLISHED)
    assert ":3: code: must be one of 301, 302, 303, 307, 308, not " in text
    assert text.endswith("; this redirect is skipped")


def test_code_as_string(tmp_path):
    path = write(tmp_path, "from: /a\nto: /b\ncode: '307'\n")
    assert sources(load_redirects([path], PUBLISHED)) == [(307, "/a", "/b")]


def test_invalid_code(tmp_path):
    path = write(tmp_path, "from: /a\nto: /b\ncode: 304\n")
    assert warned([path], PUBLISHED) == [f"{path}:3: code: must be one of 301, 302, 303, "
                                         "307, 308, not 304; this redirect is skipped"]
    assert load_redirects([path], PUBLISHED) == []


def test_missing_to(tmp_path):
    path = write(tmp_path, "---\nfrom: /a\n")
    assert warned([path], PUBLISHED) == [f"{path}:2: to: required key is missing; this "
                                         "redirect is skipped"]


def test_not_a_mapping(tmp_path):
    path = write(tmp_path, "- a\n")
    with pytest.raises(ConfigError) as exc:
        load_redirects([path], PUBLISHED)
    assert str(exc.value) == f"{path}:1: must be a mapping with 'from' and 'to', not a list"


def test_redirect_onto_itself(tmp_path):
    path = write(tmp_path, "from: /a/\nto: /a\noutputs: [v3.0]\n")
    assert warned([path], PUBLISHED) == [f"{path}:1: from: redirect of '/v3.0/a' onto itself "
                                         "never takes effect; it is skipped"]


def test_unknown_branch_lists_published(tmp_path):
    path = write(tmp_path, "from: /a\nto: /b\noutputs:\n  - before-v9.9\n")
    assert warned([path], PUBLISHED) == [
        f"{path}:3: outputs[0]: unknown branch 'v9.9' in 'before-v9.9'; this output is "
        "skipped, as the original giza did; published branches: master, v3.2, v3.0, v2.6"]
    assert warned([path], [])[0].endswith("published branches: (none)")


def test_bad_output_item(tmp_path):
    path = write(tmp_path, "from: /a\nto: /b\noutputs: [[x]]\n")
    assert warned([path], PUBLISHED) == [f"{path}:3: outputs[0]: must be a string or a "
                                         "one-key mapping, not ['x']; this redirect is skipped"]


def test_loop_names_every_hop_across_files(tmp_path):
    one = write(tmp_path, "from: /a\nto: /b\n---\nfrom: /b\nto: /c\n", "htaccess.yaml")
    two = write(tmp_path, "from: /c\nto: /a\n", "htaccess-more.yaml")
    assert warned([one, two], []) == [f"{one}:1: redirect loop: /a ({one}:1) -> /b ({one}:4) "
                                      f"-> /c ({two}:1) -> /a; browsers give up on these pages"]


def test_chain_without_loop_is_fine(tmp_path):
    path = write(tmp_path, "from: /a\nto: /b\n---\nfrom: /b\nto: /c\n")
    assert sources(load_redirects([path], [])) == [(303, "/a", "/b"), (303, "/b", "/c")]


def test_conflicting_targets(tmp_path):
    path = write(tmp_path, "from: /a\nto: /b\n---\nfrom: /a\nto: /c\n---\nfrom: /a\nto: /b\n")
    assert warned([path], []) == [f"{path}:4: this redirect never takes effect: /a is already "
                                  f"redirected to /b by {path}:1, which comes first"]
    assert sources(load_redirects([path], [])) == [(303, "/a", "/b")]


def test_from_must_be_a_path(tmp_path):
    path = write(tmp_path, "from: https://x.org/a\nto: /b\n")
    (text,) = warned([path], [])
    assert ":1: from: must be a site path, not the URL " in text


def test_whitespace_in_paths(tmp_path):
    path = write(tmp_path, "from: /a b\nto: /c\n")
    assert warned([path], []) == [f"{path}:1: from: '/a b' contains whitespace; encode it as "
                                  "%20; this redirect is skipped"]


def test_branch_set_with_mapped_prefixes(tmp_path):
    # The historic {before-<b>: {src: dst}} form: each branch moves from src/b to dst/b.
    path = write(tmp_path, "from: /a\nto: /b\noutputs: [{before-v3.0: {onprem: cloud}}]\n")
    assert sources(load_redirects([path], PUBLISHED)) == [
        (303, "/onprem/v2.6/a", "/cloud/v2.6/b"),
        (303, "/onprem/v3.0/a", "/cloud/v3.0/b"),
    ]


def test_mapped_prefixes_need_a_branch_set(tmp_path):
    path = write(tmp_path, "from: /a\nto: /b\noutputs: [{v3.0: {onprem: cloud}}]\n")
    assert warned([path], PUBLISHED) == [
        f"{path}:3: outputs[0]: {{v3.0: {{from-prefix: to-prefix}}}} needs all, "
        "before-<branch> or after-<branch> as its key, got 'v3.0'; this redirect is skipped"]
    path = write(tmp_path, "from: /a\nto: /b\noutputs: [{all: {onprem: cloud, x: y}}]\n")
    assert warned([path], PUBLISHED) == [
        f"{path}:3: outputs[0]: {{all: ...}}: must be one {{from-prefix: to-prefix}} pair of "
        "strings, not {'onprem': 'cloud', 'x': 'y'}; this redirect is skipped"]


def test_url_prefix_on_the_right_makes_an_absolute_target(tmp_path):
    """``{prefix: https://...}``: the target is that URL followed by ``to``, as in the
    original (older projects redirect their root and moved pages this way)."""
    path = write(tmp_path, """\
from: /
to: /master
code: 301
outputs:
  - {'/': 'https://docs.example.com/connector'}
---
from: /faq
to: /
type: redirect
outputs:
  - {'': 'https://other.example.org/quick-start/'}
---
from: /old
to: /new
outputs:
  - 'before-v3.0': {'/connector': 'https://docs.example.com/connector'}
""")
    redirects = load_redirects([path], PUBLISHED)
    assert render_htaccess(redirects, URL) == (
        "Redirect 301 / https://docs.example.com/connector/master\n"
        "Redirect 303 /connector/v2.6/old https://docs.example.com/connector/v2.6/new\n"
        "Redirect 303 /connector/v3.0/old https://docs.example.com/connector/v3.0/new\n"
        "Redirect 303 /faq https://other.example.org/quick-start\n")


def test_makefile_era_keys_get_a_hint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "redirect-path: '/a'\nurl-base: '/b'\ntype: 'redirect'\ncode: 303\n")
    assert warned([Path("htaccess.yaml")], PUBLISHED) == [
        "htaccess.yaml:1: from: required key is missing; this unit uses the keys of the "
        "makefile-era tools ('redirect-path', 'url-base'): rename them 'from' and 'to'; "
        "this redirect is skipped"]


def test_empty_target_is_the_site_root(tmp_path):
    """The original turned `to: ''` into '/' (docs-spark-connector relies on it)."""
    path = write(tmp_path, "from: /old\nto: ''\n")
    assert warned([path], []) == [f"{path}:2: to: is empty; it redirects to the site root '/', "
                                  "as the original giza did"]
    assert sources(load_redirects([path], [])) == [(303, "/old", "/")]


def test_links_apply_to_branch_sets_and_plain_master_only(tmp_path):
    """integration.yaml links (manual -> master) add the alias for `all`/`before-`/
    `after-` expansions and a plain 'master', never for an explicit {master: URL} pair."""
    path = write(tmp_path, """\
from: /a
to: /b
outputs: [after-v3.2]
---
from: /c
to: /d
outputs: [{master: 'https://other.example.org'}]
---
from: /e
to: /f
outputs: [master]
""")
    found = sources(load_redirects([path], PUBLISHED, links={"manual": "master"}))
    assert found == [(303, "/manual/a", "/manual/b"), (303, "/manual/e", "/manual/f"),
                     (303, "/master/a", "/master/b"),
                     (303, "/master/c", "https://other.example.org/d"),
                     (303, "/master/e", "/master/f")]


def test_redirect_messages_name_files_relative_to_the_project(tmp_path):
    from giza.errors import relative_to

    (tmp_path / "config").mkdir()
    one = write(tmp_path / "config", "from: /a\nto: /b\n---\nfrom: /b\nto: /c\n",
                "htaccess.yaml")
    two = write(tmp_path / "config", "from: /c\nto: /a\n", "htaccess-more.yaml")
    with relative_to(tmp_path):
        assert warned([one, two], []) == [
            "config/htaccess.yaml:1: redirect loop: /a (config/htaccess.yaml:1) -> /b "
            "(config/htaccess.yaml:4) -> /c (config/htaccess-more.yaml:1) -> /a; browsers give "
            "up on these pages"]
        assert load_redirects([two], [])[0].where == "config/htaccess-more.yaml:1"
