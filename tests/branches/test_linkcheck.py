"""giza linkcheck --all-branches: every published branch's links, each URL checked once."""

from __future__ import annotations

from pathlib import Path

import pytest
from linkserver import LinkServer

from branch_repo import BRANCHES, edit_branch, make_repo


@pytest.fixture
def server():
    with LinkServer() as running:
        yield running


def test_links_of_every_published_branch_are_checked_once(tmp_path: Path, monkeypatch,
                                                          giza, server):
    root = make_repo(tmp_path / "docs")
    monkeypatch.chdir(root)
    for branch in BRANCHES:
        extra = "`gone <{0}/missing>`__" if branch == "v1" else f"`{branch} <{{0}}/ok>`__"
        edit_branch(root, branch, {"source/index.txt": (
            f"Home\n====\n\nShared `page <{server.base}/ok>`__ and "
            + extra.format(server.base) + ".\n")})
    result = giza("--executor", "serial", "linkcheck", "--all-branches")
    assert result.code == 1, result.out + result.err
    assert server.count("/ok") == 1  # three branches link to it: requested once
    assert server.count("/missing") == 1
    report = [line for line in result.out.splitlines() if not line.startswith("[")]
    assert report == [
        "broken (1):",
        f"  {server.base}/missing: 404 Not Found",
        "      source/index.txt:4 (v1)",
        "ok: 1; ignored: 0",
        "linkcheck: 2 unique URLs in 3 variants; 2 requests, 0 from the cache; 1 broken, 0 "
        "redirected, 0 rate-limited or host down"]
    assert "v2/collect:linkcheck" in result.out
