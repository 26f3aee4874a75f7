from __future__ import annotations

import subprocess
import sys

import yaml

from giza import __version__

PROJECT = {
    "config/build_conf.yaml": """
        project:
          name: demo
          editions: [{name: saas, tag: cloud}]
        version: {release: 1.2.3, branch: "1.2"}
        """,
    "source/index.txt": "Title\n=====\n",
}


def test_config_prints_resolved_yaml(project, giza):
    root = project(PROJECT)
    result = giza("config")
    assert result.code == 0
    data = yaml.safe_load(result.out)
    assert data["project"]["name"] == "demo"
    assert data["project"]["editions"] == [
        {"name": "saas", "tag": "cloud", "url": "", "branched": False, "title": "demo"}]
    assert data["paths"]["source"] == str(root / "source")
    assert data["paths"]["branch_output"] == str(root / "build" / "1.2")
    assert data["git"] == {"branch": "1.2", "branch_from": "version.branch", "commit": None,
                           "remote": {}}


def test_config_key(project, giza):
    project(PROJECT)
    assert giza("config", "project.name").out == "demo\n"
    assert giza("config", "project.editions.0.tag").out == "cloud\n"
    assert giza("config", "version").out == "release: 1.2.3\nbranch: '1.2'\n"


def test_config_unknown_key(project, giza):
    project(PROJECT)
    result = giza("config", "project.nmae")
    assert result.code == 2
    assert result.err == ("giza: error: no config key 'project.nmae': 'nmae' is not under "
                          "project; valid keys there: basepath, branched, editions, name, "
                          "siteroot, tag, title, url\n")


def test_config_error_exit_code_and_message(project, giza):
    project({"config/build_conf.yaml": "project:\n  name: d\n  branched: maybe\n"})
    result = giza("config")
    assert result.code == 2
    assert result.err == ("giza: error: config/build_conf.yaml:3: project.branched: must be "
                          "true or false, not a string\n"
                          "giza: 1 problem (1 error, 0 warnings) in 1 file\n")


def test_every_config_problem_in_one_run(project, giza):
    project({"config/build_conf.yaml": "project:\n  name: d\n  branched: maybe\n  editions:\n"
                                       "    - {name: a-b}\nversion: 3\nbogus: 1\n",
             "config/sphinx.yaml": "html: [1]\nbuilders: [dirhtml]\n"})
    result = giza("config")
    assert result.code == 2
    assert result.err == (
        "giza: error: config/build_conf.yaml:3: project.branched: must be true or false, not "
        "a string\n"
        "giza: error: config/build_conf.yaml:5: project.editions[0].name: 'a-b' must not "
        "contain '-' (make targets split on it)\n"
        "giza: error: config/build_conf.yaml:6: version: must be a mapping, not an integer\n"
        "giza: warning: config/build_conf.yaml:7: bogus: unknown key; valid keys: assets, git, "
        "paths, project, system, timeouts, version\n"
        "giza: error: config/sphinx.yaml:1: html: must be a mapping, not a list\n"
        "giza: 5 problems (4 errors, 1 warning) in 2 files\n")


def test_unknown_key_warning_then_strict_error(project, giza):
    project({"config/build_conf.yaml": "project:\n  name: d\n  colour: red\n"})
    result = giza("config", "project.name")
    assert (result.code, result.out) == (0, "d\n")
    assert result.err == ("giza: warning: config/build_conf.yaml:3: project.colour: "
                          "unknown key; valid keys: basepath, branched, editions, "
                          "error_prefix, name, siteroot, tag, title, url\n")
    strict = giza("--strict", "config")
    assert strict.code == 2
    assert strict.err.startswith(
        "giza: error: config/build_conf.yaml:3: project.colour: unknown key")


def test_a_config_key_given_twice_warns(project, giza):
    project({"config/build_conf.yaml": "project: {name: d}\nsystem: {files: [sphinx.yaml]}\n",
             "config/sphinx.yaml": "html: {tags: [a]}\ndirhtml: {}\nhtml: {tags: [b]}\n"})
    result = giza("config", "project.name")
    assert (result.code, result.out) == (0, "d\n")
    assert result.err == ("giza: warning: config/sphinx.yaml:3: key 'html' is given twice "
                          "(first at line 1); only this later value is used\n")


