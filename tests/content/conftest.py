"""Helpers for content tests: write YAML into a tmp includes dir, generate, read back."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from giza.content import ContentContext, GenerateResult, generate
from giza.problems import collecting


@dataclass
class Project:
    root: Path

    @property
    def includes(self) -> Path:
        return self.root / "source" / "includes"

    @property
    def proxy(self) -> Path:
        return self.root / "build" / "main" / "source"

    def write(self, name: str, text: str) -> Path:
        path = self.includes / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def generate(self, kinds: list[str] | None = None, **context: object) -> GenerateResult:
        ctx = ContentContext(self.includes, **context)  # type: ignore[arg-type]
        return generate(ctx, self.proxy, kinds)

    def warnings(self, kinds: list[str] | None = None, **context: object) -> list[str]:
        """Generate and return the compatibility warnings of the run."""
        with collecting() as found:
            self.generate(kinds, **context)
        return [problem.text for problem in found]

    def output(self, relative: str) -> str:
        return (self.proxy / "includes" / relative).read_text(encoding="utf-8")

    def outputs(self) -> list[str]:
        base = self.proxy / "includes"
        return sorted(str(p.relative_to(base)) for p in base.rglob("*.rst"))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    # run from the project root so messages show paths relative to it
    monkeypatch.chdir(tmp_path)
    (tmp_path / "source" / "includes").mkdir(parents=True)
    return Project(tmp_path)
