"""giza push: real sphinx-build, real rsync into a local directory."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import write_tree

pytestmark = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")

PUSH = """
target: web
paths:
  local: 2.1/html
  remote: {site}
options: [recursive, delete]
hosts: [local]
"""


def setup(root: Path) -> Path:
    site = root.parent / "site"
    conf = root / "config/build_conf.yaml"
    conf.write_text(conf.read_text() + "system:\n  files: [push.yaml]\n")
    write_tree(root, {"config/push.yaml": PUSH.replace("{site}", str(site))})
    return site


def test_push_builds_then_deploys(copy_project, giza):
    root = copy_project("basic")
    site = setup(root)
    result = giza("--executor", "serial", "push", "-t", "web", "-b", "html")
    assert result.code == 0, result.out + result.err
    assert "Release 2.1.0." in (site / "index.html").read_text()
    assert f"deployed build/2.1/html/ -> {site}/" in result.out.splitlines()


def test_no_deploy_after_a_failed_build(copy_project, giza):
    root = copy_project("basic")
    site = setup(root)
    write_tree(site, {"index.html": "previous release\n"})
    (root / "conf.py").write_text("raise RuntimeError('broken conf')\n")
    result = giza("--executor", "serial", "push", "-t", "web", "-b", "html")
    assert result.code == 1
    assert "giza: not deploying: the build failed; nothing was deployed" in result.out
    assert sorted(p.name for p in site.iterdir()) == ["index.html"]
    assert (site / "index.html").read_text() == "previous release\n"


def test_unknown_target_fails_before_building(copy_project, giza):
    root = copy_project("basic")
    setup(root)
    result = giza("push", "-t", "prod", "-b", "html")
    assert result.code == 2
    assert result.err == "giza: error: unknown push target 'prod'; valid targets: web\n"
    assert not (root / "build").exists()


def test_deploy_dry_run_changes_nothing(copy_project, giza):
    root = copy_project("basic")
    site = setup(root)
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    result = giza("deploy", "-t", "web", "--dry-run")
    assert result.code == 0
    assert result.out == (f"would run: rsync -cqltz --exclude=.giza-site.json --recursive --delete "
                          f"{root}/build/2.1/html/ {site}/\n")
    assert not site.exists()


def test_make_push_deploy(copy_project, giza):
    root = copy_project("basic")
    site = setup(root)
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    result = giza("make", "push-deploy", "--dry-run")
    assert result.code == 2  # 'push' is not a target here: web is
    result = giza("make", "web-deploy")
    assert result.out.splitlines()[0] == "giza make: giza deploy -t web"
    assert result.code == 0, result.out + result.err
    assert (site / "index.html").is_file()


def test_make_build_target_ignores_deploy_only_problems(copy_project, giza):
    """A push target whose environment is missing from deploy.yaml (older projects read
    it from the docs-tools checkout) must not stop `make html`; deploying it still fails."""
    root = copy_project("basic")
    setup(root)
    write_tree(root, {"config/push.yaml": "target: push\npaths: {local: public, remote: "
                                          "/data/sites/docs}\nenv: publication\n"})
    result = giza("make", "html", "--dry-run")
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[0] == "giza make: giza sphinx -b html"
    result = giza("make", "push", "--dry-run")
    assert result.code == 2
    assert result.err == (
        "giza: error: config/push.yaml:3: document 1: env: names 'publication', but "
        "config/deploy.yaml does not exist; create it with 'production: {hosts: [...]}' "
        "('publication' is the historic name of 'production') or list 'hosts' here\n")


def test_staging_manifest_is_not_deployed(project, giza):
    root = project({
        "config/build_conf.yaml": "project: {name: s}\nsystem: {files: [integration.yaml, "
                                  "push.yaml]}\n",
        "config/integration.yaml": "base: {targets: [dirhtml]}\n",
        "source/index.txt": "Home\n====\n",
    })
    site = root.parent / "site"
    write_tree(root, {"config/push.yaml": f"target: web\npaths: {{local: public, remote: "
                                          f"{site}}}\nhosts: [local]\n"})
    result = giza("--executor", "serial", "push", "-t", "web")
    assert result.code == 0, result.out + result.err
    assert (root / "build/public/.giza-site.json").is_file()
    assert (site / "index.html").is_file()
    assert not (site / ".giza-site.json").exists()


def test_push_plan_puts_deploy_last(copy_project, giza):
    root = copy_project("basic")
    site = setup(root)
    result = giza("push", "-t", "web", "-b", "html", "--dry-run")
    assert result.code == 0
    lines = [line for line in result.out.splitlines() if line]
    assert lines[-3] == ("  6. publish  every build task succeeded: deploy what they staged  "
                         "(after prepare:source, sphinx:html, post:html, stage:public, "
                         "sitemap-index)")
    assert lines[-2] == "  7. deploy:web:local  rsync web to local (1 command)  (after publish)"
    assert lines[-1] == (f"would run: rsync -cqltz --exclude=.giza-site.json --recursive "
                         f"--delete {root}/build/2.1/html/ {site}/")
    assert not site.exists() and not (root / "build/2.1/html").exists()


def test_push_when_everything_is_up_to_date_still_deploys(copy_project, giza):
    root = copy_project("basic")
    site = setup(root)
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    result = giza("--executor", "serial", "push", "-t", "web", "-b", "html")
    assert result.code == 0, result.out
    assert result.out.splitlines()[0] == "html: up to date"
    assert (site / "index.html").is_file()


EDITIONS_CONF = """\
project:
  name: demo
  editions: [{name: saas, branched: true}, {name: onprem, tag: enterprise, branched: true}]
