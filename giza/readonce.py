"""Read once per (edition, language), then write every format.

Sphinx keeps what it read in the environment (``environment.pickle``) and the doctrees. Sphinx
9 re-reads a document only when (``BuildEnvironment.get_outdated_files``) the configuration's
``rebuild='env'`` values differ from the pickled ones (``_config_status``), the extensions
differ, the document is new, its doctree file is missing, or it or a dependency is newer than
when it was read. Tags are not part of that: ``.. only::`` is resolved when a page is written.
What refuses a shared environment outright is the builder's *versioning method*
(``set_versioning_method``): gettext keeps uuids in its doctrees and raises "This environment
is incompatible with the selected builder".

So within one proxy tree (same ``excluded`` list), every builder below that starts without an
environment of its own copies the doctrees of the first builder that reads the tree, and only
writes. Builders with different sphinx.yaml tags (the project's own switches, which conf.py
may use to set environment values) read on their own; so does one whose seeded run made
Sphinx read anyway (a conf.py value that differs by builder): giza notes why and does not
seed it again until conf.py or its tags change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from giza.config.model import Config
from giza.variants import Variant

# Builders whose versioning method is 'none' (Sphinx's default): one environment serves all.
SHARED = ("html", "dirhtml", "singlehtml", "json", "pickle", "epub", "latex", "man", "text",
          "texinfo", "xml", "pseudoxml")
# Why the others read their own sources (the reason --explain gives).
OWN_REASONS = {"gettext": "versioning", "websupport": "versioning"}
# Builders that write pages in parallel under sphinx-build -j (Builder.allow_parallel):
# singlehtml, latex, man and texinfo write one file per document set, in one process.
PARALLEL_WRITERS = ("html", "dirhtml", "json", "pickle", "epub", "text", "xml", "pseudoxml")

# How long a builder's write takes against the others' (200 synthetic pages, one core):
# the lanes take the writers longest first, so that none is left to write alone at the end.
WRITE_WEIGHT = {"epub": 6, "dirhtml": 5, "html": 5, "singlehtml": 4, "json": 4, "pickle": 4,
                "latex": 3, "texinfo": 3, "xml": 2, "pseudoxml": 2, "text": 1, "man": 1}

_UPDATING = re.compile(r"^updating environment: (?:\[(?P<why>[^\]]*)\] )?(?P<added>\d+) added, "
                       r"(?P<changed>\d+) changed", re.MULTILINE)


@dataclass(frozen=True)
class ReadPlan:
    """Who reads each proxy tree: ``seeds`` maps a variant to the sibling whose environment
    it writes from; ``own`` says why a variant reads its own sources."""

    seeds: dict[Variant, Variant] = field(default_factory=dict)
    own: dict[Variant, str] = field(default_factory=dict)


def has_environment(config: Config, variant: Variant) -> bool:
    return (variant.doctree_dir(config) / "environment.pickle").exists()


def read_plan(config: Config, variants: Sequence[Variant], tree_of: dict[Variant, str],
              fresh: Sequence[Variant] = ()) -> ReadPlan:
    """Which variants write from a sibling's environment, and why the others read.

    A variant seeds from the first variant of its tree with the same sphinx.yaml tags when
    it has no environment of its own, or starts fresh this run (``fresh``: giza discards its
    environment). A variant that has its own environment is not re-seeded when a sibling
    re-reads pages this run (an incremental build): it reads just the changed pages itself,
    side by side with the sibling. Copying the sibling's environment instead would make it
    wait for the sibling (the writes would serialize behind the read) and would lose what
    Sphinx's read phase returns besides the changed pages, the pages that depend on them
    (changed titles in toctrees and references), which it then writes. Reading a few pages
    costs less than both."""
    seeds: dict[Variant, Variant] = {}
    own: dict[Variant, str] = {}
    first: dict[tuple[str, tuple[str, ...]], Variant] = {}
    learned = learned_reasons(config, variants)
    for variant in variants:
        reason = OWN_REASONS.get(variant.builder) or learned.get(variant.name)
        if reason is None and variant.builder not in SHARED:
            reason = f"'{variant.builder}' is not a builder known to read like html"
        if reason is not None:
            own[variant] = reason
            continue
        tags = config.matrix.lookup(variant.builder, variant.edition).tags
        key = (tree_of[variant], tuple(sorted(tags)))
        reader = first.setdefault(key, variant)
        if reader == variant:
            _tags_differ(own, first, variant, key)
        elif variant in fresh or not has_environment(config, variant):
            seeds[variant] = reader
    return ReadPlan(seeds, own)


def _tags_differ(own: dict[Variant, str], first: dict[tuple[str, tuple[str, ...]], Variant],
                 variant: Variant, key: tuple[str, tuple[str, ...]]) -> None:
    """A second reader of one tree reads on its own because its sphinx.yaml tags differ."""
    other = next((v for k, v in first.items() if k[0] == key[0] and v != variant), None)
    if other is not None:
        tags = ", ".join(key[1]) or "none"
        own[variant] = f"sphinx.yaml tags differ from {other.builder}'s (its tags: {tags})"


def shares(plan: ReadPlan, variants: Sequence[Variant], cores: int) -> dict[Variant, int]:
    """sphinx-build -j for each variant. The readers split the cores; each reader's process
    then writes its writers in as many lanes as it has cores (giza.sphinx.runner), and the
    lanes split the reader's cores again (lane_jobs)."""
    readers = [v for v in variants if v not in plan.seeds]
    found = {v: core_share(len(readers), cores) for v in readers}
    for variant in variants:
        reader = plan.seeds.get(variant)
        if reader is not None:
            count = lanes(found[reader], reader.builder,
                          [w.builder for w in writers_of(plan, reader)])
            found[variant] = lane_jobs(found[reader], count, variant.builder)
    return found


