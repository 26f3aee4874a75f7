"""The reload script goes into served HTML, before </body>."""

from __future__ import annotations

from giza.serve.inject import inject, page_names, script


def test_script_goes_before_the_last_body_end():
    page = b"<html><body><p>a</p></body></html>"
    done = inject(page, "html-cloud", 3)
    assert done.startswith(b"<html><body><p>a</p><script id=\"giza-serve\">")
    assert done.endswith(b"</script>\n</body></html>")
    assert b'var variant = "html-cloud", generation = 3, pages = [];' in done


def test_a_page_without_body_gets_it_at_the_end():
    assert inject(b"<p>x</p>", "html", 0) == b"<p>x</p>" + script("html", 0).encode()


def test_the_variant_name_is_quoted_for_javascript():
    assert 'var variant = "a\\"b"' in script('a"b', 1)


def test_the_page_names_an_output_file_may_stand_for():
    assert page_names("install.html") == ["install"]
    assert page_names("guide/index.html") == ["guide/index", "guide"]
    assert 'pages = ["guide/index", "guide"];' in script("dirhtml", 0, page_names(
        "guide/index.html"))
