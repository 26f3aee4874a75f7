"""giza clean [-b BUILDER...] [--all]"""

from __future__ import annotations

import argh


@argh.arg("-b", "--builder", nargs="+", help="remove only these builders' output and doctrees")
@argh.arg("-a", "--all", help="remove the whole build/ directory, every branch")
@argh.arg("-d", "--dry-run", help="print what would be removed; remove nothing")
def clean(*, builder: list[str] | None = None, all: bool = False, dry_run: bool = False) -> int:
    """Remove build output for the current branch (or one builder's, or all of build/)."""
    from giza.clean import clean as run_clean  # lazy: only this command needs it (start-up time)
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.errors import shown
    from giza.lock import build_lock

    config = load_config()
    with build_lock(config, read_only=dry_run):
        removed = run_clean(config, builders=builder or (), everything=all, dry_run=dry_run)
    for path in removed:
        print(("would remove " if dry_run else "removed ") + shown(path))
    return 0
