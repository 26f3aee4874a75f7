from __future__ import annotations

import pickle
import subprocess
from pathlib import Path

import pytest

from giza.config import discover, load
from giza.errors import ConfigError

MINIMAL = {"config/build_conf.yaml": "project:\n  name: demo\n", "source/index.txt": "Hi\n"}


def test_defaults_and_paths(project):
    root = project(MINIMAL)
    config = load()
    assert config.project.name == "demo"
    assert config.project.tag == "demo"
    assert config.project.title == "demo"
    assert config.paths.source == root / "source"
    assert config.paths.includes == root / "source" / "includes"
    assert config.paths.output == root / "build"
    assert config.paths.locale == root / "locale"
    assert config.git.branch == "main"
    assert config.git.branch_source == "default"
    assert config.branch_dir == root / "build" / "main"
    assert config.warnings == ()


def test_discovered_from_a_subdirectory(project):
    root = project(MINIMAL)
    (root / "source" / "deep").mkdir()
    assert discover(root / "source" / "deep") == root / "config" / "build_conf.yaml"


def test_no_config_anywhere(tmp_path):
    with pytest.raises(ConfigError) as err:
        discover(tmp_path)
    assert str(err.value) == (
        f"no config/build_conf.yaml in {tmp_path} or any parent directory; run "
        "'giza quickstart DIR' to create a project, or pass --conf PATH")


def test_explicit_conf_missing(project):
    project(MINIMAL)
    with pytest.raises(ConfigError) as err:
        load("nope.yaml")
    assert str(err.value) == "nope.yaml: --conf names no such file"


def test_version_numbers_become_text(project):
    project({"config/build_conf.yaml": "project: {name: d}\nversion: {release: 3.0, branch: 3}\n"})
    config = load()
    assert (config.version.release, config.version.branch) == ("3.0", "3")
    assert config.git.branch == "3"
    assert config.git.branch_source == "version.branch"


def test_git_branch_wins(project):
    root = project(MINIMAL)
    subprocess.run(["git", "init", "-q", "-b", "feature"], cwd=root, check=True)
    config = load()
    assert (config.git.branch, config.git.branch_source) == ("feature", "git")


def test_detached_head_falls_back(project):
    root = project({**MINIMAL, "config/build_conf.yaml":
                    "project: {name: d}\nversion: {branch: v2.0}\n"})
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@e"]
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    subprocess.run([*git, "add", "."], cwd=root, check=True)
    subprocess.run([*git, "commit", "-qm", "x"], cwd=root, check=True)
    subprocess.run(["git", "checkout", "-q", "--detach"], cwd=root, check=True)
    config = load()
    assert config.git.branch == "v2.0"
    assert config.git.commit and len(config.git.commit) == 40


def test_yaml_syntax_error(project):
    project({"config/build_conf.yaml": "project:\n  name: [demo\n"})
    with pytest.raises(ConfigError) as err:
        load()
    assert str(err.value).startswith("config/build_conf.yaml:3: YAML syntax error: ")
    assert err.value.exit_code == 2


def test_unknown_key_warns(project):
    project({"config/build_conf.yaml": "project:\n  name: d\n  colour: red\n"})
    config = load()
    assert config.warnings == (
        "config/build_conf.yaml:3: project.colour: unknown key; valid keys: basepath, "
        "branched, editions, error_prefix, name, siteroot, tag, title, url",)


def test_historic_keys_are_accepted_quietly(project):
    """Keys of build_conf.yaml files written for the original giza that mean nothing now."""
    project({"config/build_conf.yaml": """
        git:
          repo: 'mongodb/docs-ruby'
          remote: {upstream: mongodb/docs-ruby}
        project: {name: d, error_prefix: x}
        system:
          runstate: {serial_sphinx: publish}
          tools: {pinned: false, ref: HEAD}
          make: {generated: [sphinx], static: [makefile.clean]}
        paths: {tools: bin, buildsystem: build/docs-tools, projectroot: .}
        """})
    assert load(strict=True).warnings == ()


