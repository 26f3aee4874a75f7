"""The warm Sphinx application is made from exactly the argv sphinx-build gets."""

from __future__ import annotations

from pathlib import Path

from giza import config as configuration
from giza.pipeline import tasks
from giza.serve.warm import WarmWorker, spec_from_argv
from giza.variants import Variant


def test_spec_reads_back_the_sphinx_build_argv(copy_project):
    root = copy_project("multi")
    config = configuration.load(None)
    variant = Variant("dirhtml", "saas", "fr")
    argv = tasks.variant_argv(config, variant, str(root / "build/x/source-saas-fr"))
    spec = spec_from_argv(argv, [("GIZA_BUILD_CONTEXT", "/c.json")])
    assert spec.builder == "dirhtml"
    assert spec.srcdir == str(root / "build/x/source-saas-fr")
    assert spec.outdir == str(variant.output_dir(config))
    assert spec.doctreedir == str(variant.doctree_dir(config))
    assert spec.confdir == str(root)
    assert spec.tags == ("dirhtml", "website", "saas")
    assert spec.overrides == (("language", "fr"),
                              ("locale_dirs", str(config.branch_dir / "locale")))
    assert spec.env == (("GIZA_BUILD_CONTEXT", "/c.json"),)


def test_a_worker_builds_only_what_changed(copy_project, giza):
    root = copy_project("basic")
    assert giza("--executor", "serial", "sphinx", "-b", "html").code == 0
    config = configuration.load(None)
    variant = Variant("html")
    proxy = config.branch_dir / "source"
    context = tasks.write_context(config, variant, str(proxy))
    spec = spec_from_argv(tasks.variant_argv(config, variant, str(proxy)),
                          [("GIZA_BUILD_CONTEXT", str(context))])
    worker = WarmWorker("html", spec)
    try:
        assert worker.build().read == 0  # the environment giza sphinx wrote is current
        page = proxy / "install.txt"
        page.write_text(page.read_text().replace("Run the installer.", "Run it warm."))
        done = worker.build()
        assert (done.ok, done.read, done.failure) == (True, 1, "")
        assert "Run it warm." in Path(root / "build" / config.branch / "html/install.html"
                                      ).read_text()
    finally:
        worker.stop()
    assert not worker.process.is_alive()
