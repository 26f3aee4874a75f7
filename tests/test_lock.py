"""One build per project at a time, tested with real processes."""

from __future__ import annotations

import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from giza.errors import BuildError
from giza.lock import Holder, holding, read_holder

PROJECTS = Path(__file__).parent / "projects"

# A process that holds a project's lock until it reads a line (or is killed).
HOLDER = """\
import sys
from pathlib import Path
from giza.lock import holding
with holding(Path(sys.argv[1]), "giza sphinx -b html"):
    print("locked", flush=True)
    sys.stdin.readline()
"""

# Everything in the waiting message but the seconds, which depend on the machine.
WAITING = re.compile(r"giza: waiting for another giza build in this project "
                     r"\(pid (\d+), giza sphinx -b html, started \d+ s ago\)\n")


def line_within(stream, seconds: float = 120) -> str:
    """The next line of a child's pipe; guards the test against hanging forever."""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        assert selector.select(seconds), "no output from the child process"
    return stream.readline()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "basic"
    shutil.copytree(PROJECTS / "basic", root)
    return root


def lock_of(root: Path) -> Path:
    return root / "build" / "2.1" / ".giza" / "lock"


@pytest.fixture
def holder(root: Path):
    """A second real process holding the project's build lock."""
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock_of(root))],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert line_within(proc.stdout) == "locked\n"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def giza(root: Path, *args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "giza", *args], cwd=root, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **popen)


def test_no_wait_exits_1_at_once_naming_the_holder(root, holder):
    proc = giza(root, "--no-wait", "generate", "all")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert re.fullmatch(rf"giza: error: another giza build is running in this project "
                        rf"\(pid {holder.pid}, giza sphinx -b html, started \d+ s ago\); "
                        rf"not waiting \(--no-wait\)\n", err), err
    assert not (root / "build" / "2.1" / "source").exists()  # nothing was written


def test_a_second_build_waits_then_runs(root, holder):
    proc = giza(root, "generate", "all")
    waiting = line_within(proc.stderr)
    match = WAITING.fullmatch(waiting)
    assert match, waiting
    assert int(match.group(1)) == holder.pid
    assert proc.poll() is None  # still waiting
    assert not (root / "build" / "2.1" / "source").exists()
    holder.stdin.write("\n")  # the first build ends
    holder.stdin.flush()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert out.startswith("build/2.1/source: ")
    assert err == ""
    assert holder.wait(timeout=60) == 0


def test_a_killed_holder_never_blocks(root, holder):
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=60)
    assert read_holder(lock_of(root)).pid == holder.pid  # its note is still there
    proc = giza(root, "--no-wait", "generate", "all")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert read_holder(lock_of(root)) is None  # released cleanly: no note left


@pytest.mark.parametrize("args", [("config",), ("records",), ("sphinx", "--dry-run"),
                                  ("sphinx", "--explain"), ("clean", "--dry-run"),
                                  ("make", "html", "--dry-run"),
                                  ("push", "-t", "x", "--dry-run")])
def test_read_only_commands_do_not_lock(root, holder, args):
    proc = giza(root, "--no-wait", *args)
    out, err = proc.communicate(timeout=120)
    assert "another giza build" not in err
    # (push -t x fails on the unknown target, but not on the lock)
    assert proc.returncode in (0, 2), err


@pytest.mark.parametrize("args", [("sphinx", "-b", "html"), ("generate", "all"), ("clean",),
                                  ("make", "html"), ("push", "-t", "x"),
                                  ("deploy", "-t", "x")])
def test_every_writing_command_locks(root, holder, args):
    (root / "config" / "push.yaml").write_text(
        "target: x\npaths:\n  local: public\n  remote: /tmp/nowhere\n")
    proc = giza(root, "--no-wait", *args)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1
    assert "another giza build is running in this project" in err, err


def test_holding_is_reentrant_and_releases(tmp_path: Path):
    path = tmp_path / ".giza" / "lock"
    with holding(path, "giza make html"):
        with holding(path, "giza sphinx -b html"):  # make runs sphinx: no self-wait
            pass
        assert read_holder(path) is not None
        assert (read_holder(path).pid, read_holder(path).command) == (os.getpid(),
                                                                     "giza make html")
    # released: another process gets it without waiting
    proc = subprocess.run([sys.executable, "-c",
                           "import sys; from pathlib import Path; from giza.lock import holding\n"
                           "with holding(Path(sys.argv[1]), 'x', wait=False): print('ok')",
                           str(path)], capture_output=True, text=True, timeout=120)
    assert proc.stdout == "ok\n", proc.stderr


def test_holder_description():
    assert Holder(12, "giza sphinx -b html", 100.0).describe(now=112.6) == \
        "pid 12, giza sphinx -b html, started 12 s ago"


def test_no_wait_in_process(tmp_path: Path):
    path = tmp_path / "lock"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert line_within(proc.stdout) == "locked\n"
        with pytest.raises(BuildError, match=r"^another giza build is running in this "
                                             rf"project \(pid {proc.pid}, "):
            with holding(path, "giza generate all", wait=False):
                pass
    finally:
        proc.kill()
        proc.wait()


def test_translate_update_locks_and_status_does_not(tmp_path: Path):
    root = tmp_path / "multi"
    shutil.copytree(PROJECTS / "multi", root)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER,
                             str(root / "build" / "1.0" / ".giza" / "lock")],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert line_within(proc.stdout) == "locked\n"
        update = giza(root, "--no-wait", "translate", "update")
        out, err = update.communicate(timeout=120)
        assert update.returncode == 1
        assert "another giza build is running in this project" in err
        status = giza(root, "--no-wait", "translate", "status")
        out, err = status.communicate(timeout=120)
        assert status.returncode == 0, err
    finally:
        proc.kill()
        proc.wait()


def test_a_command_that_writes_nothing_leaves_no_build_dir(tmp_path: Path):
    path = tmp_path / "build" / "main" / ".giza" / "lock"
    with holding(path, "giza push -t nowhere"):
        assert path.exists()
    assert not (tmp_path / "build").exists()
    with holding(path, "giza sphinx -b html"):
        (path.parent / "record.json").write_text("{}")
    assert sorted(os.listdir(path.parent)) == ["lock", "record.json"]
