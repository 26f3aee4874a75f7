"""Executors: where tasks run. All three share one small interface used by ``run_graph``.

``submit(task) -> handle``; ``wait(handles, timeout) -> {handle: Outcome}`` for the handles that
finished (possibly none when the timeout passed); ``shutdown(cancel)``; attribute ``jobs`` (the
core budget) and ``max_tasks`` (how many tasks may run at once, None = no limit besides jobs).
Every task runs through ``giza.graph.task.execute`` so that failures come back as values.
"""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import logging
import multiprocessing
import os
import re
import signal
import sys
import time
from collections.abc import Callable, Collection
from typing import Any, Protocol

from giza.errors import UsageError, project_root
from giza.graph.task import TIMED_OUT, Outcome, Task, execute
from giza.proc import install_worker_signals, kill_active_children
from giza.sphinx.phases import Progress
from giza.watchdog import Stopped, set_progress_sink

EXECUTORS = ("serial", "process", "dask")
# What the process pool's forkserver imports once, so that each worker it forks starts with
# the task functions' modules loaded instead of importing them on its first task.
PRELOAD = ("giza.graph.executors", "giza.pipeline.tasks", "giza.content.api", "giza.site.images",
           "giza.site.migrations", "giza.site.pages", "giza.site.hashfile", "giza.post.html",
           # Sphinx itself: a sphinx task forks its worker instead of starting Python
           "giza.sphinx.inprocess")
BACKSTOP_GRACE = 5.0  # seconds past --task-timeout before a pool worker itself is stopped


def default_jobs() -> int:
    return os.cpu_count() or 1


class Executor(Protocol):
    jobs: int
    max_tasks: int | None

    def submit(self, task: Task) -> Any: ...

    def wait(
        self, handles: Collection[Any], timeout: float | None = None
    ) -> dict[Any, Outcome]: ...

    def shutdown(self, cancel: bool = False) -> None: ...


class _Base:
    jobs: int
    max_tasks: int | None = None
    # Live progress of running tasks (serial and process executors), for the console.
    on_progress: Callable[[str, Progress], None] | None = None

    def __enter__(self) -> _Base:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        # An exception (KeyboardInterrupt included) means: do not wait for the rest.
        self.shutdown(cancel=exc_type is not None)

    def shutdown(self, cancel: bool = False) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class SerialExecutor(_Base):
    """Runs tasks one at a time in this process, in submission order (debugging, tests)."""

    max_tasks = 1

    def __init__(self, jobs: int | None = None) -> None:
        # jobs is still the core budget (the planner's -j share for sphinx-build); only one
        # task runs at a time (max_tasks).
        self.jobs = jobs or default_jobs()
        self._pending: dict[int, Task] = {}
        self._ids = itertools.count()

    def submit(self, task: Task) -> int:
        handle = next(self._ids)
        self._pending[handle] = task
        return handle

    def wait(self, handles: Collection[int], timeout: float | None = None) -> dict[int, Outcome]:
        # Run the oldest pending handle; running it is the only way it can finish.
        for handle in sorted(handles):
            task = self._pending.pop(handle, None)
            if task is not None:
                set_progress_sink(self.on_progress)
                try:
                    return {handle: execute(task.name, task.func, task.kwargs, task.limits,
                                            project_root())}
                finally:
                    set_progress_sink(None)
        return {}

    def shutdown(self, cancel: bool = False) -> None:
        self._pending.clear()


def _crashed(name: str, exc: BaseException) -> Outcome:
    # The worker itself failed (died, result not picklable, ...), not the task function.
    return Outcome(name, "failed", message=f"{type(exc).__name__}: {exc}".rstrip(": "))


def died_message(pid: int | None, exitcode: int | None) -> str:
    """What a task's Outcome says when the worker process running it died."""
    who = f"the worker process (pid {pid})" if pid else "the worker process"
    if exitcode is None:
        return f"{who} died while running it"
    if exitcode >= 0:
        return f"{who} died while running it (exit status {exitcode})"
    number = -exitcode
    try:
        name = signal.Signals(number).name
    except ValueError:
        name = f"signal {number}"
    hint = {signal.SIGKILL: " — out of memory?", signal.SIGSEGV: " — a crash in native code?"}
    return f"{who} was killed by {name} (signal {number}) while running it" + \
        hint.get(number, "")  # type: ignore[call-overload]


# In a process-pool worker: where it announces which task it starts (see ProcessExecutor).
_ANNOUNCE: Any = None


