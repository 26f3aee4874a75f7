from __future__ import annotations

import sys
from pathlib import Path

import pytest

from giza.proc import run_process
from giza.sphinx.output import (
    Message,
    Processed,
    count_levels,
    format_messages,
    merge_messages,
    parse_log,
    parse_output,
    proxy_path_mapper,
)

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


def test_relative_origins_are_relative_to_the_project_root(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # A task (maybe on a dask worker elsewhere) reports where generated rST came from
    # relative to the project root; this process's working directory does not matter.
    root = tmp_path / "proj"
    (root / "source").mkdir(parents=True)
    monkeypatch.chdir(root / "source")
    proxy = root / "build/main/source"
    mapper = proxy_path_mapper(root, {proxy: root / "source"},
                               {proxy / "includes/steps/install.rst":
                                   (Path("source/includes/steps-install.yaml"), 7)})
    assert mapper(str(proxy / "includes/steps/install.rst"), 40) == (
        "source/includes/steps-install.yaml", 7)


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
    result = run_process([str(sphinx_build), "-q", "-b", "html", str(proxy), str(root / "out")])
    assert "\x1b[" not in result.output
    messages = parse_output(result.output, proxy_path_mapper(root, {proxy: source}))
    assert [(m.path, m.line, m.level) for m in messages] == [
        ("source/index.txt", 4, "WARNING"),
        ("source/index.txt", 8, "WARNING"),
    ]


# Verbatim sphinx-build 9 output without -q (NO_COLOR): an incremental html build after
# a.txt changed; index.txt lists a.txt, so it is written again without being read.
INCREMENTAL = (
    "Running Sphinx v9.0.4\n"
    "loading translations [en]... done\n"
    "loading pickled environment... done\n"
    "building [mo]: targets for 0 po files that are out of date\n"
    "writing output... \n"
    "building [html]: targets for 1 source files that are out of date\n"
    "updating environment: 0 added, 1 changed, 0 removed\n"
    "reading sources... [100%] a\n"
    "\n"
    "/p/src/a.txt:6: WARNING: image file not readable: x.png [image.not_readable]\n"
    "looking for now-outdated files... none found\n"
    "pickling environment... done\n"
    "checking consistency... /p/src/c.txt: WARNING: document isn't included in any toctree"
    " [toc.not_included]\n"
    "done\n"
    "preparing documents... done\n"
    "copying assets... \n"
    "copying static files... \n"
    "Writing evaluated template result to /p/out/_static/basic.css\n"
    "copying static files: done\n"
    "copying extra files... \n"
    "copying extra files: done\n"
    "copying assets: done\n"
    "writing output... [ 50%] a\n"
    "writing output... [100%] index\n"
    "\n"
    "/p/src/a.txt:4: WARNING: undefined label: 'x' [ref.ref]\n"
    "generating indices... genindex done\n"
    "writing additional pages... search done\n"
    "dumping search index in English (code: en)... done\n"
    "dumping object inventory... done\n"
    "build succeeded, 3 warnings.\n"
    "\n"
    "The HTML pages are in out.\n"
)


def test_parse_log_reads_phases_and_processed_documents() -> None:
    log = parse_log(INCREMENTAL)
    assert log.messages == [
        Message("/p/src/a.txt", 6, "WARNING",
                "image file not readable: x.png [image.not_readable]"),
        Message("/p/src/c.txt", None, "WARNING",
                "document isn't included in any toctree [toc.not_included]"),
        Message("/p/src/a.txt", 4, "WARNING", "undefined label: 'x' [ref.ref]"),
    ]
    assert log.phases == ["read", "check", "write"]
    assert log.processed == Processed(seen=True, read={"a"}, written={"a", "index"},
                                      checked=True)
    assert parse_output(INCREMENTAL) == log.messages


def test_parse_log_of_a_build_with_nothing_to_do() -> None:
    log = parse_log(
        "Running Sphinx v9.0.4\n"
        "building [html]: targets for 0 source files that are out of date\n"
        "updating environment: 0 added, 0 changed, 0 removed\n"
        "reading sources... \n"
        "looking for now-outdated files... none found\n"
        "no targets are out of date.\n"
        "preparing documents... done\n"
        "WARNING: html_static_path entry '_static' does not exist\n"
        "build succeeded, 1 warning.\n"
    )
    assert log.processed == Processed(seen=True)
    assert log.messages == [
        Message(None, None, "WARNING", "html_static_path entry '_static' does not exist")]
    assert log.phases == ["write"]


def test_parse_log_new_configuration_and_parallel_chunks() -> None:
    # sphinx-build -j names a chunk of documents by its first and last one.
    log = parse_log(
        "updating environment: [config changed ('rst_epilog')] 0 added, 14 changed, 0 removed\n"
        "reading sources... [ 50%] index .. p10\n"
        "reading sources... [100%] p11\n"
        "preparing documents... done\n"
        "/p/src/p3.txt:4: WARNING: undefined label: 'missing3' [ref.ref]\n"
        "writing output... [ 50%] p1 .. p12\n"
        "writing output... [100%] p3\n"
    )
    assert log.processed == Processed(seen=True, read={"index", "p10", "p11"},
                                      written={"p1", "p12", "p3"}, read_all=True)
    assert log.phases == ["write"]


def test_parse_log_builders_that_write_everything() -> None:
    # latex and texinfo list the documents they assemble; man closes its list with "} ",
    # which a message may follow on the same line.
    latex = parse_log(
        "building [latex]: all documents\n"
        "updating environment: 0 added, 1 changed, 0 removed\n"
        "reading sources... [100%] b\n"
        "preparing documents... done\n"
        "processing b.tex... \n"
        "index\n"
        " a\n"
        " b\n"
        "\n"
        "resolving references...\n"
        "/p/src/a.txt:4: WARNING: undefined label: 'x' [ref.ref]\n"
        "processing b.tex: done\n"
        "writing... done\n"
        "build succeeded, 1 warning.\n"
        "\n"
        "The LaTeX files are in out.\n"
        "Run 'make' in that directory to run these through (pdf)latex\n"
        "(use `make latexpdf' here to do that automatically).\n"
    )
    assert latex.processed.written_all
    assert latex.messages == [Message("/p/src/a.txt", 4, "WARNING",
                                      "undefined label: 'x' [ref.ref]")]
    man = parse_log(
        "Running Sphinx v9.0.4\n"
        "building [man]: all manpages\n"
        "writing... b.1 { \n"
        " a\n"
        "} /p/src/a.txt:4: WARNING: undefined label: 'x' [ref.ref]\n"
        "done\n"
    )
    assert man.messages == latex.messages
    assert man.processed.written_all and not man.processed.seen


def test_quiet_output_tells_nothing_about_processed_documents() -> None:
    log = parse_log(OUTPUT)
    assert log.processed == Processed()
    assert set(log.phases) == {"setup"}


def test_a_crash_report_keeps_its_status_lines() -> None:
    crash = ("Running Sphinx v9.0.4\n"
             "reading sources... [100%] index\n"
             "\n"
             "Extension error!\n"
             "\n"
             "Last Messages\n"
             "=============\n"
             "\n"
             "reading sources... [100%] index\n"
             "done\n"
             "\n"
             "The full traceback has been saved in:\n")
    [message] = parse_output(crash)
    assert message.level == "ERROR"
    assert message.text.splitlines()[0] == "Extension error!"
    assert message.text.splitlines()[-1] == "The full traceback has been saved in:"


def test_count_levels_counts_a_repeated_message_once() -> None:
    twice = OUTPUT + OUTPUT.splitlines(keepends=True)[0]
    assert len(parse_output(twice)) == 6
    assert count_levels(parse_output(twice)) == (3, 2)
