"""giza quickstart DIR"""

from __future__ import annotations

from pathlib import Path


def quickstart(directory: str, *, name: str | None = None) -> int:
    """Write a small working giza project into DIRECTORY (never overwrites a file)."""
    from giza.quickstart import create  # lazy: only this command needs it (start-up time)

    written = create(Path(directory), name=name)
    for path in written:
        print(f"created {path}")
    print(f"next: cd {directory} && git init && giza sphinx -b html")
    return 0
