"""Which assets a build reads: a failed clone of one nothing reads only warns. Real git
clones of "remote" repositories, mirrored locally with git's url.<base>.insteadOf."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from helpers import write_tree

BASE = "git.example.org/docs/"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                           *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


def repository(path: Path, files: dict[str, str]) -> Path:
    path.mkdir(parents=True)
    git("init", "--quiet", "--initial-branch", "main", cwd=path)
    write_tree(path, files)
    git("add", ".", cwd=path)
    git("commit", "--quiet", "-m", "first", cwd=path)
    return path


@pytest.fixture
def mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Local mirrors of https://git.example.org/docs/<name> and http://... (the real
    repositories use both): a git config of their own, so the user's is left alone."""
    mirrors = tmp_path / "mirror"
    repository(mirrors / "docs-tools.git", {
        "sphinxext/hello.py": """
            from docutils import nodes


            def setup(app):
                app.add_role("greeting", lambda *a, **k: ([nodes.Text("Hello")], []))
                return {"parallel_read_safe": True}
            """,
    })
    repository(mirrors / "theme.git", {"theme.txt": "theme\n"})
    config = tmp_path / "gitconfig"
    config.write_text(f'[url "{mirrors}/"]\n'
                      f"\tinsteadOf = https://{BASE}\n"
                      f"\tinsteadOf = http://{BASE}\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return mirrors


CONF_PY = """
import os, sys
sys.path.append(os.path.join(os.path.dirname(__file__), "build/docs-tools/sphinxext"))
extensions = ["hello"]
source_suffix = {".txt": "restructuredtext"}
"""


def conf(*assets: str, extra: str = "") -> str:
    lines = ["project: {name: p}", *extra.splitlines(), "assets:"]
    lines += [f"  - {{path: {path}, repository: '{url}'}}"
              for path, url in (a.split(" ") for a in assets)]
    return "\n".join(lines) + "\n"


def test_assets_over_https_and_http_clone_from_the_local_mirror(mirror, project, giza):
    root = project({
        "config/build_conf.yaml": conf(f"build/docs-tools https://{BASE}docs-tools.git",
                                       f"build/theme http://{BASE}theme.git"),
        "conf.py": CONF_PY,
        "source/index.txt": "T\n=\n\n:greeting:`x`\n",
    })
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[:2] == [
        f"giza: note: assets: cloned https://{BASE}docs-tools.git into build/docs-tools",
        f"giza: note: assets: cloned http://{BASE}theme.git into build/theme"]
    assert "Hello" in (root / "build/main/html/index.html").read_text()
    assert (root / "build/theme/theme.txt").read_text() == "theme\n"
    # the checkout keeps the real URL; only git's config maps it to the mirror
    assert git("config", "--get", "remote.origin.url", cwd=root / "build/theme") == \
        f"http://{BASE}theme.git"


def test_a_failed_clone_that_nothing_reads_warns_and_the_build_goes_on(mirror, project, giza):
    root = project({
        "config/build_conf.yaml": conf(f"build/docs-tools https://{BASE}docs-tools.git",
                                       f"build/archive http://{BASE}archive.git"),
        "conf.py": CONF_PY,
        "source/index.txt": "T\n=\n\n:greeting:`x`\n",
    })
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[1] == (
        f"giza: warning: config/build_conf.yaml:4: assets: could not clone "
        f"http://{BASE}archive.git into build/archive: fatal: '{mirror}/archive.git' does "
        f"not appear to be a git repository; nothing in this build reads it, so the build "
        f"goes on")
    assert "Hello" in (root / "build/main/html/index.html").read_text()
    assert not (root / "build/archive").exists()


MISSING = f"https://{BASE}missing.git"


@pytest.mark.parametrize(("path", "files", "extra", "reason"), [
    ("build/docs-tools", {"conf.py": CONF_PY}, "", "conf.py names build/docs-tools"),
    ("build/docs-tools",
     {"conf.py": "import os\nthemes = os.path.join('build', 'docs-tools', 'themes')\n"}, "",
     "conf.py names build/docs-tools"),
    ("build/tools",
     {"conf.py": "from giza.config.helper import fetch_config\n"
                 "path = fetch_config(None).paths.buildsystem\n"},
     "paths: {buildsystem: build/tools}",
     "conf.py reads paths.buildsystem, which is build/tools"),
    ("build/manual",
     {"config/migrations.yaml": "source_dir: manual\nsource: source/install.txt\n"},
     "system: {files: [migrations.yaml]}",
     "the migration at config/migrations.yaml:1 copies build/manual/source/install.txt"),
    ("source/shared", {}, "", "it is inside source/"),
])
def test_a_failed_clone_the_build_reads_fails_it(mirror, project, giza, path, files, extra,
                                                 reason):
    root = project({"config/build_conf.yaml": conf(f"{path} {MISSING}", extra=extra),
                    "source/index.txt": "T\n=\n", **files})
    result = giza("--executor", "serial", "sphinx", "-b", "html")
    line = 3 + len(extra.splitlines())
    assert (result.code, result.out) == (1, "")
    assert result.err == (
        f"giza: error: config/build_conf.yaml:{line}: assets: cannot clone {MISSING} into "
        f"{path}: fatal: '{mirror}/missing.git' does not appear to be a git repository (ran: "
        f"git clone --quiet -- {MISSING} {path}); this build reads it: {reason}\n")
    assert not (root / "build/main/html").exists()


def test_debug_level_shows_gits_whole_output_below_the_message(mirror, project, giza):
    project({
        "config/build_conf.yaml": conf(f"build/archive http://{BASE}archive.git"),
        "source/index.txt": "T\n=\n",
    })
    result = giza("--executor", "serial", "--level", "debug", "sphinx", "-b", "html")
    assert result.code == 0, result.out + result.err
    lines = result.out.splitlines()
    start = lines.index(
        f"giza: warning: config/build_conf.yaml:3: assets: could not clone "
        f"http://{BASE}archive.git into build/archive: fatal: '{mirror}/archive.git' does "
        f"not appear to be a git repository; nothing in this build reads it, so the build "
        f"goes on")
    assert lines[start + 1:start + 5] == [
        f"    fatal: '{mirror}/archive.git' does not appear to be a git repository",
        "    fatal: Could not read from remote repository.",
        "    Please make sure you have the correct access rights",
        "    and the repository exists."]
    # the build reads it: the reason comes before git's output
    Path("conf.py").write_text("extensions = []\nhtml_theme_path = ['build/archive']\n")
    failed = giza("--executor", "serial", "sphinx", "-b", "html", "--level", "debug")
    assert failed.code == 1
    first, *rest = failed.err.splitlines()
    assert first.endswith(f"(ran: git clone --quiet -- http://{BASE}archive.git "
                          f"build/archive); this build reads it: conf.py names build/archive")
    assert rest[-1] == "    and the repository exists."
