"""latex: PDFs from the ``pdfs.yaml`` entries, built with ``latexmk``.

Each entry's ``output`` names the ``.tex`` file Sphinx wrote; the PDF is staged as
``<stem>[-<tag>]-<branch>.pdf`` with a stable ``<stem>[-<tag>].pdf`` link.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from giza.config.model import Config
from giza.errors import BuildError, shown, where
from giza.post import Finalized, stable_link
from giza.post.staging import _place_file
from giza.proc import run_process
from giza.variants import Variant

NOT_INSTALLED = "latexmk is not installed; PDFs were not built (see docs: post.txt)"


def entries(config: Config, edition: str | None) -> list[tuple[dict[str, Any], str]]:
    """pdfs.yaml entries for this edition, each with its ``file:line`` for messages.

    The one reader of pdfs.yaml: giza.sphinxext's latex_documents (which name the .tex
    Sphinx writes) and this finalizer (which runs latexmk on it) must agree."""
    side = config.side("pdfs")
    if side is None:
        return []
    found = []
    for i, doc in enumerate(side.documents):
        origin = side.origins[i] if i < len(side.origins) else (side.paths[0], 0)
        docs = doc if isinstance(doc, (list, tuple)) else [doc]
        for entry in docs:
            if not isinstance(entry, dict) or not entry.get("output") or not entry.get("source"):
                continue
            # An entry that names editions is built for those editions only.
            wanted = entry.get("edition")
            if wanted and edition not in ([wanted] if isinstance(wanted, str) else wanted):
                continue
            found.append((dict(entry), where(*origin)))
    return found


def latex_documents(config: Config, edition: str | None) -> list[list[Any]]:
    """Sphinx latex_documents rows: (start doc, .tex name, title, author, class)."""
    return [[str(entry["source"]).lstrip("/"), str(entry["output"]),
             str(entry.get("title") or config.project.title), str(entry.get("author") or ""),
             str(entry.get("class") or "manual")]
            for entry, _ in entries(config, edition)]


def finalize(config: Config, variant: Variant, out: Path, fragment: Path) -> Finalized:
    todo = entries(config, variant.edition)
    if not todo:
        return Finalized(skipped=True, notes=["no pdfs.yaml entries for this edition"])
    latexmk = shutil.which("latexmk")
    if latexmk is None:
        return Finalized(skipped=True, notes=[NOT_INSTALLED])
    owns: list[str] = []
    notes: list[str] = []
    for entry, origin in todo:
        tex = out / str(entry["output"])
        if not tex.is_file():
            raise BuildError(f"{variant.name}: {shown(tex)} (pdfs.yaml entry at {origin}) "
                             f"was not written by Sphinx; check latex_documents")
        argv = [latexmk, "-pdf", "-interaction=nonstopmode", "-halt-on-error", tex.name]
        # Through run_process for its process group: Ctrl-C stops pdflatex too.
        run = run_process(argv, cwd=out)
        pdf = tex.with_suffix(".pdf")
        if run.returncode != 0 or not pdf.is_file():
            tail = "\n".join(run.output.splitlines()[-15:])
            raise BuildError(f"{variant.name}: latexmk failed on {shown(tex)} "
                             f"(exit {run.returncode}):\n{tail}")
        stem = tex.stem + (f"-{entry['tag']}" if entry.get("tag") else "")
        name = f"{stem}-{config.branch}.pdf"
        _place_file(str(pdf), str(fragment / name), link=False)
        stable_link(fragment, f"{stem}.pdf", name)
        owns += [name, f"{stem}.pdf"]
        notes.append(f"{name} from {tex.name}")
    return Finalized(owns=owns, notes=notes)
