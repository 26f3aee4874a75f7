"""Random corruptions of a fixture project's YAML never crash giza.

Whatever a careless or hostile contributor does to the YAML files, giza exits 0, 1
or 2 with a message, never with a traceback, and never writes outside build/."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from giza.cli import main
from giza.options import Options, use

FIXTURE = Path(__file__).parent / "projects" / "fuzz"
YAML_FILES = sorted(str(p.relative_to(FIXTURE)) for p in FIXTURE.rglob("*.yaml"))

# What YAML (and giza's placeholders, anchors, tags) reads as structure.
TOKENS = [b":", b": ", b"- ", b"[", b"]", b"{", b"}", b",", b"&a ", b"*a", b"*b ", b"<<: *a\n",
          b"!!python/object/apply:os.system ['touch ../pwned'] ", b"!!binary ", b"!!int ",
          b"\t", b"\n---\n", b"\n...\n", b'"', b"'", b"%YAML 1.1\n", b"\x00", b"\xff\xfe",
          b"? ", b"|", b">-", b"#", b"@", b"`", b"~", b"null", b"123", b"true", b"1e999",
          b"\n  ", b"    ", b"{{", b"}}", b"{{product", b"{{ x | attr('y') }}", b"../",
          b"/..", b"inherit: {file: extracts-common.yaml, ref: note}\n", b"ref: note\n",
          b"edition: [x]\n", b"code: 999\n", b"outputs: [before-9.9]\n", b"\xe2\x80\xa8"]

position = st.integers(min_value=0, max_value=1 << 16)
operation = st.one_of(
    st.tuples(st.just("insert"), position, st.sampled_from(TOKENS)),
    st.tuples(st.just("delete"), position, st.integers(min_value=1, max_value=40)),
    st.tuples(st.just("truncate"), position, st.just(0)),
    st.tuples(st.just("duplicate-line"), position, st.just(0)),
    st.tuples(st.just("swap-lines"), position, position),
)


def corrupt(data: bytes, op: tuple) -> bytes:
    kind, at, arg = op
    at %= len(data) + 1
    if kind == "insert":
        return data[:at] + arg + data[at:]
    if kind == "delete":
        return data[:at] + data[at + arg:]
    if kind == "truncate":
        return data[:at]
    lines = data.split(b"\n")
    first = at % len(lines)
    if kind == "duplicate-line":
        return b"\n".join(lines[:first + 1] + lines[first:])
    second = arg % len(lines)
    lines[first], lines[second] = lines[second], lines[first]
    return b"\n".join(lines)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file outside build/ (and the listing of root's parent)."""
    found = {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*")
             if p.is_file() and p.relative_to(root).parts[0] != "build"}
    found["<parent>"] = "\n".join(sorted(os.listdir(root.parent))).encode()
    return found


def run(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--executor", "serial", *args])
        finally:
            use(Options())
    return code, out.getvalue() + err.getvalue()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(YAML_FILES), ops=st.lists(operation, min_size=1, max_size=3))
def test_corrupted_yaml_never_crashes(name: str, ops: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "fuzz"
        shutil.copytree(FIXTURE, root)
        target = root / name
        data = target.read_bytes()
        for op in ops:
            data = corrupt(data, op)
        target.write_bytes(data)
        before = snapshot(root)
        cwd = os.getcwd()
        os.chdir(root)
        try:
            # Content generation reads every generator file; a dry run loads and checks
            # every config file and renders the site files (robots, redirects).
            for args in (("generate", "all"), ("sphinx", "-b", "publish", "--dry-run"),
                         ("make", "html-saas", "--dry-run")):
                code, output = run(*args)
                event(f"{args[0]}: exit {code}")
                assert code in (0, 1, 2), (args, code, output)
                assert "Traceback" not in output, output
        finally:
            os.chdir(cwd)
        assert snapshot(root) == before
