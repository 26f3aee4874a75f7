"""Check each unique page once with a bounded pool of threads.

The pool has ``workers`` threads (the global limit). A scheduler hands a thread the next
page of a host that has fewer than ``per_host`` requests in flight and is not waiting out
a Retry-After or a backoff; hosts take turns. A page is checked once for all the anchors
that links to it carry (``page#a`` and ``page#b`` cost one GET).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from urllib.parse import urldefrag, urlsplit

import requests

from giza.linkcheck.fetch import Answer, fetch
from giza.linkcheck.politeness import HostState, Politeness, backoff, retry_after
from giza.linkcheck.result import Result
from giza.linkcheck.settings import Settings

BUSY = (429, 503)


@dataclass(frozen=True)
class Job:
    page: str  # the URL without its fragment
    host: str  # netloc
    anchors: frozenset[str] = frozenset()
    attempt: int = 0


@dataclass
class Outcomes:
    """What the pool found: per page its last answer, pages of hosts given up on."""

    answers: dict[str, Answer] = field(default_factory=dict)
    attempts: dict[str, int] = field(default_factory=dict)
    hosts: dict[str, HostState] = field(default_factory=dict)
    requests: int = 0


class Scheduler:
    def __init__(self, jobs: Iterable[Job], settings: Settings, politeness: Politeness,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings, self.politeness, self.clock = settings, politeness, clock
        self.cond = threading.Condition()
        self.queues: OrderedDict[str, deque[Job]] = OrderedDict()
        self.found = Outcomes()
        for job in jobs:
            self.queues.setdefault(job.host, deque()).append(job)
            self.found.hosts.setdefault(job.host, HostState())
        self.outstanding = sum(len(q) for q in self.queues.values())

    def take(self) -> Job | None:
        """The next job a thread may run now; waits; None when every page is done."""
        with self.cond:
            while self.outstanding:
                now, wait = self.clock(), None
                for host, queue in self.queues.items():
                    state = self.found.hosts[host]
                    if not queue or state.active >= self.politeness.per_host:
                        continue
                    if state.next_at > now:
                        delay = state.next_at - now
                        wait = delay if wait is None else min(wait, delay)
                        continue
                    state.active += 1
                    self.queues.move_to_end(host)  # hosts take turns
                    return queue.popleft()
                self.cond.wait(timeout=wait)
            return None

    def report(self, job: Job, answer: Answer) -> None:
        with self.cond:
            state = self.found.hosts[job.host]
            state.active -= 1
            self.found.requests += answer.requests
            self._decide(job, answer, state, self.clock())
            self.cond.notify_all()

    def _decide(self, job: Job, answer: Answer, state: HostState, now: float) -> None:
        cap = self.settings.rate_limit_timeout
        if answer.kind == "response" and answer.code in BUSY:
            state.failed_once(now, 0)
            asked = retry_after(answer.retry_after)
            wait = asked if asked is not None else backoff(state.failures,
                                                           self.politeness.backoff, cap)
            if wait <= cap and job.attempt + 1 < self.politeness.busy_attempts:
                state.next_at = max(state.next_at, now + wait)
                return self._again(job, answer, state)
            if wait > cap:
                answer = replace(answer, reason=f"{answer.reason}; Retry-After asks for "
                                                f"{wait:.0f} s, more than the {cap:g} s cap")
            return self._final(job, answer, state)
        if answer.kind == "response" and answer.code < 500:
            state.succeeded()
            return self._final(job, answer, state)
        state.failed_once(now, backoff(state.failures + 1, self.politeness.backoff, cap))
        if answer.kind != "response" and job.attempt + 1 < self.settings.retries:
            return self._again(job, answer, state)
        self._final(job, answer, state)

    def _again(self, job: Job, answer: Answer, state: HostState) -> None:
        if state.down is not None:  # given up while this request was in flight
            return self._final(job, answer, state)
        self.queues[job.host].appendleft(replace(job, attempt=job.attempt + 1))

    def _final(self, job: Job, answer: Answer, state: HostState) -> None:
        self.found.answers[job.page] = answer
        self.found.attempts[job.page] = job.attempt + 1
        self.outstanding -= 1
        failed = answer.kind != "response" or answer.code >= 500 or answer.code in BUSY
        if failed and state.gave_up_on(job.page, _describe(answer), self.politeness):
            queue = self.queues[job.host]
            self.outstanding -= len(queue)  # never asked: reported with the host
            queue.clear()


def _describe(answer: Answer) -> str:
    if answer.kind == "response":
        return f"{answer.code} {answer.reason}".strip()
    return answer.reason


def run_pool(jobs: list[Job], settings: Settings, politeness: Politeness,
             workers: int) -> Outcomes:
    """Run every job on ``workers`` threads (one requests.Session each)."""
    scheduler = Scheduler(jobs, settings, politeness)

    def work() -> None:
        with requests.Session() as session:
            adapter = requests.adapters.HTTPAdapter(pool_maxsize=politeness.per_host)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            while (job := scheduler.take()) is not None:
                try:
                    answer = fetch(session, job.page, job.anchors, settings)
                except Exception as exc:  # a job must always be reported, or the pool waits
                    answer = Answer("error", reason=f"{type(exc).__name__}: {exc}", requests=1)
                scheduler.report(job, answer)

    threads = [threading.Thread(target=work, name=f"giza-linkcheck-{i}", daemon=True)
               for i in range(max(1, min(workers, len(jobs))))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return scheduler.found


def plan_jobs(urls: Iterable[str], settings: Settings) -> list[Job]:
    """One job per page, carrying the anchors its links need checked."""
    anchors: dict[str, set[str]] = {}
    for url in urls:
        page, fragment = urldefrag(url)
        wanted = anchors.setdefault(page, set())
        if settings.anchor_checked(page, fragment):
            wanted.add(fragment)
    return [Job(page, urlsplit(page).netloc, frozenset(wanted))
            for page, wanted in anchors.items()]


def classify(url: str, found: Outcomes, now: float) -> Result:
    """The Result for one URL (anchor included) from its page's answer."""
    page, fragment = urldefrag(url)
    host = found.hosts.get(urlsplit(page).netloc)
    answer = found.answers.get(page)
    base = Result(url, "ok", checked_at=now)
    if host is not None and host.down is not None and (answer is None or page in host.failed):
        return replace(base, status="host-down", code=answer.code if answer else 0,
                       message=f"host given up after {len(host.failed)} URLs failed, last: "
                               f"{host.down}")
    if answer is None:  # cannot happen: every job ends with an answer or a host given up on
        return replace(base, status="broken", message="not checked")
    tries = found.attempts.get(page, 1)
    after = f" after {tries} attempts" if tries > 1 else ""
    if answer.kind != "response":
        status = "timeout" if answer.kind == "timeout" else "broken"
        return replace(base, status=status, message=answer.reason + after)
    base = replace(base, code=answer.code, message=f"{answer.code} {answer.reason}".strip())
    if answer.code == 429:
        return replace(base, status="rate-limited", message=base.message + after)
    if answer.code == 503:
        return replace(base, status="unavailable", message=base.message + after)
    if answer.code >= 400:
        return replace(base, status="broken")
    if fragment and fragment in answer.missing_anchors:
        return replace(base, status="broken", message=f"anchor '{fragment}' not found")
    if answer.permanent_target:
        return replace(base, status="redirected", target=answer.permanent_target,
                       message=answer.redirect)
    return base


def check_urls(urls: Iterable[str], settings: Settings, politeness: Politeness,
               workers: int) -> tuple[dict[str, Result], int]:
    """Check ``urls`` (none of them ignored or cached); their Results and requests made."""
    wanted = list(dict.fromkeys(urls))
    jobs = plan_jobs(wanted, settings)
    found = run_pool(jobs, settings, politeness, workers) if jobs else Outcomes()
    now = time.time()
    return {url: classify(url, found, now) for url in wanted}, found.requests
