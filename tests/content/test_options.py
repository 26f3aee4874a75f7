from __future__ import annotations

import pytest

from giza.errors import ContentError


def test_options_files_signatures_and_builtin_tokens(project) -> None:
    project.write("options-shared.yaml", """
        program: _shared
        name: verbose
        directive: option
        aliases: [-v, --loud]
        description: Print more; {{program}} repeats {{role}}.
        """)
    project.write("option-mongod.yaml", """
        program: mongod
        name: port
        directive: option
        args: <port>
        type: integer
        default: 27017
        pre: Since 2.0.
        description: The port that {{command}} listens on.
        command: mongod
        ---
        program: mongod
        name: verbose
        inherit: {file: options-shared.yaml, program: _shared, name: verbose}
        ---
        program: mongo shell
        name: <file>
        directive: option
        filename: file
        description: A script file.
        ---
        program: mongod
        name: storage.engine
        directive: setting
        type: string
        ---
        program: mongod
        name: thing
        description: No directive given.
        """)
    project.generate(["options"])
    assert project.outputs() == [
        "option/object-mongod-thing.rst", "option/option-mongo-shell-file.rst",
        "option/option-mongod-port.rst", "option/option-mongod-verbose.rst",
        "option/setting-mongod-storage.engine.rst"]
    assert project.output("option/option-mongod-port.rst") == (
        ".. option:: --port <port>\n"
        "\n"
        "   *Type*: integer\n"
        "\n"
        "   *Default*: 27017\n"
        "\n"
        "   Since 2.0.\n"
        "\n"
        "   The port that :toolcommand:`mongod` listens on.\n")
    assert project.output("option/option-mongod-verbose.rst") == (
        ".. option:: --verbose, -v, --loud\n"
        "\n"
        "   Print more; :program:`mongod` repeats :option:`--verbose`.\n")
    assert project.output("option/option-mongo-shell-file.rst") == (
        ".. option:: <file>\n\n   A script file.\n")
    assert project.output("option/setting-mongod-storage.engine.rst") == (
        ".. setting:: storage.engine\n\n   *Type*: string\n")
    assert project.output("option/object-mongod-thing.rst") == (
        ".. object:: thing\n\n   No directive given.\n")


def test_option_missing_program_is_reported(project) -> None:
    project.write("options-x.yaml", "name: port\n")
    with pytest.raises(ContentError) as caught:
        project.generate(["options"])
    assert str(caught.value) == ("source/includes/options-x.yaml:1: document 1: options unit "
                                 "has no 'program' and 'name'")
