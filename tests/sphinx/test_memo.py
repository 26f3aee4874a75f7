"""Highlighting once per process: the same HTML, and warnings still reported each time."""

from __future__ import annotations

import sphinx.highlighting as highlighting
from sphinx.highlighting import PygmentsBridge

from giza.sphinx import memo


def test_a_block_is_highlighted_once_and_gives_the_same_html(monkeypatch):
    calls = []
    original = highlighting.highlight

    def counting(*args, **kwargs):
        calls.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(highlighting, "highlight", counting)
    monkeypatch.setattr(PygmentsBridge, "highlight_block", PygmentsBridge.highlight_block)
    monkeypatch.setattr(memo, "_MEMO", {})
    plain = PygmentsBridge("html", "sphinx").highlight_block("x = 1\n", "python")
    assert memo.install() is True
    assert memo.install() is False  # once is enough
    bridge = PygmentsBridge("html", "sphinx")
    first = bridge.highlight_block("x = 1\n", "python")
    second = PygmentsBridge("html", "sphinx").highlight_block("x = 1\n", "python")
    assert first == second == plain
    assert calls == ["x = 1\n", "x = 1\n"]  # before install, then once after
    # another style is another key (its HTML has the same classes, but a key cannot know)
    PygmentsBridge("html", "monokai").highlight_block("x = 1\n", "python")
    assert len(calls) == 3


def test_a_block_that_warned_is_highlighted_again(monkeypatch):
    monkeypatch.setattr(PygmentsBridge, "highlight_block", PygmentsBridge.highlight_block)
    monkeypatch.setattr(memo, "_MEMO", {})
    warned = []
    monkeypatch.setattr(highlighting.logger, "warning",
                        lambda message, *args, **kwargs: warned.append(message % args))
    assert memo.install() is True
    bridge = PygmentsBridge("html", "sphinx")
    for _ in range(2):
        bridge.highlight_block("y = 2\n", "no-such-language-here")
    assert warned == ["Pygments lexer name 'no-such-language-here' is not known"] * 2
    assert highlighting.logger.__class__.__name__ != "_WarningSeen"  # put back each time
