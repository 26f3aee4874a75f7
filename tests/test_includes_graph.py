import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from giza.errors import ContentError, UsageError
from giza.includes_graph import changed, dependents, graph, unused

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

FILES = {
    "index.txt": ".. include:: /includes/intro.rst\n\n.. toctree::\n\n   tutorial/install\n",
    "tutorial/install.txt": (
        "Install\n=======\n\n"
        ".. include:: ../includes/intro.rst\n"
        "   :start-after: x\n\n"
        ".. literalinclude:: /includes/code/example.py\n"
        "   :language: python\n\n"
        ".. include:: /includes/steps/install.rst\n"
        ".. include:: <isonum.txt>\n"
        "  .. include::   local-fragment.rst  \n"),
    "tutorial/local-fragment.rst": ".. include:: /includes/fact-nested.rst\n",
    "includes/intro.rst": "Intro\n",
    "includes/fact-nested.rst": "Nested\n",
    "includes/fact-unused.rst": "Nobody\n",
    "includes/code/example.py": "print('hi')\n",
    "includes/steps-install.yaml": (
        "ref: one\ntitle: One\ncontent: |\n  .. include:: /includes/fact-yaml.rst\n"
        "  .. include:: relative-in-yaml.rst\n"
        "---\nref: two\nsource: {file: steps-base.yaml, ref: base}\n"
        "---\nref: three\ninherit: {file: steps-install.yaml, ref: one}\n"),
    "includes/steps-base.yaml": "ref: base\ntitle: Base\n",
    "includes/fact-yaml.rst": "From YAML\n",
    "includes/notes.txt~": ".. include:: /includes/fact-unused.rst\n",
    ".hidden/x.txt": ".. include:: /includes/fact-unused.rst\n",
}


@pytest.fixture
def source(tmp_path):
    root = tmp_path / "source"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


EXPECTED = {
    "/includes/code/example.py": ["/tutorial/install.txt"],
    "/includes/fact-nested.rst": ["/tutorial/local-fragment.rst"],
    "/includes/fact-yaml.rst": ["/includes/steps-install.yaml"],
    "/includes/intro.rst": ["/index.txt", "/tutorial/install.txt"],
    "/includes/steps-base.yaml": ["/includes/steps-install.yaml"],
    "/includes/steps/install.rst": ["/tutorial/install.txt"],
    "/tutorial/local-fragment.rst": ["/tutorial/install.txt"],
}


def test_graph(source):
    result = graph(source)
    assert result == EXPECTED
    assert list(result) == sorted(result)
    assert json.loads(json.dumps(result)) == result


def test_graph_filter(source):
    assert graph(source, "includes/steps") == {
        "/includes/steps-base.yaml": ["/includes/steps-install.yaml"],
        "/includes/steps/install.rst": ["/tutorial/install.txt"]}
    assert graph(source, "/nothing") == {}


def test_dependents_are_transitive(source):
    result = graph(source)
    assert dependents(result, "/includes/fact-nested.rst") == [
        "/tutorial/install.txt", "/tutorial/local-fragment.rst"]
    assert dependents(result, "/index.txt") == []


def test_unused(source):
    assert unused(source) == ["/includes/fact-unused.rst"]
    assert unused(source / "tutorial") == []  # no includes/ directory


def test_bad_yaml_is_a_content_error(source):
    (source / "includes" / "steps-bad.yaml").write_text("source: {file: [\n")
    with pytest.raises(ContentError, match=r"steps-bad.yaml:2: YAML syntax error"):
        graph(source)


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@needs_git
def test_changed_in_a_real_repo(source):
    root = source.parent
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "start")
    assert changed(source, root) == []
    (source / "includes" / "intro.rst").write_text("Changed\n")
    (source / "includes" / "fact-nested.rst").unlink()
    (source / "includes" / "fact-unused.rst").write_text("changed but unused\n")
    (source / "includes" / "code" / "new.py").write_text("x = 1\n")
    (source / "tutorial" / "install.txt").write_text(
        FILES["tutorial/install.txt"] + ".. literalinclude:: /includes/code/new.py\n")
    # modified, untracked and deleted include targets; unused files are not reported
    expected = ["/includes/code/new.py", "/includes/fact-nested.rst", "/includes/intro.rst"]
    assert changed(source, root) == expected
    assert changed(source, source / "tutorial") == expected  # from a subdirectory too


@needs_git
def test_changed_outside_a_repo(tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path.parent))
    with pytest.raises(UsageError, match=r"^includes changed: git rev-parse in .*: fatal: not "
                                         "a git repository"):
        changed(tmp_path, tmp_path)