version: {release: "1.0", branch: "1.0"}
system:
  files: [push.yaml]
"""
EDITIONS_PUSH = """\
target: web
paths:
  local: public
  remote: {site}
options: [branched, recursive]
hosts: [local]
"""


def test_push_target_over_every_edition_names_them_and_the_fix(project, giza):
    root = project({"config/build_conf.yaml": EDITIONS_CONF, "source/index.txt": "Hi\n==\n"})
    site = root.parent / "site"
    write_tree(root, {"config/push.yaml": EDITIONS_PUSH.replace("{site}", str(site))})
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    message = ("config/push.yaml:3: push target 'web': nothing to deploy: build/public/main "
               "does not exist, because paths.local 'public' holds one site per edition "
               "(build/public/saas/, build/public/enterprise/); give each edition its own "
               "push target, with paths.local: public/saas, public/enterprise")
    result = giza("--executor", "serial", "push", "-t", "web", "-b", "html")
    assert result.code == 1
    assert f"giza: error: {message}" in result.out.splitlines()
    assert "run `giza push`" not in result.out
    assert not site.exists()
    again = giza("deploy", "-t", "web")
    assert (again.code, again.err) == (1, f"giza: error: {message}\n")
    dry = giza("deploy", "-t", "web", "--dry-run")
    assert dry.out.splitlines()[0] == f"note: {message}"
    # the fix the message gives works
    write_tree(root, {"config/push.yaml": EDITIONS_PUSH.replace("{site}", str(site)).replace(
        "local: public", "local: public/saas")})
    fixed = giza("deploy", "-t", "web")
    assert fixed.code == 0, fixed.out + fixed.err
    assert (site / "main" / "release.txt").is_file()


def test_push_whose_target_names_nothing_the_build_wrote(copy_project, giza):
    root = copy_project("basic")
    site = setup(root)
    push = root / "config/push.yaml"
    push.write_text(push.read_text().replace("local: 2.1/html", "local: 2.1/htmll"))
    result = giza("--executor", "serial", "push", "-t", "web", "-b", "html")
    assert result.code == 1
    # not "run `giza push` first": giza push just ran
    assert ("giza: error: config/push.yaml:3: push target 'web': nothing to deploy: "
            "build/2.1/htmll does not exist after the build; paths.local '2.1/htmll' names no "
            "directory the build wrote") in result.out.splitlines()
    assert not site.exists()
