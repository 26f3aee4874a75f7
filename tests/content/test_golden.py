"""Golden files: every generator's exact output for a fixture corpus.

``golden/<kind>/`` holds YAML inputs named as the generator expects and, next to
them, the expected ``.rst`` of each output (its path under ``includes/<output dir>/``).
``images`` holds an image ``metadata.yaml``, its SVGs and the figure ``.rst`` files.

After an intended change of output, rewrite the expected files with
``GIZA_GOLDEN_WRITE=1 pytest tests/content/test_golden.py``; that run fails on purpose
so that it cannot pass unnoticed, and the diff is reviewed before committing.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from giza.content import ContentContext, generate
from giza.content.registry import generators
from giza.site.images import generate_images

GOLDEN = Path(__file__).parent / "golden"
KINDS = sorted(path.name for path in GOLDEN.iterdir() if path.is_dir())
WRITE = os.environ.get("GIZA_GOLDEN_WRITE") == "1"


def _expected(kind: str) -> dict[str, str]:
    return {str(path.relative_to(GOLDEN / kind)): path.read_text(encoding="utf-8")
            for path in sorted((GOLDEN / kind).rglob("*.rst"))}


def _generate_content(kind: str, root: Path) -> dict[str, str]:
    includes = root / "source" / "includes"
    includes.mkdir(parents=True)
    for source in (GOLDEN / kind).glob("*.yaml"):
        shutil.copy(source, includes / source.name)
    ctx = ContentContext(includes, version="4.2.1", branch="v4.2", stable="4.0",
                         replacements={"product": "Giza"})
    generate(ctx, root / "build" / "main" / "source", [kind])
    out = root / "build" / "main" / "source" / "includes" / generators()[kind].output_dir
    return {str(path.relative_to(out)): path.read_text(encoding="utf-8")
            for path in sorted(out.rglob("*.rst"))}


def _generate_images(root: Path) -> dict[str, str]:
    out = root / "images"
    generate_images(GOLDEN / "images" / "metadata.yaml", GOLDEN / "images", out, None,
                    render=False)
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(out.glob("*.rst"))}


def _write(kind: str, actual: dict[str, str]) -> None:
    for stale in (GOLDEN / kind).rglob("*.rst"):
        stale.unlink()
    for name, text in actual.items():
        (GOLDEN / kind / name).parent.mkdir(parents=True, exist_ok=True)
        (GOLDEN / kind / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("kind", KINDS)
def test_generator_output_matches_golden_files(kind: str, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    actual = _generate_images(tmp_path) if kind == "images" else \
        _generate_content(kind, tmp_path)
    assert actual, f"the {kind} corpus produced no output"
    if WRITE:
        _write(kind, actual)
        pytest.fail(f"rewrote the golden files of {kind}; review the diff, then re-run "
                    f"without GIZA_GOLDEN_WRITE")
    expected = _expected(kind)
    assert sorted(actual) == sorted(expected)
    for name, text in expected.items():
        # byte for byte, one file at a time so a failure names the file
        assert (name, actual[name]) == (name, text)


def test_every_generator_has_a_golden_corpus() -> None:
    assert sorted(set(KINDS) - {"images"}) == sorted(generators())
