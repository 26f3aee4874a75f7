from __future__ import annotations

import pytest

from giza.errors import ContentError


def test_release_snippets_get_version_branch_and_stable(project) -> None:
    project.write("release-install.yaml", """
        ref: _curl
        pre: Download {{version}} from the {{branch}} branch (stable is {{stable}}).
        language: sh
        code:
          - curl -O https://downloads.example.org/{{platform}}/giza-{{version}}.tgz
          - tar -zxvf giza-{{version}}.tgz
        ---
        ref: curl-linux
        inherit: {file: release-install.yaml, ref: _curl}
        replacement: {platform: linux}
        ---
        ref: curl-osx
        inherit: {file: release-install.yaml, ref: _curl}
        replacement: {platform: osx}
        heading: macOS
        """)
    project.generate(["release"], version="7.0.2", branch="v7.0", stable="6.0")
    assert project.outputs() == ["release/curl-linux.rst", "release/curl-osx.rst"]
    assert project.output("release/curl-linux.rst") == (
        "Download 7.0.2 from the v7.0 branch (stable is 6.0).\n"
        "\n"
        ".. code-block:: sh\n"
        "\n"
        "   curl -O https://downloads.example.org/linux/giza-7.0.2.tgz\n"
        "   tar -zxvf giza-7.0.2.tgz\n")
    assert project.output("release/curl-osx.rst").startswith("macOS\n~~~~~\n\nDownload 7.0.2")


def test_stable_is_unset_without_published_branches(project) -> None:
    project.write("release-x.yaml", "ref: x\ncontent: '{{stable}}'\n")
    assert project.warnings(["release"]) == [
        "source/includes/release-x.yaml:2: unit 'x' field 'content': placeholder '{{stable}}' "
        "has no value; rendered as an empty string"]


def test_copyable_false_marks_the_code_block_no_copy(project) -> None:
    project.write("release-x.yaml", """
        ref: _curl
        language: sh
        code: curl -O https://example.org/giza-{{version}}.tgz
        copyable: false
        ---
        ref: curl
        inherit: {file: release-x.yaml, ref: _curl}
        heading: Download
        """)
    project.generate(["release"], version="7.0.2")
    assert project.output("release/curl.rst") == (
        "Download\n"
        "~~~~~~~~\n"
        "\n"
        ".. code-block:: sh\n"
        "   :class: no-copy\n"
        "\n"
        "   curl -O https://example.org/giza-7.0.2.tgz\n")


def test_copyable_must_be_a_boolean(project) -> None:
    project.write("release-x.yaml", "ref: x\ncode: ls\ncopyable: [no]\n")
    with pytest.raises(ContentError) as caught:
        project.generate(["release"])
    assert str(caught.value) == ("source/includes/release-x.yaml:3: document 1: "
                                 "copyable: must be a boolean, not a list")
