"""giza package -t TARGET [-o FILE]"""

from __future__ import annotations

import argh


@argh.arg("-t", "--target", required=True, help="the push target from push.yaml to package")
@argh.arg("-o", "--output", help="archive to write (default: build/archive/"
                                 "<project>-<target>-<branch>-<sha8>.tar.gz)")
def package(*, target: str, output: str | None = None) -> int:
    """Pack exactly what `giza deploy -t TARGET` would upload into a reproducible .tar.gz
    with a sha256 manifest, for `giza deploy -t TARGET --from ARCHIVE`."""
    from pathlib import Path  # lazy, these: keep start-up fast for every other command

    from giza.commands.project import load_config
    from giza.lock import build_lock
    from giza.publish.package import package as run_package

    config = load_config()
    # Packing reads the staged site: a build must not swap it out underneath.
    with build_lock(config, read_only=True):
        run_package(config, target, Path(output) if output else None)
    return 0
