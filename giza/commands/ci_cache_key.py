"""giza ci-cache-key [--show]"""

from __future__ import annotations

import argh


@argh.arg("--show", help="also list what the key hashes, one input a line")
def ci_cache_key(*, show: bool = False) -> int:
    """Print a key for caching build/ in CI: it changes exactly when the versions of giza,
    Sphinx or the extensions conf.py lists change, or conf.py does."""
    from giza.cicache import cache_key, key_parts  # lazy: only this command (start-up time)
    from giza.commands.project import load_config

    config = load_config()
    conf = config.root / "conf.py"
    parts = key_parts(conf if conf.is_file() else None)
    print(cache_key(parts))
    for part in parts if show else ():
        print(f"  {part.name}: {part.value}")
    return 0
