"""giza archive BRANCH"""

from __future__ import annotations

import argh


@argh.arg("branch", help="a published branch whose staged site to freeze")
def archive(branch: str) -> int:
    """Freeze a branch: pack its staged site into build/archive/; later builds stage the
    archive instead of building the branch."""
    from giza.branches.archive import archive_branch  # lazy: only this command (start-up)
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.lock import build_lock

    config = load_config()
    with build_lock(config):
        print(archive_branch(config, branch))
    return 0
