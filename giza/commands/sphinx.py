"""giza sphinx -b BUILDER... [-e EDITION...] [-l LANG...]"""

from __future__ import annotations

import argh


@argh.arg("-b", "--builder", nargs="+", help="builders, or 'publish' (default: html)")
@argh.arg("-e", "--edition", nargs="+", help="editions or 'all' (default: all)")
@argh.arg("-l", "--language", nargs="+", help="languages or 'all' (default: source language)")
@argh.arg("--report", metavar="FILE.json", help="also write a machine-readable report")
@argh.arg("--report-html", metavar="FILE.html",
          help="also write the build's HTML report (timeline, variants, warnings)")
@argh.arg("-d", "--dry-run", help="print the task plan; build nothing")
@argh.arg("-f", "--fail-on-warning", help="fail (exit 1) when the output has a warning or "
          "an error, carried-over ones included")
@argh.arg("--explain", help="print why each variant would rebuild; build nothing")
@argh.arg("--serial-sphinx",
          help="the original giza's flag: run one sphinx-build at a time (--executor serial)")
def sphinx(*, builder: list[str] | None = None, edition: list[str] | None = None,
           language: list[str] | None = None, dry_run: bool = False,
           fail_on_warning: bool = False, report: str | None = None,
           explain: bool = False, serial_sphinx: bool = False,
           report_html: str | None = None) -> int:
    """Generate content and run sphinx-build for every requested variant."""
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.lock import build_lock
    from giza.pipeline.driver import BuildRequest, build

    if serial_sphinx:
        from dataclasses import replace

        from giza.options import current, use

        use(replace(current(), executor="serial"))

    request = BuildRequest(builders=tuple(builder or ("html",)), editions=tuple(edition or ()),
                           languages=tuple(language or ()), dry_run=dry_run,
                           fail_on_warning=fail_on_warning, report=report, explain=explain,
                           report_html=report_html)
    config = load_config(checked=True)
    with build_lock(config, read_only=dry_run or explain):
        return build(config, request)
