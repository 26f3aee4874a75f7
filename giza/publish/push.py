"""`giza push` and `giza make`: build, then deploy only what fully built."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import TextIO

from giza import make_targets
from giza.clean import clean
from giza.config.model import Config
from giza.errors import shown
from giza.pipeline.driver import BuildRequest, build
from giza.publish.deploy import deploy, deploy_tasks, load_targets, select, target_names


def push(config: Config, targets: Sequence[str], request: BuildRequest,
         out: TextIO | None = None) -> int:
    """The publish build with deploy tasks last in the same graph, behind its publish step
    (giza.pipeline.plan.add_publish): they run iff the whole build succeeded."""
    out = out or sys.stdout
    select(load_targets(config), targets)  # bad target names fail before any build
    code = build(config, replace(request, deploy=tuple(targets)), out)
    if request.dry_run:
        # The build would create what is missing now: show the commands, not notes.
        for task in deploy_tasks(config, targets):
            for argv in task.kwargs["argvs"]:
                out.write(f"would run: {shlex.join(argv)}\n")
    return code


def make(config: Config, targets: Sequence[str], dry_run: bool = False,
         out: TextIO | None = None) -> int:
    out = out or sys.stdout
    push_targets = target_names(config)
    job = make_targets.parse(config, targets, push_targets)
    for line in make_targets.describe(job):
        out.write(f"giza make: {line}\n")
    out.flush()
    if job.clean:
        for path in clean(config, dry_run=dry_run):
            out.write(("would remove " if dry_run else "removed ") + shown(path) + "\n")
    request = BuildRequest(builders=tuple(job.builders), editions=tuple(job.editions),
                           languages=tuple(job.languages), dry_run=dry_run)
    if job.build and job.deploy:
        return push(config, job.deploy, request, out)
    if job.build:
        return build(config, request, out)
    if job.deploy:
        return deploy(config, job.deploy, dry_run=dry_run, out=out)
    return 0
