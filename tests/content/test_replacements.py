from __future__ import annotations

from pathlib import Path

import pytest

from giza.content import load_replacements
from giza.errors import ContentError


def test_missing_file_gives_no_tokens(tmp_path: Path) -> None:
    assert load_replacements(tmp_path / "replacement.yaml", "x") == {}


def test_one_mapping_applies_to_every_edition(tmp_path: Path) -> None:
    path = tmp_path / "replacement.yaml"
    path.write_text("product: Giza\nversion-major: 7\nbeta: true\n")
    expected = {"product": "Giza", "version-major": "7", "beta": "true"}
    assert load_replacements(path, None) == expected
    assert load_replacements(path, "saas") == expected


def test_per_edition_documents(tmp_path: Path) -> None:
    path = tmp_path / "replacement.yaml"
    path.write_text("edition: manual\ntokens: {product: Server}\n---\n"
                    "edition: saas\ntokens: {product: Cloud}\n")
    assert load_replacements(path, "saas") == {"product": "Cloud"}
    assert load_replacements(path, "manual") == {"product": "Server"}
    assert load_replacements(path, None, default="manual") == {"product": "Server"}
    assert load_replacements(path, "other", default="manual") == {"product": "Server"}
    assert load_replacements(path, None) == {"product": "Server"}  # first document
    assert load_replacements(path, "other") == {}
    # no edition: the project's own document, wherever it is in the file; else the first
    assert load_replacements(path, None, default="saas") == {"product": "Cloud"}
    assert load_replacements(path, None, default="acme") == {"product": "Server"}


def test_token_values_must_be_scalars(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "replacement.yaml"
    path.write_text("a: 1\nb: [x]\n")
    with pytest.raises(ContentError) as caught:
        load_replacements(path, None)
    assert str(caught.value) == ("replacement.yaml:1: b: must be a string (a replacement "
                                 "token), not a list")
