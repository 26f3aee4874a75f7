"""Which limits each task gets: command line, then build_conf.yaml timeouts, then defaults."""

from __future__ import annotations

from giza.graph import Task
from giza.limits import limits_for, timeout_key
from giza.options import Options
from giza.variants import Variant
from giza.watchdog import DEFAULT_STALL, Limits


def _tasks() -> dict[str, Task]:
    latex = Variant("latex")
    return {
        "sphinx:html": Task("sphinx:html", dict, {"variant": Variant("html")},
                            kind="sphinx"),
        "sphinx:latex": Task("sphinx:latex", dict, {"variant": latex}, kind="sphinx"),
        "post:latex": Task("post:latex", dict, {"variant": latex}, kind="post"),
        "deploy:prod:web": Task("deploy:prod:web", dict, {"argvs": []}, kind="deploy"),
    }


def test_timeout_keys() -> None:
    assert {name: timeout_key(task) for name, task in _tasks().items()} == {
        "sphinx:html": "sphinx", "sphinx:latex": "latex", "post:latex": "latex",
        "deploy:prod:web": "deploy"}


def test_defaults_config_and_command_line() -> None:
    tasks = _tasks()
    default = limits_for(Options(), None)
    assert default(tasks["sphinx:html"]) == Limits(None, DEFAULT_STALL)
    timeouts = {"latex": 1800, "sphinx": 3600, "deploy": 600, "stall": 0}
    configured = limits_for(Options(), timeouts)
    assert [configured(task) for task in tasks.values()] == [
        Limits(3600, None), Limits(1800, None), Limits(1800, None), Limits(600, None)]
    given = limits_for(Options(task_timeout=5, stall_timeout=7), timeouts)
    assert given(tasks["sphinx:latex"]) == Limits(5, 7)
    # 0 on the command line: no limit, whatever the config says.
    assert limits_for(Options(task_timeout=0), timeouts)(tasks["sphinx:html"]) == \
        Limits(None, None)
