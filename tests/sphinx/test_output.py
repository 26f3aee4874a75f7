from __future__ import annotations

import sys
from pathlib import Path

import pytest

from giza.sphinx.output import (
    Message,
    count_levels,
    format_messages,
    merge_messages,
    parse_output,
    proxy_path_mapper,
)
from giza.sphinx.run import run_sphinx

# Verbatim sphinx-build 9 -q output (paths shortened), including a docutils block quote and
# a CRITICAL with an "InputError" continuation line.
P = "/p/build/main/source-saas"
OUTPUT = (
    f"{P}/index.txt:4: WARNING: toctree contains reference to nonexisting document 'missing'"
    " [toc.not_readable]\n"
    f'{P}/index.txt:10: ERROR: Unknown directive type "foo".\n'
    "\n"
    ".. foo:: bar\n"
    "\n"
    "   body [docutils]\n"
    f'{P}/index.txt:23: CRITICAL: Problems with "include" directive path:\n'
    "InputError: [Errno 2] No such file or directory: 'nofile.txt'. [docutils]\n"
    f"{P}/orphan.txt: WARNING: document isn't included in any toctree [toc.not_included]\n"
    "WARNING: html_static_path entry '_static' does not exist\n"
    "\n"
)


def test_parse_sphinx_messages_with_continuations() -> None:
    assert parse_output(OUTPUT) == [
        Message("/p/build/main/source-saas/index.txt", 4, "WARNING",
                "toctree contains reference to nonexisting document 'missing' [toc.not_readable]"),
        Message("/p/build/main/source-saas/index.txt", 10, "ERROR",
                'Unknown directive type "foo".\n\n.. foo:: bar\n\n   body [docutils]'),
        Message("/p/build/main/source-saas/index.txt", 23, "CRITICAL",
                'Problems with "include" directive path:\n'
                "InputError: [Errno 2] No such file or directory: 'nofile.txt'. [docutils]"),
        Message("/p/build/main/source-saas/orphan.txt", None, "WARNING",
                "document isn't included in any toctree [toc.not_included]"),
        Message(None, None, "WARNING", "html_static_path entry '_static' does not exist"),
    ]


def test_progress_noise_is_dropped_but_messages_inside_it_are_kept() -> None:
    verbose = (
        "Running Sphinx v9.0.4\n"
        "loading pickled environment... done\n"
        "reading sources... [100%] index\n"
        "\n"
        "checking consistency... /p/x.txt: WARNING: document isn't included in any toctree\n"
        "done\n"
        "build succeeded, 1 warning.\n"
        "\n"
        "The HTML pages are in out.\n"
    )
    assert parse_output(verbose) == [
        Message("/p/x.txt", None, "WARNING", "document isn't included in any toctree"),
    ]


def test_a_crash_report_becomes_one_error() -> None:
    crash = "\nExtension error!\n\nVersions\n========\n\n* Sphinx version:   9.0.4\n\n"
    [message] = parse_output(crash)
    assert message.level == "ERROR" and message.path is None
    assert message.text.splitlines()[0] == "Extension error!"
    assert message.text.endswith("* Sphinx version:   9.0.4")


def test_count_levels() -> None:
    assert count_levels(parse_output(OUTPUT)) == (3, 2)


def test_proxy_path_mapper(tmp_path: Path) -> None:
    root = tmp_path
    mapper = proxy_path_mapper(
        root,
        {
            root / "build/main/source-saas": root / "source",
            root / "build/main/source-saas-fr": root / "source",
        },
        {
            root / "build/main/source-saas/includes/steps/install.rst":
                (root / "source/includes/steps-install.yaml", 7),
        },
    )
    proxy = root / "build/main/source-saas"
    assert mapper(str(proxy / "install.txt"), 12) == ("source/install.txt", 12)
    assert mapper(str(root / "build/main/source-saas-fr/a/b.txt"), 3) == ("source/a/b.txt", 3)
    # Relative paths and ".." are resolved against the project root, without following links.
    assert mapper("build/main/source-saas/x/../install.txt", None) == ("source/install.txt", None)
    # Generated rST: the YAML file and the line of the unit that produced it.
    assert mapper(str(proxy / "includes/steps/install.rst"), 40) == (
        "source/includes/steps-install.yaml", 7)
    # Outside the project: unchanged.
    assert mapper("/usr/lib/python3/site.py", 1) == ("/usr/lib/python3/site.py", 1)


