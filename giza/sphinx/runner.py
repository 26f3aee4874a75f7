"""``python -m giza.sphinx.runner GROUP.json``: read a proxy tree once, write every format.

The reader's sphinx-build runs here, in this process, with its output on stdout as a plain
sphinx-build's would be. The moment it has read (its environment and doctrees are on disk,
it is about to write), this process forks ``lanes - 1`` children; from then on every lane
(the children, and this process once the reader has written) takes the next writer from a
queue and runs that writer's own sphinx-build in its own process image: the writer's
conf.py, tags and output directory, its own copy of the reader's doctrees, its output
captured line by line into its result file.

Compared with a sphinx-build process per writer, a writer here costs no interpreter start
and no imports (they are done once, before the fork), and a lane that writes several
formats highlights each code block once (giza.sphinx.memo). The reader writes with one
process when lanes write beside it: Sphinx's parallel write keeps its main process busy
while the others wait, and the writers use the other cores better.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from giza.proc import die_with_parent
from giza.sphinx import memo
from giza.sphinx.group import Build, Group, Written, copy_seed

USAGE = "usage: python -m giza.sphinx.runner GROUP.json"


class _Lines(io.TextIOBase):
    """A text stream that keeps each line with the time its first character came."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[tuple[float, str]] = []
        self._partial, self._since = "", 0.0

    def write(self, text: str) -> int:
        # Line ends as universal newlines, like giza's reading of a child's output.
        for piece in text.replace("\r\n", "\n").replace("\r", "\n").splitlines(True):
            if not self._partial:
                self._since = time.time()
            self._partial += piece
            if piece.endswith("\n"):
                self.lines.append((self._since, self._partial))
                self._partial = ""
        return len(text)

    def isatty(self) -> bool:
        return False  # plain text: giza parses it

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def done(self, stray: str) -> tuple[tuple[float, str], ...]:
        """Every line, the unfinished one and what bypassed sys.stdout (``stray``) last."""
        rest = self._partial + stray
        tail = [(time.time(), rest if rest.endswith("\n") else rest + "\n")] if rest else []
        return tuple(self.lines + tail)


