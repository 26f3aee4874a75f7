"""giza.publish.deploy: push.yaml/deploy.yaml validation and real rsync into local directories.

Validation runs everywhere; only the tests that run rsync skip where it is missing."""

from __future__ import annotations

import io
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from giza.config import load
from giza.errors import BuildError, ConfigError, UsageError
from giza.publish.deploy import (
    Command,
    PushTarget,
    commands,
    deploy,
    load_targets,
    run_command,
    select,
)

from helpers import write_tree

needs_rsync = pytest.mark.skipif(shutil.which("rsync") is None, reason="rsync is not installed")

CONF = """\
project:
  name: demo
version:
  branch: "{branch}"
system:
  files:
    - push.yaml
"""

BUILT = {
    "index.html": "<p>home</p>\n",
    "sub/page.html": "<p>page</p>\n",
}


def make(project: Callable[..., Path], push: str, *, branch: str = "",
         deploy_yaml: str | None = None, built: dict[str, str] | None = None) -> Path:
    """A project whose config/push.yaml is ``push`` ({site} = an absolute local remote)."""
    root = project({"config/build_conf.yaml": CONF.format(branch=branch),
                    "source/index.txt": "Hi\n"})
    site = root.parent / "site"
    write_tree(root, {"config/push.yaml": push.replace("{site}", str(site))})
    if deploy_yaml is not None:
        write_tree(root, {"config/deploy.yaml": deploy_yaml.replace("{site}", str(site))})
    if built is not None:
        write_tree(root / "build", built)
    return root


def site_of(root: Path) -> Path:
    return root.parent / "site"


def files(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())


PLAIN = """\
target: web
paths:
  local: public
  remote: {site}
options: [recursive]
hosts: [local]
"""

BRANCHED = """\
target: web
paths:
  local: public
  remote: {site}
  static: [manual, sitemap.xml.gz, .htaccess, missing.txt]
options: [branched, recursive]
hosts: [local]
"""


# --- loading ------------------------------------------------------------------------------


def test_load_targets_fields(project):
    root = make(project, BRANCHED)
    config = load()
    targets = load_targets(config)
    assert list(targets) == ["web"]
    assert targets["web"] == PushTarget(
        name="web", local="public", remote=str(site_of(root)),
        static=("manual", "sitemap.xml.gz", ".htaccess", "missing.txt"),
        branched=True, delete=False, recursive=True, hosts=("local",), args=(),
        origin=(root / "config" / "push.yaml", 1), local_line=3)


def test_no_push_file_means_no_targets(project):
    project({"config/build_conf.yaml": "project:\n  name: demo\n"})
    config = load()
    assert load_targets(config) == {}
    with pytest.raises(UsageError) as err:
        select({}, ["web"])
    assert str(err.value) == ("unknown push target 'web'; valid targets: "
                              "(none: no push.yaml documents are loaded)")


def test_unknown_target_lists_valid_names(project):
    make(project, PLAIN + "---\n" + PLAIN.replace("target: web", "target: stage"))
    targets = load_targets(load())
    with pytest.raises(UsageError) as err:
        select(targets, ["web", "prod"])
    assert str(err.value) == "unknown push target 'prod'; valid targets: web, stage"
    assert err.value.exit_code == 2
    assert [t.name for t in select(targets, ["stage", "web", "stage"])] == ["stage", "web"]
    with pytest.raises(UsageError) as err:
        select(targets, [])
    assert str(err.value) == "name a push target with -t; valid targets: web, stage"


def test_remote_hosts_build_host_paths(project):
    root = make(project, """\
        target: prod
        paths: {local: public, remote: /srv/docs, static: [manual]}
        options: [delete, recursive]
        hosts: [deploy@web1, web2]
        dependency: push-if-up-to-date
        """, built={"public/index.html": "x"})
    config = load()
    cmds = commands(config, load_targets(config)["prod"])
    public = str(root / "build" / "public")
    base = ("rsync", "-cqltz", "--exclude=.giza-site.json", "--recursive", "--delete")
    assert cmds == [
        Command("prod", "deploy@web1", (*base, f"{public}/", "deploy@web1:/srv/docs/")),
        Command("prod", "web2", (*base, f"{public}/", "web2:/srv/docs/")),
    ]  # the missing static item 'manual' is skipped because the build exists


