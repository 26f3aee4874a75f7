"""giza generate KIND... | all [-e EDITION...]"""

from __future__ import annotations

import argh


@argh.arg("kinds", nargs="+", help="content kinds to generate, or 'all'")
@argh.arg("-e", "--edition", nargs="+", help="editions (default: all)")
@argh.arg("-l", "--language", nargs="+", help="languages (default: the source language)")
def generate(*kinds: str, edition: list[str] | None = None,
             language: list[str] | None = None) -> int:
    """Generate rST from YAML content into the proxy tree(s), without running Sphinx."""
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.lock import build_lock
    from giza.pipeline.driver import generate_content

    config = load_config(checked=True)
    with build_lock(config):
        lines = generate_content(config, list(kinds), edition or (), language or ())
    for line in lines:
        print(line)
    return 0