def _pool_worker_init(announce: Any) -> None:
    global _ANNOUNCE
    _ANNOUNCE = announce
    install_worker_signals()
    set_progress_sink(_send_progress)


def _send_progress(task: str, progress: Progress) -> None:
    _ANNOUNCE.put(("progress", task, progress))


def _pool_execute(name: str, func: Any, kwargs: Any, limits: Any,
                  root: str | None = None) -> Outcome:
    if _ANNOUNCE is not None:
        # Synchronous (SimpleQueue): sent before the task can kill this process.
        _ANNOUNCE.put(("start", os.getpid(), name))
    return execute(name, func, kwargs, limits, root)


class _Deaths(logging.Handler):
    """Collects the nannies' "Worker process 42 was killed by signal 9" lines."""

    _LINE = re.compile(r"^Worker process (\d+) (?:was killed by signal (\d+)|exited with "
                       r"status (\d+))")

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.codes: dict[int, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        match = self._LINE.match(record.getMessage())
        if match:
            signal_number, status = match[2], match[3]
            self.codes[int(match[1])] = -int(signal_number) if signal_number else int(status)

    def exitcode(self, pid: int, wait: float = 2.0) -> int | None:
        # The scheduler may tell the client before the nanny has logged: wait a moment.
        deadline = time.monotonic() + wait
        while pid not in self.codes and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.codes.get(pid)


PROGRESS_TOPIC = "giza-progress"


def _dask_execute(name: str, func: Any, kwargs: Any, limits: Any,
                  root: str | None = None) -> Outcome:
    """``execute`` on a dask worker, its live progress sent as events to the client."""
    from distributed import get_worker  # optional extra (giza[dask])

    worker = get_worker()

    def send(task: str, progress: Progress) -> None:
        # Plain data: events travel as msgpack.
        worker.log_event(PROGRESS_TOPIC, [task, progress.phase, progress.done, progress.total])

    set_progress_sink(send)
    try:
        return execute(name, func, kwargs, limits, root)
    finally:
        set_progress_sink(None)


class _Job:
    """A submitted task; its future changes when it must be started again in a new pool."""

    __slots__ = ("task", "future", "retried", "started", "stopped")

    def __init__(self, task: Task) -> None:
        self.task = task
        self.future: cf.Future[Outcome] | None = None
        self.retried = False
        self.started: float | None = None  # time.monotonic() its worker announced it
        self.stopped: Stopped | None = None  # set when the backstop stopped its worker


class ProcessExecutor(_Base):
    """A local process pool (the default). Workers ignore SIGINT; on shutdown(cancel=True)
    they get SIGTERM, stop their child process groups and exit (see giza.proc).

    A worker that dies (the OOM killer, a segfault) breaks the whole pool: its task fails,
    naming the signal; the tasks the pool stopped with it start again in a new pool, once."""

    def __init__(self, jobs: int | None = None, mp_context: str | None = None) -> None:
        self.jobs = jobs or default_jobs()
        # forkserver: workers start from a clean, single-threaded process (no fork of a
        # process that runs rich's refresh thread), yet start fast. Task functions must be
        # importable, which they are (module-level functions).
        if mp_context is None:
            methods = multiprocessing.get_all_start_methods()
            mp_context = "forkserver" if "forkserver" in methods else "spawn"
        self._context = multiprocessing.get_context(mp_context)
        if mp_context == "forkserver":
            self._context.set_forkserver_preload(list(PRELOAD))  # only until it starts
        self._pool: cf.ProcessPoolExecutor | None = None
        self._jobs: dict[cf.Future[Outcome], _Job] = {}
        self._announce: Any = None
        self._running_on: dict[str, int] = {}  # task name -> pid of the worker running it
        self._workers: dict[int, Any] = {}  # pid -> multiprocessing.Process

    def _get_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._announce = self._context.SimpleQueue()
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=self._context,
                initializer=_pool_worker_init,
                initargs=(self._announce,),
            )
        return self._pool

    def submit(self, task: Task) -> _Job:
        job = _Job(task)
        self._start(job)
        return job

    def _start(self, job: _Job) -> None:
        task = job.task
        args = (_pool_execute, task.name, task.func, dict(task.kwargs), task.limits,
                project_root())
        try:
            future = self._get_pool().submit(*args)
        except cf.BrokenExecutor:
            self._pool = None  # a worker died: tasks already in it failed; start afresh
            future = self._get_pool().submit(*args)
        job.future = future
        self._jobs[future] = job
        self._workers.update(getattr(self._pool, "_processes", None) or {})

    def _read_announcements(self) -> None:
        announce = self._announce
        while announce is not None and not announce.empty():
            what, first, second = announce.get()
            if what == "start":
                self._running_on[second] = first
                for job in self._jobs.values():
                    if job.task.name == second:
                        job.started = time.monotonic()
            elif self.on_progress is not None:
                self.on_progress(first, second)

    def wait(self, handles: Collection[_Job], timeout: float | None = None
             ) -> dict[_Job, Outcome]:
        futures = [job.future for job in handles if job.future is not None]
        self._read_announcements()  # keep the pipe drained: a full one would block workers
        self._backstop()
        done, _ = cf.wait(futures, timeout=timeout, return_when=cf.FIRST_COMPLETED)
        out: dict[_Job, Outcome] = {}
        for future in done:
            job = self._jobs.pop(future)
            name = job.task.name
            try:
                out[job] = future.result()
            except cf.CancelledError:
                out[job] = Outcome(name, "skipped", message="skipped: cancelled")
            except cf.BrokenExecutor:
                outcome = self._broken(job)
                if outcome is not None:
                    out[job] = outcome
            except BaseException as exc:  # PicklingError of the result, ...
                out[job] = _crashed(name, exc)
        return out

    def _backstop(self) -> None:
        """--task-timeout for work the watchdog cannot stop: a task stuck in Python code
        (not in a command) past its timeout and a grace period. Its worker is stopped, which
        breaks the pool: the task is "timed out", the others in the pool start again."""
        now = time.monotonic()
        for job in list(self._jobs.values()):
            limit = job.task.limits.task_timeout if job.task.limits else None
            if limit is None or job.started is None or job.stopped is not None or \
                    (job.future is not None and job.future.done()) or \
                    now - job.started < limit + BACKSTOP_GRACE:
                continue
            pid = self._running_on.get(job.task.name)
            reason = f"ran longer than the task timeout of {limit:g} s"
            job.stopped = Stopped(job.task.name, reason, "", ())
            if pid:
                try:
                    os.kill(pid, signal.SIGTERM)  # it stops its children, then exits
                except ProcessLookupError:
                    pass

    def _broken(self, job: _Job) -> Outcome | None:
        """A task of a broken pool: its Outcome if its own worker died, else None after
        starting it again (the pool stopped its worker because another one died)."""
        if job.stopped is not None:
            return Outcome(job.task.name, TIMED_OUT, message=job.stopped.reason,
                           stopped=job.stopped)
        self._read_announcements()
        pid = self._running_on.get(job.task.name)
        process = self._workers.get(pid) if pid else None
        if process is not None:
            process.join(5.0)  # the pool terminates and joins its workers: a moment
        code = process.exitcode if process is not None else None
        if (code is not None and code < 0) or job.retried:
            return Outcome(job.task.name, "failed", message=died_message(pid, code))
        job.retried = True
        self._pool = None
        self._start(job)
        return None

    def shutdown(self, cancel: bool = False) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not cancel:
            pool.shutdown(wait=True)
            return
        # ProcessPoolExecutor cannot interrupt running calls: terminate the workers (each
        # kills its children's process groups on SIGTERM), then make sure they are gone.
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for proc in processes:
            if proc.is_alive():
                proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + 5.0
        for proc in processes:
            proc.join(max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join(1.0)
        self._jobs.clear()


class DaskExecutor(_Base):
    """dask.distributed: a scheduler at ``scheduler`` (workers must have giza installed and see
    the project at the same path), or a LocalCluster of ``jobs`` single-threaded processes."""

    def __init__(self, jobs: int | None = None, scheduler: str | None = None) -> None:
        try:
            import distributed
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise UsageError(
                "--executor dask needs dask.distributed: pip install 'giza[dask]'"
            ) from exc
        self._distributed = distributed
        self._cluster: Any = None
        self._deaths: _Deaths | None = None
        if scheduler:
            self._client = distributed.Client(scheduler)
            if jobs is None:
                info = self._client.scheduler_info()
                jobs = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values())
            self.jobs = jobs or 1
        else:
            self.jobs = jobs or default_jobs()
            self._cluster = distributed.LocalCluster(
                n_workers=self.jobs,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",  # any free port: no clash between concurrent builds
                # A worker that dies while running a task (OOM, segfault) fails that task
                # at once: retrying it on the next worker would only kill that one too.
                scheduler_kwargs={"allowed_failures": 0},
            )
            # The nannies live in this process and log how their worker process died.
            self._deaths = _Deaths()
            logging.getLogger("distributed.nanny").addHandler(self._deaths)
            self._client = distributed.Client(self._cluster)
            # The workers are our children, in the terminal's process group: a Ctrl-C would
            # kill them before they could stop their sphinx-builds. Make them behave like
            # process-pool workers (ignore SIGINT, stop children on SIGTERM). Never done to a
            # remote cluster's workers: they are not ours to reconfigure.
            self._client.run(install_worker_signals)
        self._names: dict[Any, str] = {}
        self._counter = itertools.count()
        self._client.subscribe_topic(PROGRESS_TOPIC, self._progress_event)

    def _progress_event(self, event: Any) -> None:
        # On the client's event-loop thread: (scheduler time, [task, phase, done, total]).
        _, (task, phase, done, total) = event
        if self.on_progress is not None:
            self.on_progress(task, Progress(phase, done, total))

    def submit(self, task: Task) -> Any:
        # Unique keys: the same task name may be submitted by successive runs on one cluster.
        key = f"{task.name}-{os.getpid()}-{next(self._counter)}"
        future = self._client.submit(
            _dask_execute, task.name, task.func, dict(task.kwargs), task.limits, project_root(),
            key=key, pure=False,
        )
        self._names[future] = task.name
        return future

    def wait(self, handles: Collection[Any], timeout: float | None = None) -> dict[Any, Outcome]:
        pending = list(handles)
        done = [f for f in pending if f.done()]
        if not done and pending:
            try:
                result = self._distributed.wait(
                    pending, timeout=timeout, return_when="FIRST_COMPLETED"
                )
                done = list(result.done)
            except TimeoutError:
                done = []
        out: dict[Any, Outcome] = {}
        for future in done:
            name = self._names.pop(future)
            try:
                out[future] = future.result()
            except BaseException as exc:  # worker lost, result not deserializable, cancelled
                if isinstance(exc, KeyboardInterrupt):
                    raise
                out[future] = self._lost(name, exc)
        return out

    def _lost(self, name: str, exc: BaseException) -> Outcome:
        if not isinstance(exc, self._distributed.KilledWorker):
            return _crashed(name, exc)
        worker = exc.last_worker
        pid = getattr(worker, "pid", None)
        code = self._deaths.exitcode(pid) if self._deaths is not None and pid else None
        where = getattr(worker, "address", "?")
        return Outcome(name, "failed", message=f"{died_message(pid, code)} (dask worker {where})")

    def shutdown(self, cancel: bool = False) -> None:
        if self._deaths is not None:
            logging.getLogger("distributed.nanny").removeHandler(self._deaths)
            self._deaths = None
        client, self._client = getattr(self, "_client", None), None
        if client is None:
            return
        try:
            if cancel:
                futures = list(self._names)
                # Running tasks cannot be cancelled by dask: stop their children on every
                # worker first (a sphinx-build on a remote machine included).
                try:
                    client.run(kill_active_children, 1.0)
                except Exception as exc:  # a worker unreachable: report, carry on closing
                    print(f"giza: could not stop work on dask workers: {exc}", file=sys.stderr)
                if futures:
                    client.cancel(futures)
                self._names.clear()
        finally:
            client.close()
            if self._cluster is not None:
                self._cluster.close()
                self._cluster = None


def start_forkserver() -> None:
    """Start the process pool's forkserver now, in the background of whatever this process
    does next (the check): its start and imports (a few tenths of a second) are then off the
    path to the first task. The pool created later uses this server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    from multiprocessing import forkserver  # lazy: only the process executor needs it

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(PRELOAD))
    forkserver.ensure_running()


def make_executor(name: str, jobs: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor for ``--executor NAME --jobs N [--scheduler ADDR]``."""
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be at least 1, got {jobs}")
    if scheduler and name != "dask":
        raise UsageError("--scheduler only applies to --executor dask")
    if name == "serial":
        return SerialExecutor(jobs)
    if name == "process":
        return ProcessExecutor(jobs)
    if name == "dask":
        return DaskExecutor(jobs, scheduler)
    raise UsageError(f"unknown executor {name!r}; choose one of: {', '.join(EXECUTORS)}")