def test_static_items_kept_before_the_build(project):
    # Planned before the build (the task graph): rsync skips a missing item itself.
    root = make(project, BRANCHED, branch="master")
    config = load()
    cmds = [c for target in select(load_targets(config), ["web"])
            for c in commands(config, target)]
    public = root / "build" / "public"
    assert [c.argv[-2] for c in cmds] == [str(public / "master"), str(public / "manual"),
                                          str(public / "sitemap.xml.gz"),
                                          str(public / ".htaccess"), str(public / "missing.txt")]
    assert all("--ignore-missing-args" in c.argv for c in cmds[1:])
    assert "--ignore-missing-args" not in cmds[0].argv


@needs_rsync
def test_env_from_deploy_yaml(project):
    root = make(project, PLAIN.replace("hosts: [local]", "env: production"),
                deploy_yaml="""\
                    production:
                      hosts: [local]
                      args: ["--exclude=*.tmp"]
                    staging:
                      bucket: docs-staging
                    """,
                built={"public/index.html": "x", "public/junk.tmp": "y"})
    config = load()
    target = load_targets(config)["web"]
    assert target.hosts == ("local",)
    assert target.args == ("--exclude=*.tmp",)
    out = io.StringIO()
    assert deploy(config, ["web"], out=out) == 0
    assert files(site_of(root)) == ["index.html"]


def test_publication_means_production(project):
    make(project, PLAIN.replace("hosts: [local]", "env: publication"),
         deploy_yaml="production:\n  hosts: [deploy@web1]\n")
    assert load_targets(load())["web"].hosts == ("deploy@web1",)


# --- refusals and schema errors ------------------------------------------------------------


def refusal(project: Callable[..., Path], push: str, deploy_yaml: str | None = None) -> str:
    make(project, push, deploy_yaml=deploy_yaml)
    with pytest.raises(ConfigError) as err:
        load_targets(load())
    assert err.value.exit_code == 2
    return str(err.value)


@pytest.mark.parametrize(("remote", "reason"), [
    ('""', "must not be empty"),
    ("/", "is '/': refusing to deploy to the filesystem root"),
    ("//", "is '//': refusing to deploy to the filesystem root"),
    ("'~'", "is '~': refusing to deploy to a home directory root"),
    ("~/", "is '~/': refusing to deploy to a home directory root"),
    ("~alice", "is '~alice': refusing to deploy to a home directory root"),
    ("/home/alice", "is '/home/alice': refusing to deploy to a home directory root"),
    ("/home/alice/", "is '/home/alice/': refusing to deploy to a home directory root"),
    ("/root", "is '/root': refusing to deploy to a home directory root"),
    (".", "is '.': refusing to deploy to the current or home directory itself"),
    ("/srv/docs/../etc",
     "'/srv/docs/../etc' contains '..': refusing a path that climbs out of its directory"),
    ("-rf", "'-rf' starts with '-': rsync would read it as an option"),
])
def test_dangerous_remotes_are_refused(project, remote, reason):
    push = f"target: web\npaths:\n  local: public\n  remote: {remote}\nhosts: [deploy@web1]\n"
    assert refusal(project, push) == f"config/push.yaml:4: document 1: paths.remote: {reason}"


def test_dangerous_remote_with_host_prefix(project):
    push = "target: web\npaths:\n  local: public\n  remote: 'web1:/'\nhosts: [local]\n"
    assert refusal(project, push) == ("config/push.yaml:4: document 1: paths.remote: is '/': "
                                      "refusing to deploy to the filesystem root")


def test_local_remote_over_the_project_is_refused(project):
    push = "target: web\npaths:\n  local: public\n  remote: {site}/..\nhosts: [local]\n"
    assert "contains '..'" in refusal(project, push)
    push = "target: web\npaths:\n  local: public\n  remote: build/x\nhosts: [local]\n"
    assert refusal(project, push) == (
        "config/push.yaml:4: document 1: paths.remote: is 'build/x' (build/x): "
        "refusing to deploy into the build directory")


