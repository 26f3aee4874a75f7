"""`giza push` and `giza make`: build, then deploy only what fully built."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from giza.build import BuildRequest, build
from giza.config.model import Config


def push(config: Config, targets: Sequence[str], request: BuildRequest,
         out: TextIO | None = None) -> int:
    """The publish build, then deploy to ``targets`` iff every task succeeded."""
    from giza.deploy import deploy, load_targets, select

    out = out or sys.stdout
    select(load_targets(config), targets)  # bad target names fail before any build
    code = build(config, request, out)
    if request.dry_run:
        return deploy(config, targets, dry_run=True, out=out)
    if code != 0:
        out.write("giza: not deploying: the build failed; nothing was deployed\n")
        return code
    return deploy(config, targets, out=out)


def make(config: Config, targets: Sequence[str], dry_run: bool = False,
         out: TextIO | None = None) -> int:
    from giza import make as make_targets
    from giza.clean import clean
    from giza.deploy import deploy, load_targets

    out = out or sys.stdout
    push_targets = list(load_targets(config)) if config.side("push") else []
    job = make_targets.parse(config, targets, push_targets)
    for line in make_targets.describe(job):
        out.write(f"giza make: {line}\n")
    out.flush()
    if job.clean:
        for path in clean(config, dry_run=dry_run):
            out.write(("would remove " if dry_run else "removed ") + str(path) + "\n")
    request = BuildRequest(builders=tuple(job.builders), editions=tuple(job.editions),
                           languages=tuple(job.languages), dry_run=dry_run)
    if job.build and job.deploy:
        return push(config, job.deploy, request, out)
    if job.build:
        return build(config, request, out)
    if job.deploy:
        return deploy(config, job.deploy, dry_run=dry_run, out=out)
    return 0
