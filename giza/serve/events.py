"""The rebuild events browsers listen to, and the last state of each served variant."""

from __future__ import annotations

import json
import queue
import threading
from typing import Any

CLOSED = None  # put on a subscriber's queue when the server stops


class Hub:
    """Fan one event out to every connected browser (one queue per server-sent events
    connection) and remember each variant's last build for pages loaded later."""

    def __init__(self, variants: list[str]) -> None:
        self._lock = threading.Lock()
        self._subscribers: list[queue.Queue[str | None]] = []
        self._state: dict[str, dict[str, Any]] = {
            name: {"variant": name, "ok": True, "built": True, "generation": 0, "errors": []}
            for name in variants}
        self._generation = 0
        self.closed = False

    def subscribe(self) -> queue.Queue[str | None]:
        inbox: queue.Queue[str | None] = queue.Queue()
        with self._lock:
            self._subscribers.append(inbox)
            if self.closed:
                inbox.put(CLOSED)
        return inbox

    def unsubscribe(self, inbox: queue.Queue[str | None]) -> None:
        with self._lock:
            if inbox in self._subscribers:
                self._subscribers.remove(inbox)

    def next_generation(self) -> int:
        with self._lock:
            self._generation += 1
            return self._generation

    def publish(self, event: dict[str, Any]) -> None:
        with self._lock:
            previous = self._state.get(event["variant"], {})
            if not event.get("built"):
                # a failed build changed nothing on disk: pages stay at their generation
                event = dict(event, generation=previous.get("generation", 0))
            self._state[event["variant"]] = event
            text = json.dumps(event)
            for inbox in self._subscribers:
                inbox.put(text)

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {"variants": {name: dict(state) for name, state in self._state.items()}}

    def generation(self, variant: str) -> int:
        with self._lock:
            return int(self._state.get(variant, {}).get("generation", 0))

    def close(self) -> None:
        with self._lock:
            self.closed = True
            for inbox in self._subscribers:
                inbox.put(CLOSED)