def test_parse_with_path_map(tmp_path: Path) -> None:
    mapper = proxy_path_mapper(Path("/p"), {Path("/p/build/main/source-saas"): Path("/p/source")})
    messages = parse_output(OUTPUT, mapper)
    assert [(m.path, m.line) for m in messages] == [
        ("source/index.txt", 4), ("source/index.txt", 10), ("source/index.txt", 23),
        ("source/orphan.txt", None), (None, None),
    ]


def test_merge_and_format_messages() -> None:
    undefined = Message("source/install.txt", 12, "WARNING", "undefined label: 'x'")
    orphan = Message("source/a.txt", None, "WARNING", "document isn't included in any toctree")
    static = Message(None, None, "WARNING", "html_static_path entry '_static' does not exist")
    block = Message("source/install.txt", 3, "ERROR", 'Unknown directive type "foo".\n\n.. foo::')
    merged = merge_messages({
        "html": [undefined, orphan, undefined],  # a repeat within one build counts once
        "html-saas": [block, undefined, static, orphan],
        "dirhtml": [orphan],
    })
    assert merged == [
        (static, ["html-saas"]),
        (orphan, ["html", "html-saas", "dirhtml"]),
        (undefined, ["html", "html-saas"]),
        (block, ["html-saas"]),
    ]
    assert format_messages(merged) == [
        "WARNING: html_static_path entry '_static' does not exist [html-saas]",
        "source/a.txt: WARNING: document isn't included in any toctree",
        "source/install.txt:12: WARNING: undefined label: 'x' [html, html-saas]",
        'source/install.txt:3: ERROR: Unknown directive type "foo". [html-saas]\n\n.. foo::',
    ]
    # With the full list of variants given, a message from all of them seen so far still
    # names them when another variant built cleanly.
    assert format_messages(merged[1:2], ["html", "html-saas", "dirhtml", "epub"]) == [
        "source/a.txt: WARNING: document isn't included in any toctree "
        "[html, html-saas, dirhtml]",
    ]
    # A single variant: nothing to distinguish.
    assert format_messages(merge_messages({"html": [undefined]})) == [
        "source/install.txt:12: WARNING: undefined label: 'x'",
    ]


def test_colour_codes_are_stripped_before_parsing() -> None:
    coloured = f"\x1b[91m{P}/index.txt:4: WARNING: undefined label: 'x' [ref.ref]\x1b[39;49;00m\n"
    assert parse_output(coloured) == [
        Message(f"{P}/index.txt", 4, "WARNING", "undefined label: 'x' [ref.ref]"),
    ]


def test_real_sphinx_build_output_round_trip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CI systems set FORCE_COLOR; sphinx-build must still write plain text for giza.
    monkeypatch.setenv("FORCE_COLOR", "1")
    root = tmp_path
    source = root / "source"
    source.mkdir()
    proxy = root / "build" / "main" / "source-saas"
    proxy.mkdir(parents=True)
    (proxy / "conf.py").write_text("project = 't'\nsource_suffix = {'.txt': 'restructuredtext'}\n")
    (proxy / "index.txt").write_text("T\n=\n\n.. toctree::\n\n   missing\n\nSee :ref:`x`.\n")
    sphinx_build = Path(sys.executable).with_name("sphinx-build")
    result = run_sphinx([str(sphinx_build), "-q", "-b", "html", str(proxy), str(root / "out")])
    assert "\x1b[" not in result.output
    messages = parse_output(result.output, proxy_path_mapper(root, {proxy: source}))
    assert [(m.path, m.line, m.level) for m in messages] == [
        ("source/index.txt", 4, "WARNING"),
        ("source/index.txt", 8, "WARNING"),
    ]
