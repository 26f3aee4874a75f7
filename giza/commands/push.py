"""giza push -t TARGET... / giza deploy -t TARGET..."""

from __future__ import annotations

import argh


@argh.arg("-t", "--target", "--deploy", dest="target", nargs="+", required=True,
          help="push targets from push.yaml (--deploy: the original giza's spelling)")
@argh.arg("-b", "--builder", nargs="+", help="builders (default: publish)")
@argh.arg("-e", "--edition", nargs="+", help="editions or 'all' (default: all)")
@argh.arg("-l", "--language", nargs="+", help="languages or 'all'")
@argh.arg("-d", "--dry-run", help="print the build plan and the rsync commands; change nothing")
def push(*, target: list[str], builder: list[str] | None = None,
         edition: list[str] | None = None, language: list[str] | None = None,
         dry_run: bool = False) -> int:
    """Build the publication, then deploy it only if every variant succeeded."""
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.lock import build_lock
    from giza.pipeline.driver import BuildRequest
    from giza.publish.push import push as run_push

    request = BuildRequest(builders=tuple(builder or ("publish",)),
                           editions=tuple(edition or ()), languages=tuple(language or ()),
                           dry_run=dry_run)
    config = load_config(checked=True)
    with build_lock(config, read_only=dry_run):
        return run_push(config, target, request)


@argh.arg("-t", "--target", "--deploy", dest="target", nargs="+", required=True,
          help="push targets from push.yaml (--deploy: the original giza's spelling)")
@argh.arg("-d", "--dry-run", help="print the rsync commands; change nothing")
@argh.arg("--from", dest="archive", help="deploy this `giza package` archive (verified "
                                         "against its manifest) instead of build/")
def deploy(*, target: list[str], dry_run: bool = False, archive: str | None = None) -> int:
    """Deploy what is already built (rsync); --dry-run prints the commands only."""
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.lock import build_lock
    from giza.publish.deploy import deploy as run_deploy

    config = load_config()
    if archive is not None:
        from pathlib import Path  # lazy: only --from needs these

        from giza.publish.package import deploy_from

        return deploy_from(config, target, Path(archive), dry_run=dry_run)
    # Deploy reads the staged site: a build must not swap it out underneath.
    with build_lock(config, read_only=dry_run):
        return run_deploy(config, target, dry_run=dry_run)
