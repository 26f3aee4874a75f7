"""Values passed between the parts of ``giza serve``."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ServeRequest:
    builders: tuple[str, ...] = ("html",)
    editions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    host: str = "127.0.0.1"
    port: int = 8000
    open_browser: bool = False
    warm: bool = True  # False: every rebuild is a sphinx-build (the fallback, always)


@dataclass(frozen=True)
class Problem:
    """One error or warning shown in the browser overlay and the terminal."""

    file: str | None
    line: int | None
    level: str
    text: str

    def location(self) -> str:
        if self.file is None:
            return ""
        return f"{self.file}:{self.line}" if self.line else self.file

    def shown(self) -> str:
        where = self.location()
        return f"{where}: {self.level}: {self.text}" if where else f"{self.level}: {self.text}"

    def data(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "level": self.level, "text": self.text,
                "location": self.location()}


@dataclass(frozen=True)
class Rebuilt:
    """One variant's rebuild, as the terminal line and the browser event report it."""

    variant: str
    trigger: str  # "install.txt changed"
    ok: bool
    read: int
    written: int
    seconds: float
    full: str = ""  # why everything was rebuilt, when it was
    fallback: str = ""  # why sphinx-build ran instead of the warm application
    problems: tuple[Problem, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level != "WARNING")

    def line(self) -> str:
        head = f"{self.trigger} → {self.variant}: "
        if self.full:
            head += f"full rebuild ({self.full}): "
        if not self.ok:
            return head + f"failed, {_count(len(self.errors), 'error')}, last good pages kept, " \
                          f"{self.seconds:.2f} s"
        text = head + f"{_count(self.read, 'page')} read, {self.written} written"
        if self.errors:
            text += f", {_count(len(self.errors), 'error')}"
        return text + f", {self.seconds:.2f} s"

    def event(self, generation: int) -> dict[str, object]:
        return {"variant": self.variant, "ok": self.ok and not self.errors,
                "built": self.ok, "generation": generation, "trigger": self.trigger,
                "read": self.read, "written": self.written,
                "errors": [p.data() for p in self.errors]}


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"