def test_conf_option(project, giza, tmp_path):
    root = project(PROJECT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    import os
    os.chdir(elsewhere)
    assert giza("--conf", str(root / "config/build_conf.yaml"), "config", "project.name"
                ).out == "demo\n"


def test_unknown_builder_exit_2(project, giza):
    project(PROJECT)
    result = giza("sphinx", "-b", "htlm")
    assert result.code == 2
    assert result.err.startswith(
        "giza: error: unknown builder 'htlm' (did you mean 'html'?); valid builders: ")


def test_unknown_edition_exit_2(project, giza):
    project(PROJECT)
    result = giza("sphinx", "-b", "html", "-e", "cloud")
    assert result.code == 2
    assert result.err == "giza: error: unknown edition 'cloud'; valid editions: saas\n"


def test_usage_errors_exit_2(giza):
    assert giza("--jobs", "0", "config").code == 2
    assert giza("nosuchcommand").code == 2
    assert giza().code == 2


def test_version_and_module_entry_point():
    done = subprocess.run([sys.executable, "-m", "giza", "--version"], capture_output=True,
                          text=True, check=False)
    assert (done.returncode, done.stdout) == (0, f"giza {__version__}\n")


def test_help_says_what_flags_do(giza):
    text = "".join(giza(command, "--help").out
                   for command in ("sphinx", "push", "deploy", "make", "clean", "records"))
    assert "(default: -)" not in text
    assert not any(line.strip() in ("False", "True") for line in text.splitlines())
    assert "-d, --dry-run         print the task plan; build nothing" in text


def test_original_giza_spellings(project, giza):
    project(PROJECT)
    # the original's `giza sphinx --serial_sphinx`: one sphinx-build at a time
    result = giza("sphinx", "--serial_sphinx", "-b", "html", "--dry-run")
    assert result.code == 0, result.err
    # the original's `giza push --deploy TARGET`
    result = giza("deploy", "--deploy", "nowhere")
    assert result.code == 2
    assert result.err.startswith("giza: error: unknown push target 'nowhere'")


def test_global_options_work_after_the_command(copy_project, giza):
    copy_project("basic")
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    assert giza("sphinx", "-b", "html", "--explain").out == "html: skip: up to date\n"
    before = giza("--force", "sphinx", "-b", "html", "--explain")
    after = giza("sphinx", "-b", "html", "--force", "--explain")
    assert (after.code, after.out, after.err) == (before.code, before.out, before.err)
    assert after.out == "html: would rebuild: --force\n"
    # -j and --level too; -j is free in every command, so its short spelling moves
    plan = giza("sphinx", "-b", "html", "dirhtml", "--force", "-j", "4", "--dry-run")
    assert plan.out == giza("--force", "-j", "4", "sphinx", "-b", "html", "dirhtml",
                            "--dry-run").out
    assert "sphinx-build -b html -j 4 build/2.1/source" in plan.out
    quiet = giza("sphinx", "-b", "html", "--level", "warning", "--executor", "serial")
    assert quiet.code == 0 and quiet.out.startswith("\nvariant ")  # no progress lines


def test_f_after_the_command_is_the_commands_own_option(copy_project, giza):
    copy_project("basic")
    with open("source/index.txt", "a", encoding="utf-8") as handle:
        handle.write("\nSee :ref:`nowhere`.\n")
    # `giza sphinx -f` is --fail-on-warning, not --force; --force is spelled out there
    failed = giza("--executor", "serial", "sphinx", "-b", "html", "-f")
    assert failed.code == 1
    assert failed.out.endswith("giza: 1 warning and --fail-on-warning: failing the build\n")
    forced = giza("sphinx", "-b", "html", "--force", "--explain")
    assert forced.out == "html: would rebuild: --force\n"


def test_strict_and_conf_after_the_command(project, giza, tmp_path):
    root = project({"config/build_conf.yaml": "project:\n  name: d\n  colour: red\n"})
    strict = giza("config", "--strict")
    assert strict.code == 2
    assert strict.err.startswith(
        "giza: error: config/build_conf.yaml:3: project.colour: unknown key")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    import os
    os.chdir(elsewhere)
    found = giza("config", "project.name", "--conf", str(root / "config/build_conf.yaml"))
    assert (found.code, found.out) == (0, "d\n")


def test_every_command_lists_the_global_options(giza):
    from giza.commands import COMMANDS

    for command in COMMANDS:
        text = giza(command.__name__.replace("_", "-"), "--help").out
        assert "global options (also accepted before the command):" in text, command
        assert "  --jobs JOBS, -j JOBS  parallel jobs" in text
        assert "  --force               rebuild everything" in text


def test_a_bad_global_option_after_the_command_is_a_usage_error(giza, capsys):
    result = giza("config", "-j", "0")
    assert result.code == 2
    assert result.err.endswith("giza config: error: argument --jobs/-j: must be a whole "
                               "number >= 1, not '0'\n")


def test_config_messages_name_paths_relative_to_the_project(project, giza, tmp_path):
    root = project({"config/build_conf.yaml": "project:\n  name: d\n  colour: red\n",
                    "source/index.txt": "T\n=\n"})
    import os
    os.chdir(root / "source")
    result = giza("config", "project.name")
    assert result.err.startswith("giza: warning: config/build_conf.yaml:3: "
                                 "project.colour: unknown key")
    os.chdir(tmp_path)
    result = giza("--conf", str(root), "--strict", "config")
    assert result.err.startswith("giza: error: config/build_conf.yaml:3: "
                                 "project.colour: unknown key")
