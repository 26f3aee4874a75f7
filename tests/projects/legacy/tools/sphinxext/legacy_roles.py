"""A project-local Sphinx extension, found through ``conf.paths.buildsystem`` the way
conf.py files written for the original giza load theirs."""

from docutils import nodes


def legacy_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [nodes.emphasis(rawtext, "legacy:" + text)], []


def setup(app):
    app.add_role("legacy", legacy_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
