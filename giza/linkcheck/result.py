"""What a check found about one URL, as a value stored in the cache and reported."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

# Status -> report group. "broken" fails the run; the others are warnings (--strict: fail).
BROKEN = ("broken", "timeout")
WARNINGS = ("redirected", "rate-limited", "unavailable", "host-down")
STATUSES = ("ok", "ignored", *BROKEN, *WARNINGS)


@dataclass(frozen=True)
class Result:
    url: str  # as written in the source, anchor included
    status: str  # one of STATUSES
    code: int = 0  # the last HTTP status seen (0: none)
    message: str = ""
    target: str | None = None  # a permanent redirect's target
    checked_at: float = 0.0  # time.time() of the check
    expires: float = 0.0  # when the cache stops trusting this result
    cached: bool = False  # came from the cache in this run (not stored)

    def data(self) -> dict[str, Any]:
        data = asdict(self)
        del data["cached"]
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Result:
        return cls(url=str(data["url"]), status=str(data["status"]),
                   code=int(data.get("code") or 0), message=str(data.get("message") or ""),
                   target=data.get("target"), checked_at=float(data.get("checked_at") or 0),
                   expires=float(data.get("expires") or 0))

    def with_status(self, status: str, message: str | None = None) -> Result:
        return replace(self, status=status,
                       message=self.message if message is None else message)
