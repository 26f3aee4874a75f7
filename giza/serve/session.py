"""`giza serve` from start to Ctrl-C: first build, workers, server, watcher, rebuild loop."""

from __future__ import annotations

import queue
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from giza.config.model import Config
from giza.errors import UsageError
from giza.pipeline.driver import BuildRequest, build
from giza.proc import kill_active_children
from giza.serve.events import Hub
from giza.serve.http import start_server
from giza.serve.model import Rebuilt, ServeRequest
from giza.serve.rebuild import Rebuilder
from giza.serve.watch import Watcher, missing_extra
from giza.variants import Variant, resolve

SERVABLE = ("html", "dirhtml")


def served_variants(config: Config, request: ServeRequest) -> list[Variant]:
    """By default the first edition, the source language, html."""
    for builder in request.builders:
        if builder not in SERVABLE:
            raise UsageError(f"giza serve builds html or dirhtml, not '{builder}'")
    editions = request.editions or tuple(config.project.edition_names[:1])
    return resolve(config, request.builders, editions, request.languages)


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


class Session:
    """Everything a running `giza serve` holds; ``run`` blocks until Ctrl-C."""

    def __init__(self, config: Config, request: ServeRequest, out: TextIO,
                 load_config: Callable[[], Config] | None = None) -> None:
        self.config = config
        self.request = request
        self.out = out
        self.variants = served_variants(config, request)
        self.hub = Hub([v.name for v in self.variants])
        self.rebuilder = Rebuilder(config, self.variants, out, self._publish,
                                   warm=request.warm, load_config=load_config,
                                   early=self._early)
        self._early_generation: dict[str, int] = {}
        self.changes: queue.Queue[set[Path] | None] = queue.Queue()
        self.server = None
        self.watcher = None
        self.url = ""

    def _early(self, variant: str, pages: list[str]) -> None:
        """The edited pages are on disk: browsers showing one of them reload now."""
        # one generation per rebuild: a page reloaded for the first batch ignores the rest
        generation = self._early_generation.get(variant)
        if generation is None:
            generation = self._early_generation[variant] = self.hub.next_generation()
        self.hub.publish({"variant": variant, "ok": True, "built": True, "stage": "pages",
                          "pages": pages, "generation": generation, "errors": []})

    def _publish(self, result: Rebuilt) -> None:
        early = self._early_generation.pop(result.variant, None)
        generation = early or (self.hub.next_generation() if result.ok else 0)
        self.hub.publish(dict(result.event(generation), stage="done"))

    def first_build(self) -> int:
        request = BuildRequest(builders=tuple(dict.fromkeys(v.builder for v in self.variants)),
                               editions=tuple(e for e in dict.fromkeys(
                                   v.edition for v in self.variants) if e),
                               languages=tuple(dict.fromkeys(
                                   v.language or "en" for v in self.variants)))
        with self.rebuilder.locked():
            return build(self.config, request, self.out)

    def bind(self) -> None:
        """Listen (before the first build, so a busy port fails fast) and watch (so an
        edit made during the first build is rebuilt after it)."""

        roots = {v.name: v.output_dir(self.config) for v in self.variants}
        try:
            self.server, _ = start_server(self.request.host, self.request.port, roots, self.hub)
        except OSError as exc:
            raise UsageError(f"cannot listen on {self.request.host}:{self.request.port}: "
                             f"{exc.strerror or exc}; choose another port with --port"
                             ) from None
        self.url = url_of(self.request.host, self.server.server_address[1])
        self.watcher = Watcher(self.config, self.changes.put)
        self.watcher.start()

    def start(self) -> None:
        self.rebuilder.start_workers()
        names = ", ".join(f"{self.url}{v.name}/" for v in self.variants)
        self.out.write(f"giza: serving {self.url}" +
                       (f" ({names})" if len(self.variants) > 1 else "") +
                       "; watching for changes (Ctrl-C to stop)\n")
        self.out.flush()
        if self.request.open_browser:
            import webbrowser

            webbrowser.open(self.url)

    def loop(self) -> None:
        """Rebuild on each batch of changes; batches that arrive during a rebuild are
        merged into the next one."""
        while True:
            batch = self.changes.get()
            if batch is None:
                return
            try:
                while True:
                    more = self.changes.get_nowait()
                    if more is None:
                        return
                    batch |= more
            except queue.Empty:
                pass
            try:
                self.rebuilder.handle(batch)
            except (EOFError, OSError, BrokenPipeError):
                return  # a worker went away: we are stopping

    def stop(self) -> None:
        if self.watcher is not None:
            self.watcher.stop(timeout=0.5)
        self.changes.put(None)
        self.hub.close()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        self.rebuilder.stop()
        kill_active_children(grace=0.5)  # a fallback sphinx-build, if one runs


def serve(config: Config, request: ServeRequest, out: TextIO | None = None,
          load_config: Callable[[], Config] | None = None) -> int:
    """Build, serve and rebuild until interrupted (KeyboardInterrupt propagates: 130)."""

    out = out or sys.stdout
    problem = missing_extra()
    if problem:
        raise UsageError(problem)
    session = Session(config, request, out, load_config)
    try:
        session.bind()
        code = session.first_build()
        if code == 2:
            out.write("giza: serve: the first build failed; fix the errors above and start "
                      "again\n")
            return 2
        if code:
            out.write("giza: serve: the first build failed; serving what there is, and "
                      "rebuilding on changes\n")
        session.start()
        looper = threading.Thread(target=session.loop, daemon=True, name="giza-serve-rebuild")
        looper.start()
        while looper.is_alive():
            looper.join(0.2)  # wakes for Ctrl-C
    finally:
        session.stop()
    return 0
