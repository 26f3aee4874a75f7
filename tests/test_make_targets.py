from __future__ import annotations

import pytest

from giza.config import load
from giza.errors import UsageError
from giza.make_targets import describe, parse

CONF = {
    "config/build_conf.yaml": """
        project:
          name: d
          editions: [{name: saas}, {name: onprem}]
        system:
          files: [integration.yaml]
        """,
    "config/integration.yaml": "base: {targets: [dirhtml, json]}\nfr: {inherit: base}\n",
}
PUSH = ["push", "stage", "push-saas", "production", "push-with-delete"]


@pytest.mark.parametrize(("targets", "expected"), [
    (["html"], ["giza sphinx -b html"]),
    (["html-saas"], ["giza sphinx -b html -e saas"]),
    (["html-saas-fr", "dirhtml"], ["giza sphinx -b html dirhtml -e saas -l fr"]),
    (["html-dirhtml"], ["giza sphinx -b html dirhtml"]),
    (["publish"], ["giza sphinx -b publish"]),
    (["publish-onprem"], ["giza sphinx -b publish -e onprem"]),
    (["push"], ["giza push -t push -b publish"]),
    (["push-saas"], ["giza push -t push-saas -b publish -e saas"]),
    (["push-onprem"], ["giza push -t push -b publish -e onprem"]),
    (["push-deploy"], ["giza deploy -t push"]),
    (["stage-deploy"], ["giza deploy -t stage"]),
    (["production"], ["giza push -t production -b publish"]),
    (["clean", "html"], ["giza clean", "giza sphinx -b html"]),
    # a push target whose name has dashes: its words are not options
    (["push-with-delete"], ["giza push -t push-with-delete -b publish"]),
    (["push-with-delete-deploy"], ["giza deploy -t push-with-delete"]),
    (["push-with-delete-onprem"], ["giza push -t push-with-delete -b publish -e onprem"]),
    (["slides-saas"], ["giza sphinx -b slides -e saas"]),
])
def test_targets(project, targets, expected):
    project(CONF)
    assert describe(parse(load(), targets, PUSH)) == expected


@pytest.mark.parametrize(("targets", "message"), [
    (["htlm"], "make target 'htlm' is not defined: 'htlm' is not a builder or action "
               "(did you mean 'html'?); valid targets start with one of: "),
    (["html-cloud"], "make target 'html-cloud': unknown option 'cloud'; valid options are "
                     "editions: saas, onprem; languages: fr; or another builder"),
    (["clean-all"], "make target 'clean-all': 'clean' takes no options"),
    (["push-nowhere"], "make target 'push-nowhere': unknown option 'nowhere'; valid: push "
                       "targets (push, stage, push-saas, production, push-with-delete), "
                       "editions (saas, onprem), languages (fr), 'deploy'"),
])
def test_bad_targets(project, targets, message):
    project(CONF)
    with pytest.raises(UsageError) as err:
        parse(load(), targets, PUSH)
    assert str(err.value).startswith(message)


def test_push_without_push_targets(project):
    project(CONF)
    with pytest.raises(UsageError) as err:
        parse(load(), ["push"], [])
    assert str(err.value) == ("make target 'push': no push target matches; push targets in "
                              "config/push.yaml: (none)")


def test_make_command_prints_native_command(copy_project, giza):
    root = copy_project("basic")
    result = giza("--executor", "serial", "make", "html")
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[0] == "giza make: giza sphinx -b html"
    assert (root / "build/2.1/html/index.html").is_file()


def test_make_unknown_target_exit_2(copy_project, giza):
    copy_project("basic")
    result = giza("make", "nonsense")
    assert result.code == 2
    assert result.err.startswith("giza: error: make target 'nonsense' is not defined")
