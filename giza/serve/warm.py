"""Warm Sphinx: one long-lived Sphinx application per served variant, in its own process.

A rebuild then costs what Sphinx needs for the changed documents only: no interpreter
start, no imports, no loading of the pickled environment. Each variant gets a worker
process (not a thread) because Sphinx keeps global state (logging, registries, docutils
settings) that two applications in one process would share.

The application is created with exactly what ``sphinx-build`` gets from giza (the argv of
:func:`giza.tasks.variant_argv`, parsed back), so the environment written by the first
``giza sphinx``-style build is reused as it is, and a later ``giza sphinx`` finds it
current.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any


@dataclass(frozen=True)
class WarmSpec:
    """What a Sphinx application is made from; parsed from a sphinx-build argv."""

    builder: str
    srcdir: str
    outdir: str
    confdir: str
    doctreedir: str
    tags: tuple[str, ...]
    overrides: tuple[tuple[str, str], ...]
    env: tuple[tuple[str, str], ...] = ()  # environment variables conf.py reads


@dataclass(frozen=True)
class WarmResult:
    """One rebuild in a worker: what Sphinx read and wrote, and what it said."""

    ok: bool
    read: int
    written: int
    seconds: float
    warnings: str  # Sphinx's warning stream, "path:line: LEVEL: text" lines
    failure: str = ""  # the exception, when the application failed


def spec_from_argv(argv: Sequence[str], env: Sequence[tuple[str, str]] = ()) -> WarmSpec:
    """Read a giza sphinx-build argv (python -m sphinx -b B -c C -d D [-t T]... [-j N]
    [-D k=v]... SRC OUT) back into a WarmSpec."""
    args = list(argv[3:])  # drop "python -m sphinx"
    values: dict[str, str] = {}
    tags: list[str] = []
    overrides: list[tuple[str, str]] = []
    positional: list[str] = []
    while args:
        arg = args.pop(0)
        if arg in ("-b", "-c", "-d", "-j"):
            values[arg] = args.pop(0)
        elif arg == "-t":
            tags.append(args.pop(0))
        elif arg == "-D":
            key, _, value = args.pop(0).partition("=")
            overrides.append((key, value))
        else:
            positional.append(arg)
    return WarmSpec(builder=values["-b"], srcdir=positional[0], outdir=positional[1],
                    confdir=values["-c"], doctreedir=values["-d"], tags=tuple(tags),
                    overrides=tuple(overrides), env=tuple(env))


class _State:
    """The worker's application and its counters, reset per build."""

    def __init__(self, spec: WarmSpec, notify: Callable[[list[str]], None] | None = None
                 ) -> None:
        self.spec = spec
        self.notify = notify
        self.app: Any = None
        self.read = 0
        self.written = 0
        self.just_read: set[str] = set()
        self.warnings = io.StringIO()

    def make_app(self, fresh: bool) -> Any:
        from sphinx.application import Sphinx  # lazy: the process that serves does not need Sphinx

        self.app = None
        self.warnings = io.StringIO()
        app = Sphinx(self.spec.srcdir, self.spec.confdir, self.spec.outdir,
                     self.spec.doctreedir, self.spec.builder,
                     confoverrides=dict(self.spec.overrides), status=io.StringIO(),
                     warning=self.warnings, freshenv=fresh, tags=list(self.spec.tags))
        app.connect("env-before-read-docs", self._on_read)
        app.connect("html-page-context", self._on_page)
        write_all = app.builder.write_documents

        def write_documents(docnames: Any) -> None:
            # Sphinx writes in name order; the pages just edited go first, and the parent
            # hears of them at once (the browser showing one reloads), then the others
            # (toctree parents: an index of 1,000 entries takes a second), then finish()
            # writes the search index and genindex.
            first = {d for d in docnames if d in self.just_read}
            if first and self.notify is not None:
                write_all(first)
                self.notify(sorted(first))
            rest = set(docnames) - first if first and self.notify is not None else docnames
            if rest:
                write_all(rest)
                if self.notify is not None:
                    self.notify(sorted(rest))  # before finish(): search index, genindex

        app.builder.write_documents = write_documents
        self.app = app
        return app

    def _on_read(self, app: Any, env: Any, docnames: list[str]) -> None:
        self.read += len(docnames)
        self.just_read.update(docnames)

    def _on_page(self, app: Any, pagename: str, templatename: str, context: Any,
                 doctree: Any) -> None:
        if doctree is not None:  # a document, not genindex or search
            self.written += 1

    def build(self, fresh: bool) -> WarmResult:
        start = time.perf_counter()
        self.read = self.written = 0
        self.just_read = set()
        try:
            if self.app is None or fresh:
                self.make_app(fresh)
            else:
                self.warnings.seek(0)
                self.warnings.truncate()
            self.app.build(force_all=fresh)
        except BaseException as exc:  # noqa: B036 - any failure means: fall back
            self.app = None  # its environment may be half-updated: never reuse it
            failure = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            return WarmResult(False, self.read, self.written, time.perf_counter() - start,
                              self.warnings.getvalue(), failure)
        return WarmResult(True, self.read, self.written, time.perf_counter() - start,
                          self.warnings.getvalue())


def _exit_with_parent(parent: int) -> None:
    """No orphan even when the parent is killed with -9, mid-build included. (Not
    PR_SET_PDEATHSIG: Linux sends it when the parent's *thread* that started the worker
    ends, and workers are restarted from short-lived threads.)"""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.25)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="giza-serve-parent").start()


def _worker(conn: Connection, spec: WarmSpec) -> None:
    # Ctrl-C reaches the whole process group; only the parent decides to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent(os.getppid())
    os.environ.update(dict(spec.env))
    os.environ["NO_COLOR"] = "1"
    state = _State(spec, notify=lambda pages: conn.send(("pages", pages)))
    try:
        state.make_app(fresh=False)  # load the environment now, before the first edit
    except BaseException:  # noqa: B036 - reported by the first build, which retries
        state.app = None
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "stop":
            return
        if message[0] == "reset":  # another process rewrote the environment
            state.app = None
            continue
        conn.send(state.build(fresh=bool(message[1])))


class WarmWorker:
    """The parent's handle on one worker process."""

    def __init__(self, name: str, spec: WarmSpec) -> None:
        self.name = name
        self.spec = spec
        # spawn, not fork: the parent runs threads (server, watcher) that fork would copy
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, spec),
                                       name=f"giza-serve-{name}", daemon=True)
        self.process.start()
        child.close()

    def build(self, fresh: bool = False,
              on_pages: Callable[[list[str]], None] | None = None) -> WarmResult:
        """Rebuild; ``on_pages(docnames)`` hears when the re-read pages are written (before
        the rest). Raises EOFError when the worker died (or was stopped meanwhile)."""
        self._conn.send(("build", fresh))
        while True:
            message = self._conn.recv()
            if isinstance(message, WarmResult):
                return message
            if on_pages is not None:
                on_pages(message[1])

    def reset(self) -> None:
        self._conn.send(("reset",))

    def stop(self, grace: float = 0.5) -> None:
        try:
            self._conn.send(("stop",))
        except OSError:
            pass
        self.process.join(grace)
        if self.process.is_alive():
            self.process.terminate()  # SIGTERM: mid-build, Sphinx just dies
            self.process.join(0.5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(0.5)
        self._conn.close()
