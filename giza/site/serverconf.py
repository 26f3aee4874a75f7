"""Redirect rules as nginx and Apache config lines that data cannot break out of.

Redirect units come from docs repositories that take pull requests from many people,
and the lines written here are deployed to production web servers. A value must never
end a directive or a block, open a quote, continue a line or expand a variable:

* a target URL has every such character percent-encoded (``;`` -> ``%3B``): a browser
  follows the same URL;
* a source path is matched by the server against the *decoded* request path, so
  encoding it would match a different URL: a source with such a character is an error.
"""

from __future__ import annotations

from urllib.parse import quote

from giza.errors import ConfigError

# Ends a directive or a block (nginx ; { }), quotes or escapes (both servers), expands a
# variable (nginx $name, Apache ${NAME}).
UNSAFE = frozenset(";{}\"'\\$")


def _unsafe(char: str, allowed: str = "") -> bool:
    # Control characters (C0, DEL, C1) and every kind of whitespace, line separators
    # included, would end the line or the argument.
    code = ord(char)
    return (char in UNSAFE and char not in allowed) or code < 0x20 or 0x7F <= code <= 0x9F \
        or char.isspace()


def safe_url(url: str) -> str:
    """``url`` with every character a server config could misread percent-encoded."""
    text = "".join(quote(ch, safe="") if _unsafe(ch) else ch for ch in url)
    # '#' starting an argument starts a comment in nginx
    return "%23" + text[1:] if text.startswith("#") else text


def check_path(path: str, where: str, key: str = "from") -> str:
    """``path`` unchanged if a server config can hold it as it is; else a ConfigError."""
    # nginx does not expand variables in a location, nor Apache '$' without '{'
    bad = sorted({ch for ch in path if _unsafe(ch, allowed="$")})
    if bad or not path.startswith("/"):
        shown = ", ".join(repr(ch) for ch in bad) or "its first character"
        raise ConfigError(
            f"{where}: {key}: {path!r} cannot be written safely into nginx or Apache "
            f"config: {shown} would end or change the directive, and the server matches "
            "the decoded request path, so percent-encoding it would redirect a different "
            "URL; remove the character")
    return path


def nginx_rule(code: int, source: str, url: str, where: str) -> str:
    """``location = <source> { return <code> <url>; }``"""
    return f"location = {check_path(source, where)} {{ return {code} {safe_url(url)}; }}"


def htaccess_rule(code: int, source: str, url: str, where: str) -> str:
    """``Redirect <code> <source> <url>``"""
    return f"Redirect {code} {check_path(source, where)} {safe_url(url)}"
