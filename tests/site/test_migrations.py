import os
from pathlib import Path

import pytest

from giza.errors import ConfigError
from giza.site.migrations import apply_migrations

PAGE = """\
title
=====

.. start-here

Run mongod now.
Then mongod again.

.. end-here

footer
"""


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "source" / "tutorial").mkdir(parents=True)
    (root / "config").mkdir()
    (tmp_path / "manual" / "source" / "tutorial").mkdir(parents=True)
    (tmp_path / "manual" / "source" / "tutorial" / "install.txt").write_text(PAGE)
    (root / "source" / "tutorial" / "local.txt").write_text("local\n")
    proxy = root / "build" / "main" / "source"
    proxy.mkdir(parents=True)
    return root, proxy


def write(root: Path, text: str) -> Path:
    path = root / "config" / "migrations.yaml"
    path.write_text(text)
    return path


def test_copy_truncate_transform_append(project):
    root, proxy = project
    path = write(root, """\
source: tutorial/install.txt
source_dir: ../manual/source
truncate: {start-after: '.. start-here', end-before: '.. end-here'}
transform:
  - {regex: 'mongod\\b', replace: 'mongos'}
  - {regex: '^(Then)', replace: '\\1,'}
append: See also the manual.
""")
    done = apply_migrations(path, root, proxy, None)
    target = proxy / "tutorial" / "install.txt"
    assert done.written == done.targets == [target.resolve()]
    assert target.read_text() == "\nRun mongos now.\nThen, mongos again.\n\nSee also the manual.\n"
    assert not (root / "source" / "tutorial" / "install.txt").exists()  # never into source/
    os.utime(target, (1_000_000, 1_000_000))
    again = apply_migrations(path, root, proxy, None)
    assert again.written == [] and again.targets == [target.resolve()]
    assert target.stat().st_mtime == 1_000_000


def test_line_numbers_sources_target_dir_and_root(project):
    root, proxy = project
    path = write(root, """\
source: source/tutorial/local.txt
target: '{root}/source/moved/local.txt'
---
sources: [tutorial/install.txt, source/tutorial/local.txt]
source_dir: ../manual/source
target: gathered
---
source: tutorial/install.txt
source_dir: ../manual/source
target: /cut.txt
truncate: {start-after: 5, end-before: 7}
---
source: source/tutorial/local.txt
target: skipped.txt
edition: saas
---
source: source/tutorial/local.txt
edition: [hosted]
""")
    written = apply_migrations(path, root, proxy, "hosted").written
    assert [p.relative_to(proxy.resolve()).as_posix() for p in written] == [
        "moved/local.txt", "gathered/install.txt", "gathered/local.txt", "cut.txt",
        "tutorial/local.txt"]
    assert (proxy / "cut.txt").read_text() == "Run mongod now.\n"
    assert (proxy / "gathered" / "local.txt").read_text() == "local\n"
    assert not (proxy / "skipped.txt").exists()


def test_historic_shapes(project):
    """One ``{regex, replace}`` without a list, and ``sources`` named with a leading '/'
    under a ``source_dir`` that lives in build/ (a checked-out asset), as older
    projects wrote them."""
    root, proxy = project
    (root / "build" / "docs-other" / "source" / "images").mkdir(parents=True)
    (root / "build" / "docs-other" / "source" / "images" / "a.rst").write_text("A\n")
    path = write(root, """\
source: tutorial/install.txt
source_dir: ../manual/source
transform:
  regex: 'mongod\\b'
  replace: 'mongos'
truncate:
   start-after: 5
   end-before: 7
---
source_dir: docs-other/source
sources:
  - /images/a.rst
""")
    written = apply_migrations(path, root, proxy, None).written
    assert [p.relative_to(proxy.resolve()).as_posix() for p in written] == [
        "tutorial/install.txt", "images/a.rst"]
    assert (proxy / "tutorial" / "install.txt").read_text() == "Run mongos now.\n"
    assert (proxy / "images" / "a.rst").read_text() == "A\n"


