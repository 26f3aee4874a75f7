from __future__ import annotations

import pytest

from giza.graph import Graph, Task


def noop() -> None:
    return None


def t(name: str, *deps: str, **extra: object) -> Task:
    return Task(name, noop, {}, tuple(deps), **extra)  # type: ignore[arg-type]


def test_add_rejects_duplicate_names_and_bad_cores() -> None:
    graph = Graph([t("a")])
    with pytest.raises(ValueError, match="duplicate task name: 'a'"):
        graph.add(t("a"))
    with pytest.raises(ValueError, match="cores must be >= 1"):
        graph.add(t("b", cores=0))


def test_validate_names_unknown_dependencies() -> None:
    graph = Graph([t("a", "missing"), t("b", "a", "gone")])
    with pytest.raises(ValueError) as info:
        graph.validate()
    assert str(info.value) == "unknown dependency: 'a' -> 'missing', 'b' -> 'gone'"


def test_validate_names_the_cycle() -> None:
    graph = Graph([t("start"), t("a", "start", "c"), t("b", "a"), t("c", "b")])
    with pytest.raises(ValueError) as info:
        graph.validate()
    assert str(info.value) == "dependency cycle: a -> c -> b -> a"


def test_self_dependency_is_a_cycle() -> None:
    with pytest.raises(ValueError, match="dependency cycle: a -> a"):
        Graph([t("a", "a")]).order()


def test_order_is_topological_with_insertion_order_between_ready_tasks() -> None:
    graph = Graph([
        t("sphinx:html", "generate:main"),
        t("proxy:main"),
        t("generate:main", "proxy:main"),
        t("proxy:saas"),
        t("deploy", "sphinx:html", "sphinx:html", "proxy:saas"),  # repeated dep is harmless
    ])
    assert [task.name for task in graph.order()] == [
        "proxy:main", "generate:main", "sphinx:html", "proxy:saas", "deploy",
    ]


def test_deep_chains_do_not_hit_the_recursion_limit() -> None:
    graph = Graph([t("n0")] + [t(f"n{i}", f"n{i - 1}") for i in range(1, 5000)])
    graph.validate()
    assert graph.order()[-1].name == "n4999"


def test_dry_run_text() -> None:
    graph = Graph([
        t("proxy:main", label="mirror source/ -> build/main/source"),
        t("sphinx:html", "proxy:main", cores=2, label="sphinx-build -b html"),
        t("deploy", "sphinx:html"),
    ])
    assert graph.dry_run() == (
        "  1. proxy:main  mirror source/ -> build/main/source\n"
        "  2. sphinx:html  sphinx-build -b html  [2 cores]  (after proxy:main)\n"
        "  3. deploy  (after sphinx:html)\n"
    )
    assert Graph().dry_run() == ""


def test_container_protocol() -> None:
    graph = Graph([t("a"), t("b", "a")])
    assert len(graph) == 2
    assert "a" in graph and "z" not in graph
    assert graph["b"].deps == ("a",)
    assert [task.name for task in graph] == ["a", "b"]
    assert graph.dependents() == {"a": ["b"], "b": []}
