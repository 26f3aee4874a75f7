from __future__ import annotations

from pathlib import Path

import pytest

from giza.errors import UsageError
from giza.quickstart import create

FILES = [".gitignore", "conf.py", "config/build_conf.yaml", "config/integration.yaml",
         "makefile", "source/index.txt"]


def test_writes_a_project(tmp_path: Path):
    written = create(tmp_path / "q")
    assert sorted(str(p.relative_to(tmp_path / "q")) for p in written) == FILES
    conf = (tmp_path / "q/config/build_conf.yaml").read_text()
    assert "  name: q\n" in conf
    assert (tmp_path / "q/makefile").read_text().splitlines()[1:3] == ["%:", "\tgiza make $@"]


def test_refuses_to_overwrite(tmp_path: Path):
    (tmp_path / "q/source").mkdir(parents=True)
    (tmp_path / "q/source/index.txt").write_text("mine\n")
    with pytest.raises(UsageError) as err:
        create(tmp_path / "q")
    assert str(err.value) == ("quickstart never overwrites files; these exist already: "
                              f"{tmp_path / 'q/source/index.txt'}")
    assert (tmp_path / "q/source/index.txt").read_text() == "mine\n"
    assert not (tmp_path / "q/conf.py").exists()


def test_bad_name(tmp_path: Path):
    with pytest.raises(UsageError) as err:
        create(tmp_path / "q", name="my docs")
    assert str(err.value) == ("project name 'my docs' may only hold letters, digits, '_' and "
                              "'.'; pass --name NAME")


def test_command(tmp_path: Path, giza, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = giza("quickstart", "q")
    assert result.code == 0
    assert result.out.splitlines()[-1] == "next: cd q && git init && giza sphinx -b html"
    again = giza("quickstart", "q")
    assert again.code == 2
    assert again.err.startswith("giza: error: quickstart never overwrites files; ")
