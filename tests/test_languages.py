"""Editions x languages on tests/projects/multi, with real sphinx-build and sphinx-intl."""

from __future__ import annotations


def test_edition_language_variants(copy_project, giza):
    root = copy_project("multi")
    result = giza("--jobs", "2", "sphinx", "-b", "html", "-e", "saas", "-l", "en", "fr")
    assert result.code == 0, result.out + result.err
    english = (root / "build/1.0/html-saas/index.html").read_text()
    french = (root / "build/1.0/html-saas-fr/index.html").read_text()
    assert "Read the manual." in english and "Hosted edition." in english
    assert "Lisez le manuel." in french and "Bienvenue" in french
    assert "Hosted edition." in french  # untranslated text stays
    assert (root / "build/1.0/source-saas-fr/index.txt").is_file()
    # catalogs are compiled under build/, never into the project's locale/
    assert list((root / "locale").rglob("*.mo")) == []
    assert (root / "build/1.0/locale/fr/LC_MESSAGES/index.mo").is_file()


def test_translate_update_and_status(copy_project, giza):
    root = copy_project("multi")
    result = giza("--executor", "serial", "translate", "update", "-l", "fr", "es")
    assert result.code == 0, result.out + result.err
    assert (root / "locale/es/LC_MESSAGES/index.po").is_file()
    french = (root / "locale/fr/LC_MESSAGES/index.po").read_text()
    assert 'msgstr "Lisez le manuel."' in french
    assert 'msgid "Hosted edition."' in french
    status = giza("translate", "status")
    lines = status.out.splitlines()
    assert lines[0] == "language  catalog  translated  fuzzy  untranslated"
    # gettext extracts every `.. only::` block, whichever edition is built
    assert lines[1] == "fr        index             2      0             2"
    assert lines[2] == "es        index             0      0             4"
    assert lines[3:] == ["fr: 2 of 4 messages translated (50%)",
                         "es: 0 of 4 messages translated (0%)"]


def test_translate_unknown_language(copy_project, giza):
    copy_project("multi")
    result = giza("translate", "status", "-l", "de")
    assert result.code == 2
    assert result.err == "giza: error: unknown language 'de'; valid languages: fr, es\n"


def test_translate_update_without_sphinx_intl_names_the_extra(copy_project, giza, monkeypatch):
    import sys

    root = copy_project("multi")
    monkeypatch.setitem(sys.modules, "sphinx_intl", None)  # `import sphinx_intl` fails
    result = giza("--executor", "serial", "translate", "update", "-l", "fr")
    assert (result.code, result.out) == (2, "")
    assert result.err == ("giza: error: giza translate update needs sphinx-intl, which is not "
                          "installed: pip install 'giza[translate]'\n")
    assert not (root / "build").exists()  # said before building anything
    monkeypatch.setitem(sys.modules, "babel", None)
    status = giza("translate", "status")
    assert status.err == ("giza: error: giza translate status needs babel, which is not "
                          "installed: pip install 'giza[translate]'\n")
