"""Assets: real git clones from a local origin repository."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from giza.config import load
from giza.config.model import Asset
from giza.errors import BuildError, ConfigError, relative_to
from giza.options import Options, use
from giza.site.assets import STAMP, head, sync_asset

ORIGIN = "config/build_conf.yaml:7"


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                           *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    repo = tmp_path / "tools"
    repo.mkdir()
    git("init", "--quiet", "--initial-branch", "main", cwd=repo)
    (repo / "theme.txt").write_text("one\n")
    git("add", ".", cwd=repo)
    git("commit", "--quiet", "-m", "one", cwd=repo)
    return repo


def commit(repo: Path, text: str) -> str:
    (repo / "theme.txt").write_text(text)
    git("commit", "--quiet", "-am", text, cwd=repo)
    return git("rev-parse", "HEAD", cwd=repo)


def asset(origin: Path, path: Path, **kw: str) -> Asset:
    return Asset(path=path, repository=str(origin), branch=kw.get("branch"),
                 commit=kw.get("commit"), origin=ORIGIN)


def test_clone_then_daily_update(origin: Path, tmp_path: Path) -> None:
    path = tmp_path / "proj" / "build" / "docs-tools"
    a = asset(origin, path, branch="main")
    assert sync_asset(a) == [f"assets: cloned {origin} into {path}"]
    assert (path / "theme.txt").read_text() == "one\n"
    first = head(path)
    new = commit(origin, "two\n")
    assert sync_asset(a) == []  # refreshed less than a day ago: no network
    assert head(path) == first
    assert sync_asset(a, force=True) == [f"assets: updated {path}"]
    assert head(path) == new
    day_old = (path / ".git" / STAMP)
    os.utime(day_old, (day_old.stat().st_mtime - 86_401,) * 2)
    newer = commit(origin, "three\n")
    assert sync_asset(a) == [f"assets: updated {path}"]
    assert head(path) == newer


def test_pinned_commit(origin: Path, tmp_path: Path) -> None:
    first = git("rev-parse", "HEAD", cwd=origin)
    commit(origin, "two\n")
    path = tmp_path / "checkout"
    a = asset(origin, path, commit=first)
    sync_asset(a)
    assert head(path) == first and (path / "theme.txt").read_text() == "one\n"
    assert sync_asset(a) == []
    third = commit(origin, "three\n")  # not in the checkout yet: fetched
    assert sync_asset(asset(origin, path, commit=third)) == [f"assets: {path} now at {third}"]
    assert (path / "theme.txt").read_text() == "three\n"


def test_failed_clone_fails_the_build(tmp_path: Path) -> None:
    a = asset(tmp_path / "missing", tmp_path / "checkout")
    with pytest.raises(BuildError) as exc:
        sync_asset(a)
    message = str(exc.value)
    assert message.startswith(f"{ORIGIN}: assets: cannot clone {tmp_path / 'missing'} into "
                              f"{tmp_path / 'checkout'}: fatal: ")
    assert not (tmp_path / "checkout").exists()


def test_failed_update_warns_and_keeps_the_checkout(origin: Path, tmp_path: Path) -> None:
    path = tmp_path / "checkout"
    sync_asset(asset(origin, path))
    (path / ".git" / STAMP).unlink(missing_ok=True)
    shutil.rmtree(origin)
    notes = sync_asset(asset(origin, path))
    assert len(notes) == 1
    assert notes[0].startswith(f"warning: assets: could not update {path} from {origin}: ")
    assert notes[0].endswith("; building with the checkout as it is")
    assert (path / "theme.txt").read_text() == "one\n"


def test_a_directory_that_is_not_a_checkout_is_refused(origin: Path, tmp_path: Path) -> None:
    path = tmp_path / "checkout"
    path.mkdir()
    with pytest.raises(ConfigError) as exc:
        sync_asset(asset(origin, path))
    assert str(exc.value) == (f"{ORIGIN}: assets: {path} exists but is not a git checkout; "
                              f"remove it so giza can clone {origin}")


def test_assets_config_is_validated(project) -> None:
    project({"config/build_conf.yaml": """
        project: {name: p}
        assets:
          - {path: build/docs-tools, repository: ../tools, branch: main}
          - {path: /etc, repository: x}
        """})
    with pytest.raises(ConfigError) as exc:
        load()
    assert str(exc.value) == ("config/build_conf.yaml:4: assets[1].path: must be a directory "
                              "inside the project, e.g. build/docs-tools, not '/etc'")


def test_assets_config_loads(project) -> None:
    root = project({"config/build_conf.yaml": """
        project: {name: p}
        assets:
          - path: build/docs-tools
            repository: ../tools
            generate: [api]
        """})
    (found,) = load().assets
    assert found == Asset(path=root / "build" / "docs-tools",
                          repository=str(root.parent / "tools"),
                          branch=None, commit=None, origin="config/build_conf.yaml:3",
                          generate=("api",))
    assert os.path.basename(found.path) == "docs-tools"


EXTENSION = '''
from docutils import nodes


def setup(app):
    app.add_role("greeting", lambda *args, **kw: ([nodes.Text("{text}")], []))
    return {{"parallel_read_safe": True}}
'''


def test_a_build_clones_the_asset_conf_py_loads(origin: Path, project, giza) -> None:
    ext = origin / "sphinxext" / "hello.py"
    ext.parent.mkdir()
    ext.write_text(EXTENSION.format(text="Hello from the asset"))
    git("add", ".", cwd=origin)
    git("commit", "--quiet", "-m", "extension", cwd=origin)
    root = project({
        "config/build_conf.yaml": f"""
            project: {{name: p}}
            assets:
              - {{path: build/docs-tools, repository: {origin}, branch: main}}
            """,
        "conf.py": """
            import os, sys
            sys.path.append(os.path.join(os.path.dirname(__file__), "build/docs-tools/sphinxext"))
            extensions = ["hello"]
            source_suffix = {".txt": "restructuredtext"}
            """,
        "source/index.txt": "T\n=\n\n:greeting:`x`\n",
    })
    first = giza("--executor", "serial", "sphinx", "-b", "html")
    assert first.code == 0, first.out + first.err
    assert first.out.splitlines()[0] == \
        f"giza: note: assets: cloned {origin} into build/docs-tools"
    page = root / "build/main/html/index.html"
    assert "Hello from the asset" in page.read_text()
    ext.write_text(EXTENSION.format(text="Hello again"))
    git("commit", "--quiet", "-am", "new greeting", cwd=origin)
    # Refreshed less than a day ago: no update, and nothing to rebuild.
    assert giza("--executor", "serial", "sphinx", "-b", "html").out.splitlines()[0] == \
        "html: up to date"
    # Once the daily refresh is due, the new commit rebuilds the variant.
    stamp = root / "build/docs-tools/.git" / STAMP
    os.utime(stamp, (stamp.stat().st_mtime - 86_401,) * 2)
    third = giza("--executor", "serial", "sphinx", "-b", "html")
    assert third.out.splitlines()[:2] == ["giza: note: assets: updated build/docs-tools",
                                          "html: building: config changed: assets"]
    assert "Hello again" in page.read_text()


# --- git's real error -----------------------------------------------------------------------


def test_a_failed_clone_shows_gits_first_error_and_the_command(origin: Path,
                                                               tmp_path: Path) -> None:
    # A dangling symlink: the path "does not exist", yet git cannot create it.
    (tmp_path / "checkout").symlink_to(tmp_path / "nowhere")
    with relative_to(tmp_path), pytest.raises(BuildError) as exc:
        sync_asset(asset(origin, tmp_path / "checkout"))
    assert str(exc.value) == (
        f"{ORIGIN}: assets: cannot clone {origin} into checkout: fatal: could not create work "
        f"tree dir 'checkout': File exists (ran: git clone --quiet -- {origin} checkout)")
    assert (tmp_path / "checkout").is_symlink()  # not ours: left alone
    with relative_to(tmp_path), pytest.raises(BuildError) as exc:
        sync_asset(asset(tmp_path / "missing", tmp_path / "other"))
    assert str(exc.value) == (
        f"{ORIGIN}: assets: cannot clone {tmp_path}/missing into other: fatal: repository "
        f"'{tmp_path}/missing' does not exist (ran: git clone --quiet -- {tmp_path}/missing "
        f"other)")


def lfs_like(origin: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A data file whose required smudge filter fails, as git-lfs does when it is missing:
    git clones, then cannot check out, and ends with advice on retrying."""
    (origin / ".gitattributes").write_text("*.dat filter=fake\n")
    (origin / "data.dat").write_text("data\n")
    git("add", ".", cwd=origin)
    git("commit", "--quiet", "-m", "data", cwd=origin)
    config = tmp_path / "gitconfig"
    config.write_text('[filter "fake"]\n\tsmudge = false\n\trequired = true\n')
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(config))


