"""giza report [--record N] [-o FILE]"""

from __future__ import annotations

import argh


@argh.arg("--record", type=int, help="which record: 0 is the newest (default), 1 the one "
          "before, up to 9")
@argh.arg("-o", "--output", metavar="FILE", help="where to write the page (default: "
          "build/<branch>/.giza/report.html)")
def report(*, record: int = 0, output: str | None = None) -> int:
    """Write a build record as one self-contained HTML page: a timeline of the tasks on each
    worker, the variants, the slowest documents, every warning, and what changed since the
    record before it."""
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.errors import shown
    from giza.htmlreport import report_for

    path = report_for(load_config(), record, output)
    print(f"giza: report written to {shown(path)}")
    return 0
