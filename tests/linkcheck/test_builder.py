"""The gizalinks builder's node helpers, and the YAML line lookup of collect."""

from __future__ import annotations

from docutils import nodes

from giza.linkcheck.builder import node_place, node_uri
from giza.linkcheck.collect import yaml_line


def test_node_uri_finds_external_references_images_and_raw_sources():
    assert node_uri(nodes.reference("", "x", refuri="https://a.example/")) == "https://a.example/"
    assert node_uri(nodes.reference("", "x", refuri="install.html")) is None
    assert node_uri(nodes.reference("", "x", refuri="mailto:a@b")) is None
    image = nodes.image(uri="http://img.example/a.png")
    image["candidates"] = {"?": "http://img.example/a.png"}
    assert node_uri(image) == "http://img.example/a.png"
    assert node_uri(nodes.raw("", "", source="https://raw.example/x")) == "https://raw.example/x"


def test_node_place_takes_source_and_line_from_the_enclosing_block():
    paragraph = nodes.paragraph()
    paragraph.source, paragraph.line = "/proxy/includes/extracts/a.rst", 3
    reference = nodes.reference("", "x", refuri="https://a.example/")
    paragraph += reference
    assert node_place(reference, "/proxy/index.txt") == ("/proxy/includes/extracts/a.rst", 3)
    assert node_place(nodes.reference(), "/proxy/index.txt") == ("/proxy/index.txt", None)


def test_yaml_line_is_the_line_with_the_url_inside_the_unit(tmp_path):
    path = tmp_path / "extracts-a.yaml"
    path.write_text("ref: a\ncontent: |\n  See https://a.example/x.\n---\nref: b\n"
                    "content: https://b.example/\n")
    assert yaml_line(path, 1, "https://a.example/x", {}) == 3
    # Not in this unit's text (inherited from elsewhere): the unit's own line.
    assert yaml_line(path, 1, "https://b.example/", {}) == 1
    assert yaml_line(path, 5, "https://b.example/#top", {}) == 6
