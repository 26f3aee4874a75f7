"""giza sphinx --branches: one run builds every branch from its own worktree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from branch_repo import BRANCHES, edit_branch, git, make_repo


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "docs")
    monkeypatch.chdir(root)
    return root


def built_at(root: Path, branch: str) -> float:
    record = json.loads((root / f"build/{branch}/.giza/record.json").read_text())
    return record["tasks"]["sphinx:html"]["built_at"]


def test_published_builds_every_branch_with_its_own_config(repo, giza):
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 0, result.out + result.err
    public = repo / "build/public"
    for branch in BRANCHES:
        html = repo / "build" / branch / "html"
        assert f"This is flavour-of-{branch}." in (html / "index.html").read_text()
        assert sorted(p.name for p in html.glob("only-*.html")) == [f"only-{branch}.html"]
        versions = json.loads((public / branch / "versions.json").read_text())
        assert [v["branch"] for v in versions] == list(BRANCHES)
        assert [v["current"] for v in versions] == [b == branch for b in BRANCHES]
        assert (public / branch / f"demo-{branch}.tar.gz").is_file()
    assert (repo / "build/.worktrees/v1/conf.py").is_file()
    assert not (repo / "build/.worktrees/master").exists()  # the checked-out branch
    assert git(repo, "status", "--porcelain") == ""


def test_a_second_run_skips_every_branch_and_an_edit_rebuilds_one(repo, giza):
    assert giza("sphinx", "-b", "html", "--branches", "published").code == 0
    first = {branch: built_at(repo, branch) for branch in BRANCHES}
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 0, result.out + result.err
    commits = {branch: git(repo, "rev-parse", branch)[:8] for branch in BRANCHES}
    assert result.out.splitlines()[:3] == [
        f"{branch}: up to date at {commits[branch]}: skipped" for branch in BRANCHES]
    assert "sphinx:html" not in result.out  # no task ran
    assert {branch: built_at(repo, branch) for branch in BRANCHES} == first

    edit_branch(repo, "v2", {"source/index.txt": "Home\n====\n\nEdited |flavour|.\n"})
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 0, result.out + result.err
    lines = result.out.splitlines()
    assert lines[0] == f"master: up to date at {commits['master']}: skipped"
    assert lines[1] == ("v2: html: building: config changed: git.commit; 1 page changed: "
                        "index.txt")
    assert lines[2] == f"v1: up to date at {commits['v1']}: skipped"
    assert "Edited flavour-of-v2." in (repo / "build/v2/html/index.html").read_text()
    assert built_at(repo, "v1") == first["v1"] and built_at(repo, "master") == first["master"]
    assert built_at(repo, "v2") > first["v2"]


def add_push_target(root: Path) -> Path:
    site = root.parent / "site"
    conf = root / "config/build_conf.yaml"
    conf.write_text(conf.read_text() + "system:\n  files: [push.yaml]\n")
    (root / "config/push.yaml").write_text(
        f"target: web\npaths: {{local: public, remote: {site}}}\n"
        "options: [recursive, delete]\nhosts: [local]\n")
    return site


def test_a_failed_branch_does_not_stop_the_others_and_blocks_the_push(repo, giza):
    edit_branch(repo, "v2", {"conf.py": "raise RuntimeError('broken on purpose')\n"})
    site = add_push_target(repo)
    result = giza("push", "-t", "web", "-b", "html", "--branches", "published")
    assert result.code == 1, result.out + result.err
    assert ("giza: not deploying: branch v2 failed; nothing was deployed (--partial v2 "
            "deploys the other branches)") in result.out.splitlines()
    assert not site.exists()
    public = repo / "build/public"
    assert sorted(p.name for p in public.iterdir() if p.is_dir()) == ["master", "v1"]
    versions = json.loads((public / "v1/versions.json").read_text())
    assert [v["branch"] for v in versions] == ["master", "v1"]  # what was staged

    result = giza("push", "-t", "web", "-b", "html", "--branches", "published",
                  "--partial", "v2")
    assert result.code == 1, result.out + result.err
    assert "giza: deploying master, v1; leaving v2 as deployed before (--partial)" \
        in result.out.splitlines()
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == ["master", "v1"]
    assert (site / "v1/demo-v1.tar.gz").read_bytes() == \
        (public / "v1/demo-v1.tar.gz").read_bytes()


def test_every_branch_built_deploys_all(repo, giza):
    site = add_push_target(repo)
    result = giza("push", "-t", "web", "-b", "dirhtml", "--branches", "v1,master")
    assert result.code == 0, result.out + result.err
    assert sorted(p.name for p in site.iterdir() if p.is_dir()) == ["master", "v1"]
    for branch in ("master", "v1"):
        assert f"This is flavour-of-{branch}." in (site / branch / "index.html").read_text()
        assert (site / branch / f"only-{branch}/index.html").is_file()
    index = (site / "sitemap-index.xml").read_text()
    assert [line.strip() for line in index.splitlines() if "<loc>" in line] == [
        f"<sitemap><loc>https://docs.example.com/{b}/sitemap.xml</loc></sitemap>"
        for b in ("master", "v1")]
    versions = json.loads((site / "master/versions.json").read_text())
    assert [v["branch"] for v in versions] == ["master", "v1"]


def test_push_dry_run_prints_one_rsync_per_target(repo, giza):
    site = add_push_target(repo)
    result = giza("push", "-t", "web", "-b", "html", "--branches", "published", "--dry-run")
    assert result.code == 0, result.out + result.err
    assert result.out.splitlines()[-1] == (
        f"would run: rsync -cqltz --exclude=.giza-site.json --recursive --delete "
        f"{repo}/build/public/ {site}/")
    assert not (repo / "build/public").exists() and not site.exists()


def test_the_json_report_has_every_branch(repo, giza):
    result = giza("sphinx", "-b", "html", "--branches", "v1,v2", "--report", "run.json")
    assert result.code == 0, result.out + result.err
    report = json.loads((repo / "run.json").read_text())
    assert [row["variant"] for row in report["variants"]] == ["v1/html", "v2/html"]
    assert "v2/sphinx:html" in {task["name"] for task in report["tasks"]}
    result = giza("sphinx", "--branches", "v1", "--report-html", "run.html")
    assert result.code == 2
    assert result.err == ("giza: error: --report-html describes one branch's build; with "
                          "--branches, each branch's records are in build/<branch>/.giza "
                          "(see giza records)\n")


def test_one_core_budget_for_every_branch(repo, giza):
    result = giza("--jobs", "6", "sphinx", "-b", "html", "--branches", "published",
                  "--dry-run")
    assert result.code == 0, result.out + result.err
    for branch in BRANCHES:  # 6 cores over 3 variants
        assert (f"{branch}/sphinx:html  [{branch}] sphinx-build -b html -j 2 "
                f"build/{branch}/source -> build/{branch}/html") in result.out
    result = giza("--jobs", "6", "sphinx", "-b", "html", "--branches", "v1", "--dry-run")
    assert "[v1] sphinx-build -b html -j 6 build/v1/source -> build/v1/html" in result.out
    assert not (repo / "build/v1").exists()  # a dry run builds nothing


def test_redirects_above_the_branches_come_from_the_checked_out_branch(repo, giza):
    conf = ("project: {name: demo, branched: true, url: 'https://docs.example.com'}\n"
            "system: {files: [{htaccess: [htaccess.yaml]}]}\n")
    for branch in ("v1", "master"):
        edit_branch(repo, branch, {"config/build_conf.yaml": conf, "config/htaccess.yaml":
                                   f"from: /old-{branch}\nto: /new\ncode: 301\n"})
    result = giza("sphinx", "-b", "html", "--branches", "published")
    assert result.code == 0, result.out + result.err
    assert (repo / "build/public/.htaccess").read_text() == (
        "Redirect 301 /old-master https://docs.example.com/new\n")


def test_partial_push_to_a_branched_target(repo, giza):
    edit_branch(repo, "v2", {"conf.py": "raise RuntimeError('broken on purpose')\n"})
    site = add_push_target(repo)
    push = repo / "config/push.yaml"
    push.write_text(push.read_text().replace("[recursive, delete]",
                                             "[branched, recursive, delete]"))
    result = giza("push", "-t", "web", "-b", "html", "--branches", "published",
                  "--partial", "v2")
    assert result.code == 1, result.out + result.err
    assert f"deployed build/public/master -> {site}" in result.out.splitlines()
    assert sorted(p.name for p in site.iterdir()) == ["master", "v1"]
