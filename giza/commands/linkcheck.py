"""giza linkcheck [-e EDITION...] [-l LANG...] [--refresh] [--report FILE.json]"""

from __future__ import annotations

import argh


@argh.arg("-e", "--edition", nargs="+", help="editions or 'all' (default: all)")
@argh.arg("-l", "--language", nargs="+", help="languages or 'all' (default: source language)")
@argh.arg("--all-branches", help="every published branch, each from its own git worktree")
@argh.arg("--refresh", help="check every URL again, ignoring build/.giza/linkcheck.json")
@argh.arg("--report", metavar="FILE.json", help="also write the report as JSON")
@argh.arg("--per-host", type=int, metavar="N",
          help="requests in flight to one host at a time (default: 2)")
@argh.arg("--workers", type=int, metavar="N",
          help="requests in flight in all (default: conf.py's linkcheck_workers, 5)")
def linkcheck(*, edition: list[str] | None = None, language: list[str] | None = None,
              all_branches: bool = False, refresh: bool = False, report: str | None = None,
              per_host: int = 2, workers: int | None = None) -> int:
    """Check every external link of every selected variant once, politely, with a cache."""
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.linkcheck.run import LinkcheckRequest
    from giza.linkcheck.run import linkcheck as run

    request = LinkcheckRequest(editions=tuple(edition or ()), languages=tuple(language or ()),
                               all_branches=all_branches, refresh=refresh, report=report,
                               per_host=per_host, workers=workers)
    if all_branches:
        from giza.branches.linkcheck import linkcheck_branches

        return linkcheck_branches(load_config(), request)
    return run(load_config(), request)