@pytest.mark.parametrize(("text", "message"), [
    ("target: x.txt\n", "1: source: required key is missing (or give 'sources')"),
    ("source: nope.txt\n", "1: source: cannot find 'nope.txt'; looked in "),
    ("sources: a.txt\n", "1: sources: must be a list of file names, not 'a.txt'"),
    ("source: source/tutorial/local.txt\ntarget: ../../escape.txt\n",
     "2: target: '../../escape.txt' leaves the source tree"),
    ("source: source/tutorial/local.txt\ntarget: '{root}/config/x.txt'\n",
     "2: target: '{root}/config/x.txt' is not inside "),
    ("source: source/tutorial/local.txt\ntruncate: {start-after: 'zzz'}\n",
     "2: truncate.start-after: marker 'zzz' not found in "),
    ("source: source/tutorial/local.txt\ntruncate: {end-before: 9}\n",
     "2: truncate.end-before: line 9 is outside "),
    ("source: source/tutorial/local.txt\ntruncate: {middle: 1}\n",
     "2: truncate: must be a mapping with 'start-after' and/or 'end-before', not "),
    ("source: source/tutorial/local.txt\ntransform:\n  - {regex: '(', replace: x}\n",
     "3: transform[0].regex: invalid regular expression '(': missing ), unterminated "
     "subpattern at position 0"),
    ("source: source/tutorial/local.txt\ntransform: a\n",
     "2: transform: must be a list of {regex, replace}, not 'a'"),
    ("source: source/tutorial/local.txt\nappend: [x]\n", "2: append: must be text, not ['x']"),
    ("- a\n", "1: must be a mapping with 'source', not a list"),
])
def test_errors_name_file_and_line(project, text, message):
    root, proxy = project
    path = write(root, text)
    with pytest.raises(ConfigError) as exc:
        apply_migrations(path, root, proxy, None)
    assert str(exc.value).startswith(f"{path}:{message}")


def test_binary_copy_without_edits(project):
    root, proxy = project
    (root / "source" / "logo.bin").write_bytes(b"\x00\xff\x10")
    path = write(root, "source: source/logo.bin\ntarget: static/logo.bin\n")
    apply_migrations(path, root, proxy, None)
    assert (proxy / "static" / "logo.bin").read_bytes() == b"\x00\xff\x10"


def test_every_missing_source_is_reported_in_one_run(project):
    root, proxy = project
    migrations = write(root, "source: gone-a.txt\ntarget: a.txt\n---\nsource: gone-b.txt\n"
                             "target: b.txt\n")
    with pytest.raises(ConfigError) as exc:
        apply_migrations(migrations, root, proxy, None)
    lines = str(exc.value).splitlines()
    assert [line.split(": cannot find ")[0] for line in lines] == [
        f"{migrations}:1: source", f"{migrations}:4: source"]
def test_messages_name_paths_relative_to_the_project(project):
    from giza.errors import relative_to

    root, proxy = project
    path = write(root, "source: source/tutorial/local.txt\ntruncate: {end-before: 9}\n"
                       "---\nsource: nope.txt\n")
    with relative_to(root), pytest.raises(ConfigError) as exc:
        apply_migrations(path, root, proxy, None)
    assert str(exc.value).splitlines()[0] == ("config/migrations.yaml:2: truncate.end-before: "
                                              "line 9 is outside source/tutorial/local.txt "
                                              "(1 lines)")
    write(root, "source: nope.txt\n")
    with relative_to(root), pytest.raises(ConfigError) as exc:
        apply_migrations(path, root, proxy, None)
    parent = root.parent
    assert str(exc.value) == (f"config/migrations.yaml:1: source: cannot find 'nope.txt'; "
                              f"looked in ., {parent}, {parent / 'source'}, source, build")