def test_delete_from_outside_build_is_refused(project):
    push = ("target: web\npaths:\n  local: ../source\n  remote: {site}\n"
            "options: [delete]\nhosts: [local]\n")
    assert refusal(project, push) == (
        "config/push.yaml:3: document 1: paths.local: '../source' resolves to source, "
        "outside build/; refusing option 'delete'")


def test_delete_of_build_itself_is_refused(project):
    push = "target: web\npaths:\n  local: .\n  remote: {site}\noptions: [delete]\nhosts: [local]\n"
    assert refusal(project, push) == (
        "config/push.yaml:3: document 1: paths.local: '.' resolves to build, "
        "outside build/; refusing option 'delete'")


def test_outside_build_without_delete_is_allowed(project):
    make(project, "target: web\npaths:\n  local: ../source\n  remote: {site}\nhosts: [local]\n")
    assert load_targets(load())["web"].local == "../source"


@pytest.mark.parametrize(("push", "message"), [
    ("paths: {local: public, remote: /srv}\nhosts: [h]\n",
     "config/push.yaml:1: document 1: target: required key is missing"),
    ("target: web\nhosts: [h]\n",
     "config/push.yaml:1: document 1: paths: required key is missing"),
    ("target: web\npaths:\n  local: public\nhosts: [h]\n",
     "config/push.yaml:2: document 1: paths.remote: required key is missing"),
    ("target: web\npaths: [public]\nhosts: [h]\n",
     "config/push.yaml:2: document 1: paths: must be a mapping {local, remote, static}, "
     "not a list"),
    ("target: [web]\npaths: {local: public, remote: /srv}\nhosts: [h]\n",
     "config/push.yaml:1: document 1: target: must be a string, not a list"),
    ("target: web\npaths: {local: public, remote: /srv}\nhosts: {a: b}\n",
     "config/push.yaml:3: document 1: hosts: must be a list of strings, not a mapping"),
    ("target: web\npaths: {local: public, remote: /srv}\nhosts:\n  - h\n  - [x]\n",
     "config/push.yaml:5: document 1: hosts[1]: must be a string, not a list"),
    ("target: web\npaths: {local: public, remote: /srv}\noptions: [branched, fast]\nhosts: [h]\n",
     "config/push.yaml:3: document 1: options[1]: must be one of branched, delete, "
     "recursive, not 'fast'"),
    ("target: web\npaths: {local: public, remote: /srv}\n",
     "config/push.yaml:1: document 1: push target 'web' has neither 'hosts' nor 'env'; "
     "say where to deploy (hosts: [user@host] or hosts: [local])"),
    ("target: web\npaths: {local: public, remote: /srv}\nhosts: []\n",
     "config/push.yaml:3: document 1: hosts: is empty; list at least one host or 'local'"),
    ("target: web\npaths: {local: public, remote: /srv}\nhosts: [h]\nenv: production\n",
     "config/push.yaml:4: document 1: env: give either 'hosts' or 'env', not both"),
    ("target: web\npaths: {local: public, remote: /srv}\nhosts: ['-oProxyCommand=x']\n",
     "config/push.yaml:3: document 1: hosts: has '-oProxyCommand=x', which is not a host "
     "name (user@host, host, or 'local')"),
    ("target: web\npaths: {local: public, remote: /srv, static: [../etc]}\nhosts: [h]\n",
     "config/push.yaml:2: document 1: paths.static: has '../etc'; static items are names "
     "relative to build/public/"),
    ("target: web\npaths: {local: public, remote: 'h:/srv'}\nhosts: [web1]\n",
     "config/push.yaml:2: document 1: paths.remote: 'h:/srv' already names a host; "
     "give a plain path and list the host in 'hosts'"),
    ("- target: web\n",
     "config/push.yaml:1: document 1: must be a mapping (a push target), not a list"),
])
def test_schema_errors(project, push, message):
    assert refusal(project, push) == message


def test_errors_name_the_document(project):
    second = "target: stage\npaths:\n  local: public\n  remote: /\nhosts: [h]\n"
    assert refusal(project, PLAIN + "---\n" + second) == (
        "config/push.yaml:11: document 2: paths.remote: is '/': "
        "refusing to deploy to the filesystem root")


