"""giza config [KEY]"""

from __future__ import annotations


def config(key: str | None = None) -> int:
    """Print the resolved configuration as YAML, or one value by dotted KEY."""
    from giza.commands.project import load_config  # lazy: keeps start-up fast
    from giza.config.show import lookup, render, resolved

    data = resolved(load_config())
    print(render(lookup(data, key) if key else data))
    return 0
