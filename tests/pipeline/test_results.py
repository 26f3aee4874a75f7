"""giza.pipeline.results: what tasks return crosses process boundaries intact."""

from __future__ import annotations

import pickle
from concurrent.futures import ProcessPoolExecutor

from giza.pipeline.results import (
    DeployResult,
    PostResult,
    PrepareResult,
    SphinxResult,
    StageResult,
    TaskFailed,
)
from giza.sphinx.output import Message, Processed, SphinxLog

LOG = SphinxLog([Message("source/a.txt", 3, "WARNING", "w"), Message(None, None, "ERROR", "e")],
                ["read", "check"], Processed(seen=True, read={"a"}, written={"a"}))
RESULTS = [
    PrepareResult("build/x/source", 2, 1, 3, {"build/x/source/i.rst": ["y.yaml", 4, []]},
                  ("a note",)),
    SphinxResult("html", ("sphinx-build", "-j", "2"), 2, 0, "output", 1.5, LOG,
                 seeded_from="build/x/doctrees", stale_removed=("old.html",)),
    PostResult("html", "build/x/fragments/html", ("",), 0.2, ("n",), skipped=True),
    StageResult("build/public", "https://x/", ("html",), 10, 4, "build/public/sitemap.xml",
                ("build/public/robots.txt",), 0.3),
    DeployResult(("deployed a -> b",), ("deploy to h failed",)),
]


def make(index: int) -> object:
    return RESULTS[index]


def test_results_pickle_by_value() -> None:
    for result in RESULTS:
        assert pickle.loads(pickle.dumps(result)) == result


def test_results_come_back_from_a_child_process() -> None:
    with ProcessPoolExecutor(1) as pool:
        assert list(pool.map(make, range(len(RESULTS)))) == RESULTS


def test_sphinx_result_counts_and_failure_carries_it() -> None:
    result = RESULTS[1]
    assert isinstance(result, SphinxResult)
    assert result.counts == (1, 1)
    failed = pickle.loads(pickle.dumps(TaskFailed("sphinx-build exited with status 2", result)))
    assert failed.value == result and str(failed) == "sphinx-build exited with status 2"


def test_post_result_of_a_finalizer_value() -> None:
    value = {"variant": "latex", "fragment": "f", "owns": ["pdf/"], "notes": ["no latexmk"],
             "skipped": True, "seconds": 0.1}
    assert PostResult.of(value) == PostResult("latex", "f", ("pdf/",), 0.1, ("no latexmk",),
                                              skipped=True)
