"""giza.layout: every derived path in one place (the site paths and URLs are tested with
the finalizers, tests/post/test_post.py)."""

from __future__ import annotations

from giza import layout
from giza.config import load
from giza.variants import Variant


def test_branch_tree(project) -> None:
    root = project({"config/build_conf.yaml": "project: {name: d}\n",
                    "source/index.txt": "Home\n====\n"}).resolve()
    config = load()
    branch = root / "build" / config.branch
    assert layout.branch_dir(config) == config.branch_dir == branch
    variant = Variant("html", "saas", "fr")
    assert layout.proxy_name("saas", "fr") == "source-saas-fr"
    assert variant.proxy_dir(config) == branch / "source-saas-fr"
    assert variant.output_dir(config) == branch / "html-saas-fr"
    assert variant.doctree_dir(config) == branch / "doctrees-html-saas-fr"
    assert layout.locale_dir(config) == branch / "locale"
    dot = branch / ".giza"
    assert [layout.record_path(config), layout.record_path(config, 3),
            layout.pending_path(config), layout.check_path(config), layout.lock_path(config),
            layout.report_path(config), layout.context_path(config, "html"),
            layout.fragment_dir(config, "html"), layout.fragment_manifest(config, "html"),
            layout.links_path(config, "html")] == [
        dot / "record.json", dot / "record.3.json", dot / "pending.json", dot / "check.json",
        dot / "lock", dot / "report.html", dot / "context" / "html.json",
        dot / "fragments" / "html", dot / "fragments" / "html.json",
        dot / "linkcheck" / "html.json"]
    proxy = branch / "source-saas"
    assert layout.owned_path(proxy) == dot / "owned-source-saas.json"
    assert layout.content_record_path(proxy) == dot / "content-source-saas.json"
    assert layout.links_output_dir(config, "-saas") == branch / "links-saas"
    assert layout.linkcheck_cache(root / "build") == root / "build" / ".giza" / "linkcheck.json"
    assert layout.public_dir(config) == root / "build" / "public"


def test_what_is_deployed_and_packed_comes_from_layout(tmp_path):
    from giza import layout
    from giza.config import load

    (tmp_path / "config").mkdir()
    (tmp_path / "config/build_conf.yaml").write_text("project: {name: p}\n")
    config = load(tmp_path)
    output = config.paths.output
    assert layout.deploy_source(config, "public", branched=False) == output / "public"
    assert layout.deploy_source(config, "public", branched=True) == (
        output / "public" / config.branch)
    assert layout.archive_dir(config) == output / "archive"
