"""Highlight each code block once per process, for every builder that process writes.

html, dirhtml, json, singlehtml and epub all turn a code block into the same Pygments HTML:
when one process writes several of them (giza.sphinx.runner), the second and later
builders take the first one's result. The key is everything the result depends on (the
bridge's destination and formatter, its options, the source, language, lexer options and
keyword arguments), never the location, which only names the block in a warning. A block
whose highlighting warned (an unknown language, a lexing error) is not remembered, so each
builder still reports it, as it would on its own.
"""

from __future__ import annotations

from typing import Any

_MEMO: dict[tuple[Any, ...], str] = {}
_LIMIT = 50_000  # blocks remembered; past that, highlight as Sphinx does (memory stays bounded)


class _WarningSeen:
    """Stands in for sphinx.highlighting's logger during one call: notes a warning."""

    def __init__(self, logger: Any) -> None:
        self.logger, self.warned = logger, False

    def warning(self, *args: Any, **kwargs: Any) -> None:
        self.warned = True
        self.logger.warning(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.logger, name)


def _key(bridge: Any, source: Any, lang: str, opts: Any, force: bool,
         kwargs: dict[str, Any]) -> tuple[Any, ...]:
    return (bridge.dest, bridge.formatter, repr(sorted(bridge.formatter_args.items())),
            getattr(bridge, "latex_engine", None), source, lang,
            repr(sorted(opts.items())) if isinstance(opts, dict) else repr(opts), force,
            repr(sorted(kwargs.items())))


def install() -> bool:
    """Remember highlighted blocks in this process; False where this Sphinx's highlighter
    does not look as expected (then nothing changes)."""
    try:
        import sphinx.highlighting as highlighting  # lazy: only the runner process needs it
    except ImportError:
        return False
    bridge = getattr(highlighting, "PygmentsBridge", None)
    original = getattr(bridge, "highlight_block", None)
    if original is None or getattr(original, "giza_memo", False) \
            or not hasattr(highlighting, "logger"):
        return False

    def highlight_block(self: Any, source: Any, lang: str, opts: Any = None,
                        force: bool = False, location: Any = None, **kwargs: Any) -> str:
        key = _key(self, source, lang, opts, force, kwargs)
        found = _MEMO.get(key)
        if found is not None:
            return found
        seen = _WarningSeen(highlighting.logger)
        highlighting.logger = seen
        try:
            result = original(self, source, lang, opts, force, location, **kwargs)
        finally:
            highlighting.logger = seen.logger
        if not seen.warned and len(_MEMO) < _LIMIT:
            _MEMO[key] = result
        return result

    highlight_block.giza_memo = True  # type: ignore[attr-defined]
    bridge.highlight_block = highlight_block  # type: ignore[union-attr]
    return True
