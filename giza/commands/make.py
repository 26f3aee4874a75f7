"""giza make TARGET..."""

from __future__ import annotations

import argh


@argh.arg("targets", nargs="+", help="make targets, e.g. html, dirhtml-saas, publish, push")
@argh.arg("-d", "--dry-run", help="print the giza command and what it would do; run nothing")
def make(*targets: str, dry_run: bool = False) -> int:
    """Run make targets: <builder>[-<edition>][-<lang>], publish, push[-<target>], stage,
    push-deploy, clean. Prints the equivalent giza command first."""
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.lock import build_lock
    from giza.publish.push import make as run_make

    config = load_config(checked=True)
    with build_lock(config, read_only=dry_run):
        return run_make(config, list(targets), dry_run=dry_run)
