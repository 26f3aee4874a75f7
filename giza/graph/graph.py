"""A Graph: named tasks with explicit dependencies, validated before anything runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace

from giza.graph.task import Task
from giza.watchdog import Limits


class Graph:
    """An ordered set of tasks. Insertion order is the tie-breaker everywhere (stable plans)."""

    def __init__(self, tasks: Iterable[Task] = ()) -> None:
        self._tasks: dict[str, Task] = {}
        for task in tasks:
            self.add(task)

    def add(self, task: Task) -> Task:
        if task.name in self._tasks:
            raise ValueError(f"duplicate task name: {task.name!r}")
        if task.cores < 1:
            raise ValueError(f"task {task.name!r}: cores must be >= 1, got {task.cores}")
        self._tasks[task.name] = task
        return task

    def __len__(self) -> int:
        return len(self._tasks)

    def __iter__(self) -> Iterator[Task]:
        return iter(self._tasks.values())

    def __contains__(self, name: object) -> bool:
        return name in self._tasks

    def __getitem__(self, name: str) -> Task:
        return self._tasks[name]

    def limited(self, limits: Callable[[Task], Limits]) -> Graph:
        """The same graph with the watchdog's limits, ``limits(task)``, on each task."""
        return Graph(replace(task, limits=limits(task)) for task in self._tasks.values())

    @property
    def tasks(self) -> list[Task]:
        return list(self._tasks.values())

    def dependents(self) -> dict[str, list[str]]:
        """name -> names of the tasks that depend on it (insertion order)."""
        out: dict[str, list[str]] = {name: [] for name in self._tasks}
        for task in self._tasks.values():
            for dep in task.waits_for:
                if dep in out:
                    out[dep].append(task.name)
        return out

    def validate(self) -> None:
        """Raise ValueError naming unknown dependencies, or the tasks forming a cycle."""
        unknown = [
            f"{task.name!r} -> {dep!r}"
            for task in self._tasks.values()
            for dep in task.waits_for
            if dep not in self._tasks
        ]
        if unknown:
            raise ValueError("unknown dependency: " + ", ".join(unknown))
        cycle = self._find_cycle()
        if cycle:
            raise ValueError("dependency cycle: " + " -> ".join(cycle))

    def _find_cycle(self) -> list[str]:
        # Iterative DFS (deep graphs must not hit the recursion limit); returns the cycle path.
        white, grey, black = 0, 1, 2
        colour = dict.fromkeys(self._tasks, white)
        for root in self._tasks:
            if colour[root] != white:
                continue
            stack: list[tuple[str, Iterator[str]]] = [(root, iter(self._tasks[root].waits_for))]
            colour[root] = grey
            while stack:
                node, deps = stack[-1]
                for dep in deps:
                    if colour[dep] == grey:
                        path = [name for name, _ in stack]
                        return [*path[path.index(dep):], dep]
                    if colour[dep] == white:
                        colour[dep] = grey
                        stack.append((dep, iter(self._tasks[dep].waits_for)))
                        break
                else:
                    colour[node] = black
                    stack.pop()
        return []

    def order(self) -> list[Task]:
        """Topological order; among ready tasks, insertion order (Kahn's algorithm)."""
        self.validate()
        index = {name: i for i, name in enumerate(self._tasks)}
        waiting = {name: len(task.waits_for) for name, task in self._tasks.items()}
        dependents = self.dependents()
        ready = sorted((n for n, c in waiting.items() if c == 0), key=index.__getitem__)
        out: list[Task] = []
        while ready:
            name = ready.pop(0)
            out.append(self._tasks[name])
            released = []
            for child in dict.fromkeys(dependents[name]):
                waiting[child] -= 1
                if waiting[child] == 0:
                    released.append(child)
            ready = sorted([*ready, *released], key=index.__getitem__)
        return out

    def ranks(self, expected: Mapping[str, float]) -> dict[str, float]:
        """name -> expected seconds from its start to the end of the longest chain of work
        that waits for it (its own expected time included). Starting the highest rank first
        is longest-expected-first that also sees what a task holds up."""
        dependents = self.dependents()
        rank: dict[str, float] = {}
        for task in reversed(self.order()):
            after = [rank[name] for name in dependents[task.name]]
            rank[task.name] = max(0.0, expected.get(task.name, 0.0)) + max(after, default=0.0)
        return rank

    def dry_run(self) -> str:
        """What --dry-run prints: one line per task in execution order, with its dependencies."""
        lines = []
        for number, task in enumerate(self.order(), 1):
            line = f"{number:>3}. {task.name}"
            if task.label:
                line += f"  {task.label}"
            if task.cores > 1:
                line += f"  [{task.cores} cores]"
            if task.deps:
                line += f"  (after {', '.join(task.deps)})"
            if task.after:
                # ordering only: a sibling's doctrees, or a site staged before this one
                verb = "waits for" if task.kind in ("post", "stage") else "reuses"
                line += f"  ({verb} {', '.join(task.after)})"
            lines.append(line)
        return "\n".join(lines) + ("\n" if lines else "")