@contextmanager
def _captured() -> Iterator[_Lines]:
    """sys.stdout and sys.stderr (and file descriptors 1 and 2, for what writes to them
    directly) go to one stamped stream for the block."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = (sys.stdout, sys.stderr, os.dup(1), os.dup(2))
    lines = _Lines()
    with tempfile.TemporaryFile() as stray:
        os.dup2(stray.fileno(), 1)
        os.dup2(stray.fileno(), 2)
        sys.stdout = sys.stderr = lines  # type: ignore[assignment]
        try:
            yield lines
        finally:
            sys.stdout, sys.stderr = saved[0], saved[1]
            os.dup2(saved[2], 1)
            os.dup2(saved[3], 2)
            os.close(saved[2])
            os.close(saved[3])
            stray.seek(0)
            lines.lines[:] = lines.done(stray.read().decode("utf-8", "replace"))


def _build(build: Build) -> int:
    """One sphinx-build, in this process: its exit status (a crash is 1, its traceback in
    the output, as sphinx-build itself would print)."""
    from sphinx.cmd.build import build_main  # lazy: python -m giza.sphinx.runner --help

    os.environ["GIZA_BUILD_CONTEXT"] = build.context
    try:
        return int(build_main(build.sphinx_args()) or 0)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    except Exception:  # noqa: BLE001 - reported in the build's output, like sphinx-build
        traceback.print_exc()
        return 1


class Runner:
    """One group's run: the reader here, then the writers in ``lanes`` processes."""

    def __init__(self, group: Group) -> None:
        self.group = group
        self.queue, self.feed = os.pipe()  # the writers' queue: one byte per writer
        self.fed = False
        self.children: list[int] = []

    def run(self) -> int:
        lanes = max(1, min(self.group.lanes, len(self.group.writers) + 1))
        self.fork_lanes(lanes - 1)
        started, clock = time.time(), time.perf_counter()
        with self._on_first_write():
            code = _build(self.group.reader)
        if self.group.timing:
            Written(self.group.reader.variant, code, started, time.perf_counter() - clock,
                    pid=os.getpid()).save(Path(self.group.timing))
        # The reader's builder may not have called Builder.write: queue the writers now,
        # unless it failed before it had read (their tasks then build them on their own).
        self.feed_queue(code == 0)
        # The reader's lane goes on in a child too: a writer that crashes its process must
        # not take the reader's exit status with it.
        self.fork_lanes(1)
        for pid in self.children:
            os.waitpid(pid, 0)
        return code

    def fork_lanes(self, count: int) -> None:
        """``count`` lanes, each a child that writes until the queue is empty. The first
        ones are forked before the reader starts (its docutils registrations must not leak
        into them) and after Sphinx is imported (so that they need not import it)."""
        _preload()
        for _ in range(count):
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # a lane: never returns
                die_with_parent()
                try:
                    if not self.fed:
                        os.close(self.feed)
                    self.lane()
                finally:
                    os._exit(0)
            self.children.append(pid)

    def feed_queue(self, writers: bool) -> None:
        """Queue every writer (or none) and close the queue: a lane stops at its end."""
        if self.fed:
            return
        self.fed = True
        if writers:
            os.write(self.feed, bytes(range(len(self.group.writers))))
        os.close(self.feed)

    @contextmanager
    def _on_first_write(self) -> Iterator[None]:
        """Queue the writers when the reader's builder starts writing: it has read, its
        environment and doctrees are on disk."""
        from sphinx.builders import Builder  # lazy: see _build

        original = Builder.write
        runner = self

        def write(builder: Any, *args: Any, **kwargs: Any) -> Any:
            if not runner.fed:
                runner.feed_queue(True)
                runner.write_alongside(builder)
            return original(builder, *args, **kwargs)

        Builder.write = write  # type: ignore[method-assign]
        try:
            yield
        finally:
            Builder.write = original  # type: ignore[method-assign]

    def write_alongside(self, builder: Any) -> None:
        """The reader's write uses ``write_jobs`` processes, as each writer does."""
        jobs = self.group.write_jobs
        app = getattr(builder, "_app", None) or getattr(builder, "app", None)
        if jobs <= 1:
            builder.parallel_ok = False
        elif app is not None and getattr(app, "parallel", 0) > jobs:
            app.parallel = jobs

    def lane(self) -> None:
        while claimed := os.read(self.queue, 1):
            self.write_one(self.group.writers[claimed[0]])

    def write_one(self, build: Build) -> None:
        started, clock = time.time(), time.perf_counter()
        seeded = False
        with _captured() as lines:
            try:  # what goes wrong here is this build's failure, told in its output
                seeded = copy_seed(Path(build.seed), Path(build.doctrees))
            except Exception as exc:  # noqa: BLE001 - any failure fails this build only
                print(f"ERROR: cannot start from the doctrees in {build.seed}: {exc}")
                code = 1
            else:
                code = _build(build)
        Written(build.variant, code, started, time.perf_counter() - clock,
                tuple(lines.lines), build.argv, build.jobs, seeded, os.getpid()
                ).save(Path(build.result))


def _preload() -> None:
    """Import what every sphinx-build imports (Sphinx and its built-in extensions)."""
    import giza.sphinx.inprocess  # noqa: F401 - lazy: importing it is the preloading


def run_forked(spec: str) -> int:
    """``python -m giza.sphinx.runner SPEC``, in a fork of a process that has Sphinx
    imported (giza.forked)."""
    sys.path.insert(0, os.getcwd())  # as ``python -m`` puts the working directory first
    return main([spec])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        group = Group.load(Path(args[0]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        print(f"giza.sphinx.runner: {args[0]}: not a read-once group ({exc})", file=sys.stderr)
        return 2
    if len(group.writers) > 255:  # the queue holds one byte per writer
        print(f"giza.sphinx.runner: {args[0]}: at most 255 writers, not {len(group.writers)}",
              file=sys.stderr)
        return 2
    memo.install()
    return Runner(group).run()


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    # Every build's objects are still in memory: tearing them down one by one at exit
    # takes longer than some builds (0.5 s here); the files are written and closed.
    os._exit(status)
