"""giza never runs a shell string: every child process gets an argv list."""

from __future__ import annotations

import ast
from pathlib import Path

import giza

PACKAGE = Path(giza.__file__).parent
SHELL_CALLS = {("os", "system"), ("os", "popen"), ("subprocess", "getoutput"),
               ("subprocess", "getstatusoutput"), ("os", "execl"), ("os", "execlp")}


def offences(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and (
                func.value.id, func.attr) in SHELL_CALLS:
            found.append(f"{node.lineno}: {func.value.id}.{func.attr}()")
        for keyword in node.keywords:
            if keyword.arg == "shell" and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is False):
                found.append(f"{node.lineno}: shell={ast.unparse(keyword.value)}")
    return found


def test_the_checker_finds_shell_strings():
    tree = ast.parse("import os, subprocess\nos.system('ls')\n"
                     "subprocess.run('ls', shell=True)\nsubprocess.run(['ls'], shell=False)\n")
    assert offences(tree) == ["2: os.system()", "3: shell=True"]


def test_no_module_runs_a_shell_string():
    found = {str(path.relative_to(PACKAGE)): offences(ast.parse(path.read_text()))
             for path in sorted(PACKAGE.rglob("*.py"))}
    assert {name: lines for name, lines in found.items() if lines} == {}
