"""Executors: where tasks run. All three share one small interface used by ``run_graph``.

``submit(task) -> handle``; ``wait(handles, timeout) -> {handle: Outcome}`` for the handles that
finished (possibly none when the timeout passed); ``shutdown(cancel)``; attribute ``jobs`` (the
core budget) and ``max_tasks`` (how many tasks may run at once, None = no limit besides jobs).
Every task runs through ``giza.graph.task.execute`` so that failures come back as values.
"""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import multiprocessing
import os
import sys
import time
from collections.abc import Collection
from typing import Any, Protocol

from giza.errors import UsageError, project_root
from giza.graph.task import Outcome, Task, execute
from giza.sphinx.run import install_worker_signals, kill_active_children

EXECUTORS = ("serial", "process", "dask")


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
                return {handle: execute(task.name, task.func, task.kwargs, project_root())}
        return {}

    def shutdown(self, cancel: bool = False) -> None:
        self._pending.clear()


def _crashed(name: str, exc: BaseException) -> Outcome:
    # The worker itself failed (died, result not picklable, ...), not the task function.
    return Outcome(name, "failed", message=f"{type(exc).__name__}: {exc}".rstrip(": "))


class ProcessExecutor(_Base):
    """A local process pool (the default). Workers ignore SIGINT; on shutdown(cancel=True)
    they get SIGTERM, stop their child process groups and exit (see giza.sphinx.run)."""

    def __init__(self, jobs: int | None = None, mp_context: str | None = None) -> None:
        self.jobs = jobs or default_jobs()
        # forkserver: workers start from a clean, single-threaded process (no fork of a
        # process that runs rich's refresh thread), yet start fast. Task functions must be
        # importable, which they are (module-level functions).
        if mp_context is None:
            methods = multiprocessing.get_all_start_methods()
            mp_context = "forkserver" if "forkserver" in methods else "spawn"
        self._context = multiprocessing.get_context(mp_context)
        self._pool: cf.ProcessPoolExecutor | None = None
        self._names: dict[cf.Future[Outcome], str] = {}

    def _get_pool(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=self._context,
                initializer=install_worker_signals,
            )
        return self._pool

    def submit(self, task: Task) -> cf.Future[Outcome]:
        pool = self._get_pool()
        try:
            future = pool.submit(execute, task.name, task.func, dict(task.kwargs), project_root())
        except cf.BrokenExecutor:
            # A worker died (OOM killer, segfault): tasks already in it failed; start afresh.
            self._pool = None
            future = self._get_pool().submit(execute, task.name, task.func,
                                             dict(task.kwargs), project_root())
        self._names[future] = task.name
        return future

    def wait(
        self, handles: Collection[cf.Future[Outcome]], timeout: float | None = None
    ) -> dict[cf.Future[Outcome], Outcome]:
        done, _ = cf.wait(list(handles), timeout=timeout, return_when=cf.FIRST_COMPLETED)
        out: dict[cf.Future[Outcome], Outcome] = {}
        for future in done:
            name = self._names.pop(future)
            try:
                out[future] = future.result()
            except cf.CancelledError:
                out[future] = Outcome(name, "skipped", message="skipped: cancelled")
            except BaseException as exc:  # BrokenProcessPool, PicklingError of the result
                out[future] = _crashed(name, exc)
        return out

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
        self._names.clear()


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
            )
            self._client = distributed.Client(self._cluster)
            # The workers are our children, in the terminal's process group: a Ctrl-C would
            # kill them before they could stop their sphinx-builds. Make them behave like
            # process-pool workers (ignore SIGINT, stop children on SIGTERM). Never done to a
            # remote cluster's workers: they are not ours to reconfigure.
            self._client.run(install_worker_signals)
        self._names: dict[Any, str] = {}
        self._counter = itertools.count()

    def submit(self, task: Task) -> Any:
        # Unique keys: the same task name may be submitted by successive runs on one cluster.
        key = f"{task.name}-{os.getpid()}-{next(self._counter)}"
        future = self._client.submit(
            execute, task.name, task.func, dict(task.kwargs), project_root(), key=key,
            pure=False)
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
                out[future] = _crashed(name, exc)
        return out

    def shutdown(self, cancel: bool = False) -> None:
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
