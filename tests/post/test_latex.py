"""latex finalizer: latexmk per pdfs.yaml entry, or a clean skip when it is missing.

The .tex files are real Sphinx output. Where latexmk is installed (``make test`` installs
it when it can) the PDF is built for real; the argv and failure reporting are also
checked with a stand-in ``latexmk`` script on PATH."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from giza.errors import BuildError
from giza.post import post_variant
from giza.post.latex import NOT_INSTALLED, entries
from giza.variants import Variant

FAKE = """#!{python}
import pathlib, sys
pathlib.Path("latexmk-argv.txt").write_text(" ".join(sys.argv[1:]))
if "{fail}":
    print("! LaTeX Error: boom")
    sys.exit(12)
tex = pathlib.Path(sys.argv[-1])
tex.with_suffix(".pdf").write_bytes(b"%PDF-1.5 " + tex.read_bytes()[:20])
"""


def fake_latexmk(directory: Path, fail: bool = False) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "latexmk"
    script.write_text(FAKE.format(python=sys.executable, fail="yes" if fail else ""))
    script.chmod(0o755)
    return directory


def test_entries_are_filtered_by_edition(built: Any) -> None:
    assert [e["output"] for e, _ in entries(built.config, None)] == ["demo-manual.tex"]
    assert [e["output"] for e, _ in entries(built.config, "other")] == \
        ["demo-manual.tex", "other.tex"]
    assert entries(built.config, None)[0][1].endswith("pdfs.yaml:1")


def test_without_latexmk_the_variant_is_skipped(built: Any, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    result = post_variant(built.config, Variant("latex"))
    assert result["skipped"] is True
    assert result["notes"] == [NOT_INSTALLED]
    assert result["owns"] == []


def test_latexmk_builds_each_pdf(built: Any, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(fake_latexmk(tmp_path / "bin")))
    result = post_variant(built.config, Variant("latex"))
    fragment = Path(result["fragment"])
    assert result["skipped"] is False
    assert result["owns"] == ["demo-manual-print-3.0.pdf", "demo-manual-print.pdf"]
    assert (fragment / "demo-manual-print-3.0.pdf").read_bytes().startswith(b"%PDF")
    assert os.readlink(fragment / "demo-manual-print.pdf") == "demo-manual-print-3.0.pdf"
    argv = (built.variant_out("latex") / "latexmk-argv.txt").read_text()
    assert argv == "-pdf -interaction=nonstopmode -halt-on-error demo-manual.tex"


def test_latexmk_failure_names_variant_and_file(built: Any, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(fake_latexmk(tmp_path / "bin", fail=True)))
    with pytest.raises(BuildError, match=r"latex: latexmk failed on .*demo-manual\.tex "
                                         r"\(exit 12\):\n! LaTeX Error: boom"):
        post_variant(built.config, Variant("latex"))


@pytest.mark.skipif(shutil.which("latexmk") is None, reason="latexmk is not installed")
def test_real_latexmk_builds_the_pdf(built: Any) -> None:
    result = post_variant(built.config, Variant("latex"))
    fragment = Path(result["fragment"])
    assert result["skipped"] is False
    assert result["notes"] == ["demo-manual-print-3.0.pdf from demo-manual.tex"]
    pdf = (fragment / "demo-manual-print-3.0.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) > 10_000  # a typeset manual, not a stub
