"""Task graph: tasks, outcomes, executors (serial, process pool, dask) and the runner."""

from giza.graph.executors import (
    DaskExecutor,
    Executor,
    ProcessExecutor,
    SerialExecutor,
    make_executor,
)
from giza.graph.graph import Graph
from giza.graph.run import GraphInterrupted, run_graph
from giza.graph.task import Outcome, Task, execute

__all__ = [
    "DaskExecutor",
    "Executor",
    "Graph",
    "GraphInterrupted",
    "Outcome",
    "ProcessExecutor",
    "SerialExecutor",
    "Task",
    "execute",
    "make_executor",
    "run_graph",
]
