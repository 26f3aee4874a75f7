"""giza records [--last N] [--fails] [--variant V] [--timers]"""

from __future__ import annotations

import argh


@argh.arg("--last", type=int, help="how many records to show, newest first (default: 1)")
@argh.arg("--variant", help="only this variant, e.g. html-saas")
@argh.arg("-f", "--fails", help="only variants that failed")
@argh.arg("--timers", help="also show where the time went: merged timers by category, and "
          "each task's worker, start, end, peak memory and sphinx phases")
def records(*, last: int = 1, fails: bool = False, variant: str | None = None,
            timers: bool = False) -> int:
    """Show the build records of the current branch: per variant its status, time,
    warnings and why it ran."""
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.pipeline.store import format_records, load_records

    config = load_config()
    found = load_records(config, max(1, last))
    for data in found or [None]:
        for line in format_records([data] if data else [], fails, variant):
            print(line)
        if timers and data:
            from giza.timeline import format_timers

            for line in format_timers(data):
                print(line)
    return 0
