"""Property tests: random inheritance graphs across files."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from giza.content import ContentContext, generate
from giza.errors import ContentError


@st.composite
def dags(draw: st.DrawFn) -> tuple[int, list[int], list[int | None], list[bool]]:
    """(files, file of each unit, parent of each unit (an earlier unit), sets own content)."""
    count = draw(st.integers(1, 30))
    files = draw(st.integers(1, 6))
    where = [draw(st.integers(0, files - 1)) for _ in range(count)]
    parents: list[int | None] = [None]
    for index in range(1, count):
        parents.append(draw(st.one_of(st.none(), st.integers(0, index - 1))))
    own = [parent is None or draw(st.booleans()) for parent in parents]
    return files, where, parents, own


@st.composite
def cyclic(draw: st.DrawFn) -> tuple[int, list[int], list[int | None], list[int]]:
    """A graph where every unit has at most one parent and exactly one cycle exists."""
    count = draw(st.integers(1, 25))
    files = draw(st.integers(1, 5))
    where = [draw(st.integers(0, files - 1)) for _ in range(count)]
    order = draw(st.permutations(range(count)))
    length = draw(st.integers(1, count))
    cycle = list(order[:length])
    parents: list[int | None] = [None] * count
    for position, unit in enumerate(cycle):
        parents[unit] = cycle[(position + 1) % length]
    for position in range(length, count):
        # the others point anywhere already placed (into the cycle or its tails) or nowhere
        parents[order[position]] = draw(st.one_of(
            st.none(), st.sampled_from(list(order[:position]))))
    return files, where, parents, cycle


def _write(includes: Path, files: int, where: list[int], parents: list[int | None],
           own: list[bool]) -> None:
    documents: dict[int, list[str]] = {number: [] for number in range(files)}
    for unit, file_number in enumerate(where):
        lines = [f"ref: u{unit}"]
        parent = parents[unit]
        if parent is not None:
            lines.append(f"inherit: {{file: extracts-f{where[parent]}.yaml, ref: u{parent}}}")
        if own[unit]:
            lines.append(f"content: from u{unit} {{{{mark}}}}")
            lines.append(f"replacement: {{mark: m{unit}}}")
        documents[file_number].append("\n".join(lines))
    for number, docs in documents.items():
        (includes / f"extracts-f{number}.yaml").write_text("\n---\n".join(docs) + "\n"
                                                          if docs else "")


@settings(max_examples=60, deadline=None)
@given(dags())
def test_random_dags_resolve_to_the_nearest_definition(graph) -> None:
    files, where, parents, own = graph
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        includes = root / "includes"
        includes.mkdir()
        _write(includes, files, where, parents, own)
        result = generate(ContentContext(includes), root / "proxy", ["extracts"],
                          record=root / "record.json")
        assert len(result.written) == len(where)
        for unit in range(len(where)):
            source = unit
            while not own[source]:
                source = parents[source]  # type: ignore[assignment]
            # content and 'mark' both come from the nearest ancestor that sets them
            text = (root / "proxy" / "includes" / "extracts" / f"u{unit}.rst").read_text()
            assert text == f"from u{source} m{source}\n"


@settings(max_examples=60, deadline=None)
@given(cyclic())
def test_random_graphs_with_a_cycle_report_it(graph) -> None:
    files, where, parents, cycle = graph
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        includes = root / "includes"
        includes.mkdir()
        _write(includes, files, where, parents, [True] * len(where))
        try:
            generate(ContentContext(includes), root / "proxy", ["extracts"],
                     record=root / "record.json")
        except ContentError as error:
            message = str(error)
        else:
            raise AssertionError("a cycle was not reported")
        assert message.startswith("inheritance cycle: ")
        reported = [int(ref) for ref in re.findall(r"'u(\d+)'", message)]
        assert reported[0] == reported[-1]
        assert sorted(reported[:-1]) == sorted(cycle)
        # each link names its successor's parent relation in order
        for child, parent in zip(reported, reported[1:], strict=False):
            assert parents[child] == parent
        assert not (root / "proxy").exists()  # nothing written on error
