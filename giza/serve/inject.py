"""The script giza serve adds to HTML responses (never to the files in build/).

It listens on /__giza__/events (server-sent events) and reloads the page when its variant
was rebuilt; when the rebuild failed, or reported errors, it shows them in an overlay that
the next good build removes. On (re)connecting it asks /__giza__/status, so a page loaded
between a build and its event, or after a failed build, is still right.
"""

from __future__ import annotations

import json

SCRIPT = """<script id="giza-serve">(function () {
  var variant = %(variant)s, generation = %(generation)d, pages = %(pages)s;
  function overlay(errors) {
    var old = document.getElementById("giza-serve-overlay");
    if (old) { old.remove(); }
    if (!errors || !errors.length) { return; }
    var box = document.createElement("div");
    box.id = "giza-serve-overlay";
    box.setAttribute("style", "position:fixed;left:0;right:0;bottom:0;max-height:50%%;" +
      "overflow:auto;z-index:2147483647;background:#2b0b0b;color:#fdd;padding:1em;" +
      "font:14px/1.4 monospace;border-top:4px solid #e44");
    var head = document.createElement("strong");
    head.textContent = "giza serve: " + variant + ": " + errors.length + " error(s)";
    box.appendChild(head);
    errors.forEach(function (e) {
      var pre = document.createElement("pre");
      pre.style.whiteSpace = "pre-wrap";
      pre.textContent = (e.location ? e.location + ": " : "") + e.level + ": " + e.text;
      box.appendChild(pre);
    });
    document.body.appendChild(box);
  }
  function apply(state) {
    if (!state || state.variant !== variant) { return; }
    if (state.built && state.generation > generation) {
      // "pages": only the edited pages are written yet; others wait for "done"
      if (state.stage !== "pages" || state.pages.some(function (p) {
        return pages.indexOf(p) >= 0; })) { location.reload(); }
      return;
    }
    overlay(state.errors);
  }
  var source = new EventSource("/__giza__/events");
  source.addEventListener("build", function (m) { apply(JSON.parse(m.data)); });
  source.addEventListener("open", function () {
    fetch("/__giza__/status", {cache: "no-store"}).then(function (r) { return r.json(); })
      .then(function (s) { apply(s.variants[variant]); });
  });
})();</script>
"""


def script(variant: str, generation: int, pages: list[str] | None = None) -> str:
    return SCRIPT % {"variant": json.dumps(variant), "generation": generation,
                     "pages": json.dumps(pages or [])}


def page_names(rel: str) -> list[str]:
    """The docnames an output file may be: a/b.html is a/b; a/index.html is a/index, or a
    (dirhtml)."""
    base = rel[:-len(".html")] if rel.endswith(".html") else rel
    names = [base]
    if base.endswith("/index"):
        names.append(base[:-len("/index")])
    return names


def inject(html: bytes, variant: str, generation: int, pages: list[str] | None = None
           ) -> bytes:
    """The page with the script before its last </body> (or at its end)."""
    tag = script(variant, generation, pages).encode("utf-8")
    at = html.lower().rfind(b"</body>")
    if at < 0:
        return html + tag
    return html[:at] + tag + html[at:]
