"""giza.pipeline.tasks: each task on a real project, returning its frozen result."""

from __future__ import annotations

import pytest

from giza import layout
from giza.config import load
from giza.pipeline import tasks
from giza.pipeline.results import PostResult, PrepareResult, SphinxResult, StageResult, TaskFailed
from giza.variants import Variant


def _prepared(copy_project):
    copy_project("basic")
    config = load()
    proxy = str(layout.proxy_dir(config, "source"))
    return config, proxy, tasks.prepare_tree(config, None, None, proxy)


def test_prepare_then_sphinx_then_post(copy_project) -> None:
    config, proxy, prepared = _prepared(copy_project)
    assert isinstance(prepared, PrepareResult)
    assert (prepared.proxy, prepared.copied, prepared.removed) == (proxy, 2, 0)
    assert tasks.prepare_tree(config, None, None, proxy).copied == 0  # nothing changed
    (config.paths.source / "install.txt").write_text("Install\n=======\n\nSee :ref:`nowhere`.\n")
    tasks.prepare_tree(config, None, None, proxy)
    html = Variant("html")
    done = tasks.run_variant(config, html, proxy, jobs=1)
    assert isinstance(done, SphinxResult)
    assert (done.variant, done.jobs, done.returncode, done.seeded_from) == ("html", 1, 0, None)
    assert "-j" not in done.argv and done.argv[-1] == str(html.output_dir(config))
    # parsed once, in the task: the paths still name the proxy tree
    [warning] = [m for m in done.log.messages if m.level == "WARNING"]
    assert warning.path == f"{proxy}/install.txt" and "nowhere" in warning.text
    assert done.counts == (1, 0) and "install" in done.log.processed.read
    post = tasks.post_variant(config, html)
    assert isinstance(post, PostResult) and post.variant == "html" and not post.skipped
    staged = tasks.stage_site(config, None, None, ["html"], {}, {})
    assert isinstance(staged, StageResult)
    assert staged.site == str(layout.site_dir(config, None, None))
    assert staged.files == sum(1 for p in layout.site_dir(config, None, None).rglob("*")
                               if p.is_file() and p.name != ".giza-site.json") > 0


def test_a_failed_sphinx_build_carries_its_result(copy_project) -> None:
    config, proxy, _ = _prepared(copy_project)
    (config.root / "conf.py").write_text("raise ValueError('broken conf')\n")
    with pytest.raises(TaskFailed) as failed:
        tasks.run_variant(config, Variant("html"), proxy)
    result = failed.value.value
    assert isinstance(result, SphinxResult) and result.returncode == 2
    assert str(failed.value) == "sphinx-build exited with status 2"
    assert "broken conf" in result.output
