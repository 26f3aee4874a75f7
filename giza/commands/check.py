"""giza check [-e EDITION...]"""

from __future__ import annotations

import argh


@argh.arg("-e", "--edition", nargs="+", help="editions or 'all' (default: all)")
def check(*, edition: list[str] | None = None) -> int:
    """Check every content and config file and report every problem; build nothing.

    Exit 0 when there is no error, 2 when there is one (or a warning under --strict),
    1 when an asset the checks read could not be cloned."""
    from giza.check import run_check_command  # lazy: only this command needs it (start-up time)
    from giza.commands.project import load_config  # lazy: keeps start-up fast

    return run_check_command(load_config(checked=True), edition or ())