def test_a_clone_whose_checkout_fails_says_why(origin: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    lfs_like(origin, tmp_path, monkeypatch)
    with relative_to(tmp_path), pytest.raises(BuildError) as exc:
        sync_asset(asset(origin, tmp_path / "build" / "dataset"))
    # not "and retry with 'git restore --source=HEAD :/'", git's last line
    assert str(exc.value) == (
        f"{ORIGIN}: assets: cannot clone {origin} into build/dataset: error: external filter "
        f"'false' failed 1 (ran: git clone --quiet -- {origin} build/dataset)")
    # the half-made checkout is gone, so the next build clones again instead of using it
    assert not (tmp_path / "build" / "dataset").exists()


def test_debug_level_keeps_gits_whole_output(origin: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    lfs_like(origin, tmp_path, monkeypatch)
    use(Options(level="debug"))
    try:
        with relative_to(tmp_path), pytest.raises(BuildError) as exc:
            sync_asset(asset(origin, tmp_path / "build" / "dataset"))
    finally:
        use(Options())
    first, *rest = str(exc.value).splitlines()
    assert first.endswith(f"(ran: git clone --quiet -- {origin} build/dataset)")
    assert rest == ["    error: external filter 'false' failed 1",
                    "    error: external filter 'false' failed",
                    "    fatal: data.dat: smudge filter fake failed",
                    "    warning: Clone succeeded, but checkout failed.",
                    "    You can inspect what was checked out with 'git status'",
                    "    and retry with 'git restore --source=HEAD :/'"]


def test_a_checkout_of_a_missing_commit_shows_gits_error(origin: Path,
                                                         tmp_path: Path) -> None:
    missing = "1234567890abcdef1234567890abcdef12345678"
    with relative_to(tmp_path), pytest.raises(BuildError) as exc:
        sync_asset(asset(origin, tmp_path / "checkout", commit=missing))
    assert str(exc.value) == (
        f"{ORIGIN}: assets: cannot check out {missing} in checkout: fatal: reference is not "
        f"a tree: {missing} (ran: git -C checkout checkout --quiet --detach {missing})")


def test_a_failed_update_shows_the_cause_not_the_advice(origin: Path, tmp_path: Path) -> None:
    path = tmp_path / "checkout"
    with relative_to(tmp_path):
        sync_asset(asset(origin, path))
        (path / ".git" / STAMP).unlink()
        shutil.rmtree(origin)
        notes = sync_asset(asset(origin, path))
    # not "and the repository exists.", git's last line
    assert notes == [f"warning: assets: could not update checkout from {origin}: fatal: "
                     f"'{origin}' does not appear to be a git repository (ran: git -C checkout "
                     f"pull --quiet --ff-only); building with the checkout as it is"]
