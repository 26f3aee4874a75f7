"""Redirects from ``htaccess*.yaml`` units.

A unit::

    from: /old/path            # site path; gets a leading '/', loses a trailing '/'
    to: /new/path              # site path or an absolute http(s) URL
    code: 301                  # 301|302|303|307|308, default 303
    outputs: [all, before-v3.0, after-v3.2, v2.6, {manual: v3.0}, {after-v3.0: manual},
              {before-v3.0: {onprem: cloud}}]
    edition: saas              # optional filter (string or list)

``outputs`` expands against the published branches (newest first) into pairs of
prefixes, the left one for ``from`` and the right one for ``to``:

* ``all``: every published branch, on both sides;
* ``before-<b>``: ``<b>`` and every older branch; ``after-<b>``: every newer one;
* a plain string: that prefix on both sides (``''`` means no prefix);
* ``{left: right}``: different prefixes; when ``left`` is ``all``/``before-<b>``/
  ``after-<b>`` it is expanded and every branch redirects to ``right``; a ``right``
  that is an http(s) URL makes the target ``<right><to>``, on that site;
* ``{<set>: {src: dst}}`` with ``<set>`` one of ``all``/``before-<b>``/``after-<b>``:
  each branch ``b`` of the set redirects from ``src/b`` to ``dst/b``.

Without ``outputs`` the redirect applies once, without a prefix. The resolved list
renders as Apache ``.htaccess`` lines, nginx ``location`` rules or HTML
meta-refresh stub pages.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from giza.errors import ConfigError, shown
from giza.problems import warn
from giza.schema import Anything, Convert, Required, Section, Wrong, checked, type_name
from giza.site._files import edition_matches
from giza.site.serverconf import htaccess_rule, nginx_rule
from giza.yamlfile import Node, iter_units

VALID_CODES = (301, 302, 303, 307, 308)
DEFAULT_CODE = 303


@dataclass(frozen=True)
class Redirect:
    """One resolved redirect: ``source`` is a site path, ``target`` a path or URL."""

    code: int
    source: str
    target: str
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{shown(self.file)}:{self.line}"


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _norm_path(value: str) -> str:
    """Leading '/', no trailing '/', no doubled slashes ('' for the site root)."""
    parts = [part for part in value.split("/") if part]
    return "/" + "/".join(parts) if parts else ""


def _join(prefix: str, path: str) -> str:
    return _norm_path(f"{prefix}/{path}") or "/"


def _branch_set(expr: str, published: Sequence[str], where: str) -> list[str] | None:
    """Expand ``all``/``before-<b>``/``after-<b>``; None for a plain prefix."""
    if expr == "all":
        return list(published)
    for kind in ("before-", "after-"):
        if expr.startswith(kind):
            branch = expr[len(kind):]
            if branch not in published:
                known = ", ".join(published) if published else "(none)"
                warn(f"{where}: unknown branch {branch!r} in {expr!r}; this output "
                     f"is skipped, as the original giza did; published branches: {known}")
                return []
            index = list(published).index(branch)
            # newest first: "before" is this branch and everything after it in the list
            return list(published[index:]) if kind == "before-" else list(published[:index])
    return None


def _mapped_branches(expr: str, mapping: dict[Any, Any], published: Sequence[str],
                     where: str) -> list[tuple[str, str]]:
    """``{before-v3.0: {onprem: cloud}}``: each branch ``b`` of the set redirects from
    ``onprem/b`` to ``cloud/b`` (the historic form for products whose sections moved)."""
    branches = _branch_set(expr, published, where)
    if branches is None:
        raise ConfigError(f"{where}: {{{expr}: {{from-prefix: to-prefix}}}} needs all, "
                          f"before-<branch> or after-<branch> as its key, got {expr!r}")
    if len(mapping) != 1 or not all(isinstance(x, str) for x in next(iter(mapping.items()))):
        raise ConfigError(f"{where}: {{{expr}: ...}}: must be one {{from-prefix: to-prefix}} "
                          f"pair of strings, not {dict(mapping)!r}")
    src, dst = next(iter(mapping.items()))
    return [(f"{src}/{b}" if src else b, f"{dst}/{b}" if dst else b) for b in branches]


def _expand_outputs(outputs: Any, published: Sequence[str], links: Mapping[str, str],
                    where: str) -> list[tuple[str, str]]:
    if outputs is None:
        return [("", "")]
    if isinstance(outputs, str):
        outputs = [outputs]
    if not isinstance(outputs, list):
        raise ConfigError(f"{where}: outputs: must be a list, not {type_name(outputs)}")
    pairs: list[tuple[str, str]] = []
    expanded: list[tuple[str, str]] = []  # the pairs link aliases apply to
    for index, item in enumerate(outputs):
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            item = str(item)
        if isinstance(item, str):
            branches = _branch_set(item, published, f"{where}: outputs[{index}]")
            if branches is None:
                pairs.append((item, item))
                if item == "master":
                    expanded.append((item, item))
            else:
                pairs.extend((b, b) for b in branches)
                expanded.extend((b, b) for b in branches)
        elif isinstance(item, dict) and len(item) == 1:
            left, right = next(iter(item.items()))
            if isinstance(left, str) and isinstance(right, dict):
                pairs.extend(_mapped_branches(left, right, published, f"{where}: outputs[{index}]"))
                continue
            if not isinstance(left, str) or not isinstance(right, str):
                raise ConfigError(f"{where}: outputs[{index}]: must be {{left: right}} with "
                                  f"string prefixes, not {dict(item)!r}")
            branches = _branch_set(left, published, f"{where}: outputs[{index}]")
            if branches is None:
                pairs.append((left, right))
            else:
                pairs.extend((b, right) for b in branches)
                expanded.extend((b, right) for b in branches)
        else:
            raise ConfigError(f"{where}: outputs[{index}]: must be a string or a one-key "
                              f"mapping, not {item!r}")
    # links ("manual" -> "v3.0") shadow a branch: its alias gets the same redirect, but
    # only where a branch set (or a plain 'master') put the branch there, as in the
    # original; an explicit {master: URL} pair is left as it is.
    for alias, branch in links.items():
        for left, right in expanded:
            if left == branch:
                pairs.append((alias, alias if right == branch else right))
    return list(dict.fromkeys(pairs))  # drop duplicates, keep order


def _unit_redirects(doc_path: Path, unit: Node, published: Sequence[str],
                    links: Mapping[str, str]) -> list[Redirect]:
    file = str(doc_path)
    where = f"{shown(file)}:{unit.line}"
    if unit.get("to") == "":
        warn(f"{shown(file)}:{unit.line_of('to')}: to: is empty; it redirects to the site "
             f"root '/', as the original giza did")
        fixed = Node({**unit, "to": "/"})
        fixed.line, fixed.key_lines = unit.line, unit.key_lines
        unit = fixed
    code = _check_unit(file, unit)
    source = unit["from"].strip()
    target = unit["to"].strip()
    for key, value in (("from", source), ("to", target)):
        if any(ch.isspace() for ch in value):
            # one redirect is one whitespace-separated server directive
            raise ConfigError(f"{shown(file)}:{unit.line_of(key)}: {key}: {value!r} contains "
                              "whitespace; encode it as %20")
    if _is_url(source):
        raise ConfigError(f"{shown(file)}:{unit.line_of('from')}: from: must be a site path, "
                          f"not the URL {source!r}")
    outputs_where = f"{shown(file)}:{unit.line_of('outputs')}"
    result = []
    for left, right in _expand_outputs(unit.get("outputs"), published, links, outputs_where):
        src = _join(left, source)
        if _is_url(target):
            dst = target
        elif _is_url(right):
            # {'/bi-connector': 'https://docs.example.com/bi-connector'}: the target lives
            # on another site (or under another base URL); the path goes after it
            dst = right.rstrip("/") + _norm_path(target)
        else:
            dst = _join(right, target)
        if src == dst:
            warn(f"{where}: from: redirect of {src!r} onto itself never takes effect; "
                 f"it is skipped")
            continue
        result.append(Redirect(code, src, dst, file, unit.line))
    return result


def _end(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Wrong(form=True)
    return value


def _redirect_code(value: Any) -> int:
    # 301 or "301"; not 301.5 or true
    valid_type = (isinstance(value, int) and not isinstance(value, bool)) or \
        (isinstance(value, str) and value.strip().isdigit())
    if not valid_type or int(value) not in VALID_CODES:
        raise Wrong(form=True)
    return int(value)


# `outputs` has a grammar of its own (see the module docstring): _expand_outputs reads it.
# Keys the original did not read are read past, as it did.
UNIT = Section({
    "from": Required(Convert("a non-empty string", _end)),
    "to": Required(Convert("a non-empty string", _end)),
    "code": Convert(f"one of {', '.join(map(str, VALID_CODES))}", _redirect_code,
                    default=DEFAULT_CODE),
    "outputs": Anything(),
    "edition": Anything(),
}, unknown="ignore")


def _check_unit(file: str, unit: Node) -> int:
    """The unit checked; its redirect code."""
    if "redirect-path" in unit and (unit.get("from") is None or unit.get("to") is None):
        # Hand-written: a hint that depends on another key than the one missing.
        key = "from" if unit.get("from") is None else "to"
        raise ConfigError(f"{shown(file)}:{unit.line_of(key)}: {key}: required key is "
                          f"missing; this unit uses the keys of the makefile-era tools "
                          f"('redirect-path', 'url-base'): rename them 'from' and 'to'")
    return checked(unit, UNIT, Path(file))["code"]


def load_redirects(paths: Iterable[Path], published: Sequence[str],
                   edition: str | None = None,
                   links: Mapping[str, str] | None = None) -> list[Redirect]:
    """Read and resolve the redirect units of every ``htaccess*`` file.

    Every problem is a warning (``<file>:<line>: <key>: ...``; an error under
    ``--strict``): a bad unit is skipped, an output naming an unknown branch is skipped,
    a redirect onto itself is skipped, of two rules for one path the first in the
    original's line order wins, and a loop is reported. The result is sorted by source.
    """
    by_source: dict[str, Redirect] = {}
    for path in paths:
        for _doc, unit in iter_units(path, "a mapping with 'from' and 'to'"):
            if not edition_matches(unit.get("edition"), edition):
                continue
            try:
                found = _unit_redirects(path, unit, published, links or {})
            except ConfigError as exc:
                # Redirects never stop a build: the original did not even read them there.
                for problem in str(exc).splitlines():
                    warn(f"{problem}; this redirect is skipped")
                continue
            for redirect in found:
                _add(by_source, redirect)
    _check_loops(by_source)
    return [by_source[key] for key in sorted(by_source)]


def _add(by_source: dict[str, Redirect], redirect: Redirect) -> None:
    """Keep the first rule for a path; the server's first match wins, so a later,
    different rule for the same path never takes effect (the original wrote both)."""
    previous = by_source.get(redirect.source)
    if previous is None:
        by_source[redirect.source] = redirect
        return
    first, later = sorted((previous, redirect), key=_line_order)
    if (first.target, first.code) != (later.target, later.code):
        warn(f"{later.where}: this redirect never takes effect: {later.source} is already "
             f"redirected to {first.target} by {first.where}, which comes first")
    by_source[redirect.source] = first


def _line_order(redirect: Redirect) -> tuple[int, str]:
    # The original sorted its `Redirect <code> <from> <url>` lines as text.
    return (redirect.code, redirect.target)


def _check_loops(by_source: Mapping[str, Redirect]) -> None:
    """Follow every chain of site-path redirects; a repeated path is a loop."""
    done: set[str] = set()
    for start in sorted(by_source):
        chain: list[Redirect] = []
        position: dict[str, int] = {}
        current: str | None = start
        while current is not None and current in by_source and current not in done:
            if current in position:
                hops = chain[position[current]:]
                text = " -> ".join(f"{r.source} ({r.where})" for r in hops)
                warn(f"{hops[0].where}: redirect loop: {text} -> {current}; browsers "
                     f"give up on these pages")
                break
            position[current] = len(chain)
            redirect = by_source[current]
            chain.append(redirect)
            current = None if _is_url(redirect.target) else redirect.target
        done.update(position)


def target_url(redirect: Redirect, project_url: str) -> str:
    """Absolute URL of the redirect target (site paths are joined to ``project_url``)."""
    if _is_url(redirect.target):
        return redirect.target
    return project_url.rstrip("/") + redirect.target


def render_htaccess(redirects: Iterable[Redirect], project_url: str) -> str:
    """Apache ``Redirect <code> <from> <url>`` lines, sorted, newline-terminated."""
    lines = sorted(htaccess_rule(r.code, r.source, target_url(r, project_url),
                                 f"{shown(r.file)}:{r.line}") for r in redirects)
    return "".join(line + "\n" for line in lines)


def render_nginx(redirects: Iterable[Redirect], project_url: str) -> str:
    """nginx ``location = <from> { return <code> <url>; }`` rules, sorted."""
    lines = sorted(nginx_rule(r.code, r.source, target_url(r, project_url),
                              f"{shown(r.file)}:{r.line}") for r in redirects)
    return "".join(line + "\n" for line in lines)


_STUB = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Redirecting to {url}</title>
<link rel="canonical" href="{url}">
<meta http-equiv="refresh" content="0; url={url}">
<meta name="robots" content="noindex">
</head>
<body>
<p>This page has moved to <a href="{url}">{url}</a>.</p>
</body>
</html>
"""


def stub_path(source: str) -> str:
    """Relative path of the stub page for a site path ('/a/b' -> 'a/b/index.html')."""
    rel = source.strip("/")
    if rel.endswith((".html", ".htm")):
        return rel  # an old page URL: the stub takes its exact place
    return f"{rel}/index.html" if rel else "index.html"


def render_stubs(redirects: Iterable[Redirect], project_url: str) -> dict[str, str]:
    """HTML meta-refresh pages for hosts without server redirects: ``{relpath: html}``."""
    return {stub_path(r.source): _STUB.format(url=html.escape(target_url(r, project_url)))
            for r in redirects}

