"""`giza serve` bad inputs: a clear message and exit 2, before any build."""

from __future__ import annotations

import socket


def test_only_html_builders(copy_project, giza):
    copy_project("basic")
    result = giza("serve", "-b", "latex")
    assert result.code == 2
    # argparse quotes the choices or not, by Python version
    assert "giza serve: error: argument -b/--builder: invalid choice: 'latex' (choose from " \
        in result.err
    assert result.err.replace("'", "").endswith("(choose from html, dirhtml)\n")


def test_unknown_edition(copy_project, giza):
    copy_project("multi")
    result = giza("serve", "-e", "cloud")
    assert result.code == 2
    assert result.err == "giza: error: unknown edition 'cloud'; valid editions: saas, onprem\n"


def test_a_busy_port(copy_project, giza, tmp_path):
    root = copy_project("basic")
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = giza("serve", "--port", str(port))
    assert result.code == 2
    assert result.err == (f"giza: error: cannot listen on 127.0.0.1:{port}: Address already "
                          "in use; choose another port with --port\n")
    assert not (root / "build").exists()  # it failed before building anything