def test_duplicate_target(project):
    assert refusal(project, PLAIN + "---\n" + PLAIN) == (
        "config/push.yaml:8: document 2: push target 'web' is already defined at "
        "config/push.yaml:1")


def test_env_errors(project):
    push = PLAIN.replace("hosts: [local]", "env: production")
    assert refusal(project, push) == (
        "config/push.yaml:6: document 1: env: names 'production', but config/deploy.yaml "
        "does not exist; create it with 'production: {hosts: [...]}' or list 'hosts' here")


def test_env_not_defined_lists_environments(project):
    push = PLAIN.replace("hosts: [local]", "env: production")
    assert refusal(project, push, "testing:\n  hosts: [t1]\ndocsprod:\n  hosts: [d1]\n") == (
        "config/push.yaml:6: document 1: env: names 'production', which config/deploy.yaml "
        "does not define; defined environments: testing, docsprod")


@pytest.mark.parametrize(("push", "deploy_yaml", "message"), [
    ("target: web\npaths: {local: public, remote: /srv}\nhosts: [h]\nflavour: x\n", None,
     "config/push.yaml:4: document 1: flavour: unknown key; "
     "valid keys: dependency, env, hosts, options, paths, target"),
    ("target: web\npaths: {local: public, remote: /srv, extra: 1}\nhosts: [h]\n", None,
     "config/push.yaml:2: document 1: paths.extra: unknown key; "
     "valid keys: local, remote, static"),
    ("target: web\npaths: {local: public, remote: /srv}\nenv: production\n",
     "production:\n  hosts: [a]\n  user: x\n",
     "config/deploy.yaml:3: production.user: unknown key; valid keys: args, hosts"),
])
def test_unknown_keys_warn_and_fail_when_strict(project, capsys, push, deploy_yaml, message):
    import giza.publish.deploy

    giza.publish.deploy._WARNED.clear()
    make(project, push, deploy_yaml=deploy_yaml)
    assert load_targets(load())["web"].hosts in (("h",), ("a",))
    assert capsys.readouterr().err == f"giza: warning: {message}\n"
    with pytest.raises(ConfigError) as err:
        load_targets(load(strict=True))
    assert str(err.value) == f"{message}\n(--strict makes warnings errors)"


def test_historic_push_yaml_keys(project, capsys):
    """Keys the original ignored: `name` for `target`, a top-level `branched` (options
    decide), `dependency`, and `input` in a deploy.yaml environment."""
    push = ("name: push-all\npaths: {local: public, remote: /data/sites/docs}\n"
            "options: ['recursive']\nbranched: false\nenv: publication\n"
            "dependency: publish\n")
    make(project, push, deploy_yaml="production:\n  hosts: [www-c1]\n  input: code\n")
    target = load_targets(load(strict=True))["push-all"]
    assert (target.branched, target.hosts) == (False, ("www-c1",))
    assert capsys.readouterr().err == ""


def test_env_args_are_split_like_shell_words(project):
    """deploy.yaml args written for the original's shell-style split keep their meaning."""
    make(project, "target: web\npaths: {local: public, remote: /srv/docs}\nenv: production\n",
         deploy_yaml="production:\n  hosts: [www-c1]\n"
                     "  args: ['--rsh=\"ssh\"', '--rsync-path=\"sudo -u www rsync\"',\n"
                     "         '--chmod=ug+w,Fo-w']\n")
    config = load()
    target = load_targets(config)["web"]
    assert target.args == ("--rsh=ssh", "--rsync-path=sudo -u www rsync", "--chmod=ug+w,Fo-w")
    assert commands(config, target)[0].argv[-4:-2] == (
        "--rsync-path=sudo -u www rsync", "--chmod=ug+w,Fo-w")
    make(project, "target: web\npaths: {local: public, remote: /srv/docs}\nenv: production\n",
         deploy_yaml="production:\n  hosts: [www-c1]\n  args: ['--rsh=\"ssh']\n")
    with pytest.raises(ConfigError) as err:
        load_targets(load())
    assert str(err.value) == ("config/deploy.yaml:3: production.args[0]: '--rsh=\"ssh': "
                              "No closing quotation (quote marks must pair up)")


