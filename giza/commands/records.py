"""giza records [--last N] [--fails] [--variant V]"""

from __future__ import annotations

import argh


@argh.arg("--last", type=int, help="how many records to show, newest first (default: 1)")
@argh.arg("--variant", help="only this variant, e.g. html-saas")
@argh.arg("-f", "--fails", help="only variants that failed")
def records(*, last: int = 1, fails: bool = False, variant: str | None = None) -> int:
    """Show the build records of the current branch: per variant its status, time,
    warnings and why it ran."""
    from giza.commands import load_config
    from giza.records import format_records, load_records

    config = load_config()
    for line in format_records(load_records(config, max(1, last)), fails, variant):
        print(line)
    return 0