def test_unknown_key_is_an_error_when_strict(project):
    project({"config/build_conf.yaml": "project:\n  name: d\nbogus: 1\n"})
    with pytest.raises(ConfigError) as err:
        load(strict=True)
    assert str(err.value) == (
        "config/build_conf.yaml:3: bogus: unknown key; valid keys: assets, git, paths, "
        "project, system, timeouts, version\n(--strict makes warnings errors)")


@pytest.mark.parametrize(("text", "message"), [
    ("project:\n  name: d\n  branched: sometimes\n",
     "config/build_conf.yaml:3: project.branched: must be true or false, not a string"),
    ("project:\n  name: d\npaths:\n  ignore: {a: 1}\n",
     "config/build_conf.yaml:4: paths.ignore: must be a list of strings, not a mapping"),
    ("project:\n  name: d\n  editions:\n    - name: a\n    - tag: b\n",
     "config/build_conf.yaml:5: project.editions[1].name: required key is missing"),
    ("project: [d]\n",
     "config/build_conf.yaml:1: project: must be a mapping, not a list"),
    ("version: {release: 1}\n",
     "config/build_conf.yaml:1: project.name: required key is missing"),
    ("project:\n  name: d\n  editions:\n    - name: a\n    - name: a\n",
     "config/build_conf.yaml:5: project.editions[1].name: 'a' is already used by editions[0]"),
    ("project:\n  name: d\n  editions:\n    - name: a-b\n",
     "config/build_conf.yaml:4: project.editions[0].name: 'a-b' must not contain '-' "
     "(make targets split on it)"),
    ("", "config/build_conf.yaml:1: the file is empty; it needs at least 'project: {name: ...}'"),
    ("project:\n  name: d\nsystem:\n  files:\n    - 3\n",
     "config/build_conf.yaml:5: system.files[0]: must be a file name or a one-key mapping "
     "{name: file or [files]}, not an integer"),
])
def test_type_errors_name_file_line_and_key(project, text, message):
    project({"config/build_conf.yaml": text})
    with pytest.raises(ConfigError) as err:
        load()
    assert str(err.value) == message


def test_editions_inherit_project_fields(project):
    project({"config/build_conf.yaml": """
        project:
          name: manual
          url: https://docs.example.org/
          branched: true
          editions:
            - {name: saas, tag: cloud, branched: false}
            - {name: onprem}
        """})
    config = load()
    saas, onprem = config.project.editions
    assert (saas.tag, saas.url, saas.branched) == ("cloud", "https://docs.example.org", False)
    assert (onprem.tag, onprem.branched) == ("onprem", True)


def test_side_files(project):
    root = project({
        "config/build_conf.yaml": """
            project: {name: d}
            system:
              files:
                - push.yaml
                - images: /source/images/metadata.yaml
                - htaccess: [htaccess-a.yaml, htaccess-b.yaml]
                - missing.yaml
            """,
        "config/push.yaml": "target: a\n---\ntarget: b\n",
        "source/images/metadata.yaml": "name: logo\n",
        "config/htaccess-a.yaml": "from: /a\nto: /b\n",
        "config/htaccess-b.yaml": "from: /c\nto: /d\n---\nfrom: /e\nto: /f\n",
    })
    config = load()
    assert config.side("push").data == [{"target": "a"}, {"target": "b"}]
    assert config.side("images").data == {"name": "logo"}
    assert config.side("images").paths == (root / "source/images/metadata.yaml",)
    assert [d["from"] for d in config.side_documents("htaccess")] == ["/a", "/c", "/e"]
    assert config.side("htaccess").origins[2] == (root / "config/htaccess-b.yaml", 4)
    assert config.side("missing").documents == ()
    assert config.warnings == (
        "config/build_conf.yaml:7: side file 'missing' not found: config/missing.yaml",)


def test_config_is_immutable_and_picklable(project):
    project(MINIMAL)
    config = load()
    with pytest.raises(AttributeError):
        config.project.name = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        config.raw["project"] = {}  # type: ignore[index]
    assert pickle.loads(pickle.dumps(config)) == config


def test_conf_option_accepts_a_directory(project, tmp_path: Path):
    root = project(MINIMAL)
    assert load(str(root)).conf_file == root / "config" / "build_conf.yaml"