def test_publication_without_deploy_yaml_names_production(project):
    push = PLAIN.replace("hosts: [local]", "env: publication")
    assert refusal(project, push) == (
        "config/push.yaml:6: document 1: env: names 'publication', but config/deploy.yaml "
        "does not exist; create it with 'production: {hosts: [...]}' ('publication' is the "
        "historic name of 'production') or list 'hosts' here")


def test_env_entry_is_validated(project):
    push = PLAIN.replace("hosts: [local]", "env: production")
    assert refusal(project, push, "production:\n  args: [-v]\n") == (
        "config/deploy.yaml:1: production.hosts: required key is missing")
    assert refusal(project, push, "production:\n  hosts: [a]\n  args: 7\n") == (
        "config/deploy.yaml:3: production.args: must be a list of strings, not an integer")
    assert refusal(project, push, "production: [a]\n") == (
        "config/deploy.yaml:1: production: must be a mapping {hosts: [...], args: [...]}, "
        "not a list")


# --- real rsync -----------------------------------------------------------------------------


@needs_rsync
def test_plain_sync_copies_contents(project):
    root = make(project, PLAIN, built={f"public/{k}": v for k, v in BUILT.items()})
    out = io.StringIO()
    assert deploy(load(), ["web"], out=out) == 0
    site = site_of(root)
    assert files(site) == ["index.html", "sub/page.html"]
    assert out.getvalue() == f"deployed build/public/ -> {site}/\n"


@needs_rsync
def test_always_recursive_like_the_original(project):
    root = make(project, PLAIN.replace("options: [recursive]\n", ""),
                built={f"public/{k}": v for k, v in BUILT.items()})
    assert deploy(load(), ["web"], out=io.StringIO()) == 0
    assert files(site_of(root)) == ["index.html", "sub/page.html"]


@needs_rsync
def test_branched_sync_with_static_items(project):
    root = make(project, BRANCHED, built={
        **{f"public/main/{k}": v for k, v in BUILT.items()},
        "public/manual/index.html": "manual\n",
        "public/sitemap.xml.gz": "gz\n",
        "public/.htaccess": "Redirect\n",
        "public/other/x.html": "not listed\n",
    })
    write_tree(root, {"config/published_branches.yaml":
                      "git:\n  branches:\n    published: [v2, main]\n"})
    out = io.StringIO()
    assert deploy(load(), ["web"], out=out) == 0
    site = site_of(root)
    assert files(site) == ["main/index.html", "main/sub/page.html", "manual/index.html",
                           "sitemap.xml.gz"]
    assert out.getvalue() == (
        "note: push target 'web': skipping static item '.htaccess' (deployed only from "
        "the newest published branch v2, this is main)\n"
        "note: push target 'web': skipping static item 'missing.txt': "
        "build/public/missing.txt does not exist\n"
        f"deployed build/public/main -> {site}\n"
        f"deployed build/public/manual -> {site}/\n"
        f"deployed build/public/sitemap.xml.gz -> {site}/\n")


@needs_rsync
def test_htaccess_is_deployed_from_the_newest_branch(project):
    root = make(project, BRANCHED, branch="v2", built={
        "public/v2/index.html": "home\n", "public/.htaccess": "Redirect\n"})
    write_tree(root, {"config/published_branches.yaml":
                      "git:\n  branches:\n    published: [v2, v1]\n"})
    assert deploy(load(), ["web"], out=io.StringIO()) == 0
    assert files(site_of(root)) == [".htaccess", "v2/index.html"]


@needs_rsync
def test_stale_files_survive_without_delete(project):
    root = make(project, PLAIN, built={"public/index.html": "new\n"})
    write_tree(site_of(root), {"stale.html": "old\n", "index.html": "old\n"})
    assert deploy(load(), ["web"], out=io.StringIO()) == 0
    assert files(site_of(root)) == ["index.html", "stale.html"]
    assert (site_of(root) / "index.html").read_text() == "new\n"


@needs_rsync
def test_delete_removes_stale_files(project):
    root = make(project, PLAIN.replace("[recursive]", "[recursive, delete]"),
                built={"public/index.html": "new\n"})
    write_tree(site_of(root), {"stale.html": "old\n", "old/dir.html": "old\n"})
    assert deploy(load(), ["web"], out=io.StringIO()) == 0
    assert files(site_of(root)) == ["index.html"]


