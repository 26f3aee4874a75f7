"""``giza push --branches``: build every branch, then deploy only when all succeeded, or
when ``--partial`` names every branch that failed (those are left as they are remotely)."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, TextIO

from giza.branches.run import build_branches
from giza.branches.select import branch_names, check_partial
from giza.branches.site import at_branch
from giza.config.model import Config
from giza.graph import Task
from giza.pipeline.driver import BuildRequest
from giza.publish.deploy import (
    commands,
    deploy_group,
    load_targets,
    run_deploy_tasks,
    select,
    source_check,
)


def push_branches(config: Config, names: Sequence[str], request: BuildRequest, value: str,
                  partial: Sequence[str], out: TextIO | None = None) -> int:
    out = out or sys.stdout
    targets = select(load_targets(config), names)  # bad names fail before any build
    check_partial(partial, branch_names(config, value))
    result = build_branches(config, request, value, out)
    if request.dry_run:
        for task in deploy_tasks(config, targets, (*result.frozen, *result.built), ()):
            for argv in task.kwargs["argvs"]:
                out.write(f"would run: {shlex.join(argv)}\n")
        return result.code
    unexcused = [b for b in result.failed if b not in partial]
    if unexcused:
        out.write(f"giza: not deploying: branch{'es' if len(unexcused) > 1 else ''} "
                  f"{', '.join(unexcused)} failed; nothing was deployed (--partial "
                  f"{' '.join(unexcused)} deploys the other branches)\n")
        return result.code or 1
    ok = [b for b in (*result.frozen, *result.built) if b not in result.failed]
    if result.failed:
        out.write(f"giza: deploying {', '.join(ok) or 'nothing'}; leaving "
                  f"{', '.join(result.failed)} as deployed before (--partial)\n")
    tasks = deploy_tasks(config, targets, ok, result.failed)
    return max(result.code, run_deploy_tasks(config, tasks, out))


def deploy_tasks(config: Config, targets: Sequence[Any], ok: Sequence[str],
                 failed: Sequence[str]) -> list[Any]:
    """Per target and host one task: a branched target gets each good branch's site, a
    whole-site target the site without the failed branches' directories."""
    tasks = []
    for target in targets:
        if target.branched:
            parts = [(at_branch(config, b), target) for b in ok]
        else:
            # An excluded directory is neither sent nor deleted remotely (no --delete-excluded).
            excluded = tuple(f"--exclude=/{b}/" for b in failed)
            parts = [(config, replace(target, args=(*target.args, *excluded)))]
        for index, (here, what) in enumerate(parts):
            groups: dict[str, list[list[str]]] = {}
            for command in commands(here, what):
                groups.setdefault(command.host, []).append(list(command.argv))
            for host, argvs in groups.items():
                tasks.append(Task(name=f"deploy:{target.name}:{host}:{index}", func=deploy_group,
                                  kwargs={"check": source_check(here, what, True),
                                          "argvs": argvs},
                                  kind="deploy", label=" ; ".join(map(shlex.join, argvs))))
    return tasks
