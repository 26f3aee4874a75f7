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


def test_null_fields_are_unset_and_a_child_null_clears_the_base(project) -> None:
    # `args: null` is common in files written for the reference tool
    project.write("options-tool.yaml", """
        program: _shared
        name: quiet
        args: <level>
        directive: option
        default: none
        description: Less output from {{program}}.
        ---
        program: tool
        name: quiet
        args: null
        inherit: {file: options-tool.yaml, program: _shared, name: quiet}
        ---
        program: tool
        name: verbose
        directive: option
        args: null
        type: null
        description: More output.
        """)
    project.generate(["options"])
    assert project.output("option/option-tool-quiet.rst") == (
        ".. option:: --quiet\n\n   *Default*: none\n\n   Less output from :program:`tool`.\n")
    assert project.output("option/option-tool-verbose.rst") == (
        ".. option:: --verbose\n\n   More output.\n")


def test_args_written_as_a_flow_sequence_keep_their_brackets(project) -> None:
    # `args: [a|b]` is a YAML list; authors mean the bracketed text
    project.write("options-tool.yaml", """
        program: tool
        name: mode
        directive: option
        aliases: -m
        args: [fast|safe]
        description: The mode.
        """)
    project.generate(["options"])
    assert project.output("option/option-tool-mode.rst") == (
        ".. option:: --mode [fast|safe], -m [fast|safe]\n\n   The mode.\n")


def test_unknown_field_with_a_null_value_is_still_reported(project) -> None:
    project.write("options-tool.yaml", "program: tool\nname: x\nargz: null\n")
    (text,) = project.warnings(["options"])
    assert text.startswith(
        "source/includes/options-tool.yaml:3: document 1: argz: unknown key in options "
        "unit 'tool x' is ignored; valid keys: ")