@needs_rsync
def test_branched_delete_only_touches_its_branch(project):
    root = make(project, BRANCHED.replace("[branched, recursive]", "[branched, recursive, delete]"),
                built={"public/main/index.html": "new\n"})
    write_tree(site_of(root), {"main/stale.html": "old\n", "v1.0/index.html": "keep\n",
                               "top.html": "keep\n"})
    assert deploy(load(), ["web"], out=io.StringIO()) == 0
    assert files(site_of(root)) == ["main/index.html", "top.html", "v1.0/index.html"]


def test_dry_run_prints_and_changes_nothing(project):
    root = make(project, BRANCHED, built={"public/main/index.html": "x\n",
                                          "public/manual/a.html": "m\n"})
    out = io.StringIO()
    assert deploy(load(), ["web"], dry_run=True, out=out) == 0
    site = site_of(root)
    public = root / "build" / "public"
    assert not site.exists()
    assert out.getvalue().splitlines()[3:] == [
        f"would run: rsync -cqltz --exclude=.giza-site.json --recursive {public}/main {site}",
        f"would run: rsync -cqltz --exclude=.giza-site.json --recursive {public}/manual {site}/",
    ]


def test_dry_run_before_the_build_notes_the_missing_output(project):
    root = make(project, PLAIN)
    out = io.StringIO()
    assert deploy(load(), ["web"], dry_run=True, out=out) == 0
    assert out.getvalue() == (
        "note: push target 'web': nothing to deploy: build/public does not exist; run "
        "`giza push` or `giza sphinx -b publish` first\n"
        f"would run: rsync -cqltz --exclude=.giza-site.json --recursive "
        f"{root}/build/public/ {site_of(root)}/\n")


def test_nothing_to_deploy(project):
    make(project, BRANCHED)
    with pytest.raises(BuildError) as err:
        deploy(load(), ["web"], out=io.StringIO())
    assert str(err.value) == ("nothing to deploy: build/public/main does not exist; run "
                              "`giza push` or `giza sphinx -b publish` first")
    assert err.value.exit_code == 1


@needs_rsync
def test_rsync_failure_is_exit_1_with_stderr(project):
    push = PLAIN.replace("{site}", "{site}/missing/deep")
    root = make(project, push, built={"public/index.html": "x\n"})
    out = io.StringIO()
    assert deploy(load(), ["web"], out=out) == 1
    dest = f"{site_of(root)}/missing/deep/"
    argv = ["rsync", "-cqltz", "--exclude=.giza-site.json", "--recursive",
            f"{root}/build/public/", dest]
    lines = out.getvalue().splitlines()
    assert lines[0] == f"giza: error: deploy to local failed (rsync exit 11): {shlex.join(argv)}"
    assert len(lines) > 1
    assert all(line.startswith("    ") for line in lines[1:])
    assert any("mkdir" in line for line in lines[1:])


@needs_rsync
def test_one_failure_does_not_hide_the_successes(project):
    two = PLAIN + "---\n" + PLAIN.replace("target: web", "target: bad").replace(
        "{site}", "{site}/missing/deep")
    root = make(project, two, built={"public/index.html": "x\n"})
    out = io.StringIO()
    assert deploy(load(), ["web", "bad"], out=out) == 1
    text = out.getvalue()
    assert text.startswith(f"deployed build/public/ -> {site_of(root)}/\n"
                           "giza: error: deploy to local failed (rsync exit 11): ")


@needs_rsync
def test_run_command(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f").write_text("x")
    result = run_command(["rsync", "-cqltz", "--recursive", f"{tmp_path}/a/", f"{tmp_path}/b/"])
    assert result == {"returncode": 0, "stderr": ""}
    assert (tmp_path / "b" / "f").read_text() == "x"
    argv = ["rsync", "-q", f"{tmp_path}/nope", f"{tmp_path}/c/"]
    with pytest.raises(BuildError) as err:
        run_command(argv)
    first, *rest = str(err.value).splitlines()
    assert first == f"deploy to local failed (rsync exit 23): {shlex.join(argv)}"
    assert rest and all(line.startswith("    ") for line in rest)