def lane_jobs(cores: int, count: int, builder: str) -> int:
    """sphinx-build -j of one write in a reader's ``count`` lanes: the reader's cores
    split by lane; a builder that cannot write in parallel gets 1 (a larger -j would only
    hold cores the others could use)."""
    if builder not in PARALLEL_WRITERS:
        return 1
    return max(1, cores // count)


def writers_of(plan: ReadPlan, reader: Variant) -> list[Variant]:
    """The variants that write from ``reader``'s environment, longest write first. Its
    process writes them (giza.sphinx.runner) once it has read."""
    found = [v for v, seed in plan.seeds.items() if seed == reader]
    return sorted(found, key=lambda v: -WRITE_WEIGHT.get(v.builder, 3))


def lanes(cores: int, reader: str, writers: Sequence[str]) -> int:
    """Processes writing side by side once the reader has read: as many as make the
    writes end soonest by estimate (``makespan``), from one to twice the cores, never
    more than there are builds to write (the reader's own included). More lanes than
    cores share the cores: five writes of one size on two cores end in 2.5 writes' time
    with three lanes, and in 3 with two, the last one written alone. Fewer win a tie."""
    most = min(len(writers) + 1, 2 * max(1, cores))
    return min(range(1, most + 1), key=lambda n: (makespan(cores, n, reader, writers), n))


def makespan(cores: int, count: int, reader: str, writers: Sequence[str]) -> float:
    """When the last write ends, by WRITE_WEIGHT: ``count`` lanes, the reader's own write
    in the first, the writers taken in order by whichever lane is free, the cores shared
    evenly when more lanes than cores are busy."""
    weight = [float(WRITE_WEIGHT.get(name, 3)) for name in (reader, *writers)]
    left, queue, now = [weight[0]], list(weight[1:]), 0.0
    while queue and len(left) < count:
        left.append(queue.pop(0))
    while left:
        rate = min(1.0, cores / len(left))
        step = min(left) / rate
        now += step
        left = [w - step * rate for w in left]
        done = [w for w in left if w <= 1e-9]
        left = [w for w in left if w > 1e-9]
        for _ in done:
            if queue:
                left.append(queue.pop(0))
    return now


def core_share(variant_count: int, cores: int) -> int:
    """sphinx-build -j for each of ``variant_count`` runs side by side: split the cores,
    never oversubscribe."""
    if variant_count <= 0 or variant_count >= cores:
        return 1
    return max(1, cores // variant_count)


def seeded_argv(argv: list[str]) -> list[str]:
    """A seeded run writes every page (-a): Sphinx's read phase, which names the pages to
    write besides the outdated ones, reads nothing there, and output files left from an
    earlier build must not be taken for up to date."""
    return [*argv[:-2], "-a", *argv[-2:]]


def reread(output: str) -> tuple[int, str]:
    """(documents a sphinx-build read, Sphinx's reason in brackets) from its output."""
    match = _UPDATING.search(output)
    if match is None:
        return 0, ""
    return int(match["added"]) + int(match["changed"]), match["why"] or ""


def _learned_dir(config: Config) -> Path:
    return config.branch_dir / ".giza" / "read-own"


def _key(config: Config, variant: Variant) -> str:
    """What a learned reason depends on: conf.py and the variant's sphinx.yaml tags."""
    import hashlib  # lazy: keeps start-up fast

    from giza.sphinx.argv import conf_dir

    conf = conf_dir(config.root) / "conf.py"
    tags = config.matrix.lookup(variant.builder, variant.edition).tags
    digest = hashlib.sha1(conf.read_bytes(), usedforsecurity=False).hexdigest() \
        if conf.is_file() else ""
    return json.dumps([digest, sorted(tags)])


def learned_reasons(config: Config, variants: Sequence[Variant]) -> dict[str, str]:
    """Reasons noted by earlier seeded runs that made Sphinx read anyway, still valid."""
    folder = _learned_dir(config)
    if not folder.is_dir():
        return {}
    found: dict[str, str] = {}
    for variant in variants:
        path = folder / f"{variant.name}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("key") == _key(config, variant):
            found[variant.name] = str(data.get("reason"))
    return found


def note_seeded_run(config: Config, variant: Variant, seed: str, output: str) -> str | None:
    """After a seeded run: if Sphinx read documents anyway, note why (the next plan lets
    this variant read on its own, instead of waiting for a sibling to no use)."""
    from giza.fileio import atomic_write  # lazy: keeps start-up fast

    count, why = reread(output)
    path = _learned_dir(config) / f"{variant.name}.json"
    if count == 0:
        path.unlink(missing_ok=True)
        return None
    sibling = Path(seed).name.removeprefix("doctrees-")
    found = re.search(r"\('([^']+)'\)", why)
    reason = (f"conf.py value '{found[1]}' differs from {sibling}'s" if found and
              why.startswith("config changed") else
              f"Sphinx read {count} documents after starting from {sibling}'s environment"
              + (f" ({why})" if why else ""))
    payload = json.dumps({"key": _key(config, variant), "reason": reason}) + "\n"
    atomic_write(path, payload.encode("utf-8"))
    return reason


def explain(config: Config, variants: Sequence[Variant], tree_of: dict[Variant, str],
            fresh: Sequence[Variant] = ()) -> list[str]:
    """--explain's lines on reading, for the (edition, language) pairs with more than one
    builder: who writes from whose environment, who reads its own sources and why."""
    plan = read_plan(config, variants, tree_of, fresh)
    lines = []
    for variant in variants:
        if sum(v.pair == variant.pair for v in variants) < 2:
            continue
        if variant in plan.seeds:
            lines.append(f"{variant.name}: writes from {plan.seeds[variant].name}'s "
                         "environment (reads nothing)")
        elif variant in plan.own:
            lines.append(f"{variant.name}: reads its own sources: {plan.own[variant]}")
    return lines
