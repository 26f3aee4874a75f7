"""The declared shape of build_conf.yaml (see :mod:`giza.schema`, the engine).

One declaration drives validation and defaults.
"""

from __future__ import annotations

from giza.schema import (
    Anything,
    Bool,
    Dict,
    Int,
    ListOf,
    Option,
    Required,
    Section,
    SectionList,
    Str,
    Validation,
    type_name,
    validate,
)

__all__ = ["BUILD_CONF", "Validation", "type_name", "validate"]


def _relative_path(value: str) -> str | None:
    return None if value else "must not be empty"


def _timeout(what: str) -> Option:
    return Int(doc=f"Seconds {what} may run (0: no limit).", minimum=0, unit="seconds")


def _legacy(doc: str = "Legacy; accepted and ignored.") -> Option:
    return Anything(doc=doc)


EDITION = Section({
    "name": Required(Str(doc="Edition name: -e NAME, sphinx tag.")),
    "tag": Str(doc="URL path component (defaults to name)."),
    "url": Str(doc="Base URL (defaults to project.url)."),
    "branched": Bool(doc="Overrides project.branched."),
    "title": Str(doc="Human title (defaults to project.title)."),
}, doc="Editions built from the one source tree.")

ASSET = Section({
    "path": Required(Str(doc="Where the checkout lives, relative to the project root, "
                         "e.g. build/docs-tools.")),
    "repository": Required(Str(doc="What `git clone` takes: a URL, host:path or a local "
                               "path.")),
    "branch": Str(doc="Branch to clone and follow (default: the remote's)."),
    "commit": Str(doc="Pin the checkout to this commit."),
    "generate": ListOf(default=None, doc="Legacy; ignored with a note."),
}, doc="Git repositories a build needs (themes, Sphinx extensions), cloned or updated "
       "before it starts.")

BUILD_CONF = Section({
    "project": Section({
        "name": Required(Str(doc="Short project name, used in file names.")),
        "tag": Str(doc="URL path component of the site (defaults to name)."),
        "title": Str(doc="Human title (defaults to name)."),
        "url": Str("", doc="Base URL of the published site."),
        "branched": Bool(False, doc="Publish each branch under its own directory."),
        "siteroot": Bool(False, doc="The site lives at the root of its host."),
        "basepath": Str("", doc="Extra URL path before the branch."),
        "error_prefix": Str(doc="Legacy; accepted and ignored."),
        "editions": SectionList(EDITION),
    }, doc="What is being documented."),
    "version": Section({
        "release": Str("", doc="Full release string, e.g. 3.2.1 (Sphinx `release`)."),
        "branch": Str("", doc="Release series, e.g. 3.2 (Sphinx `version`); also the "
                      "branch name used when git cannot tell one."),
    }, doc="The release being documented."),
    "paths": Section({
        "output": Str("build", doc="Everything giza writes.", check=_relative_path),
        "source": Str("source", doc="The rST pages.", check=_relative_path),
        "includes": Str("source/includes", doc="Generator YAML files."),
        "images": Str("source/images", doc="Images and image metadata."),
        "locale": Str("locale", doc="Translations: <locale>/<lang>/LC_MESSAGES/*.po."),
        "builddata": Str("config", doc="Directory of the side config files."),
        "ignore": ListOf(Str(), doc="More names to skip when mirroring source/ (globs "
                         "relative to source/, or /regex/)."),
        "projectroot": Str(doc="Legacy; the root is the parent of config/."),
        "tools": Str(doc="Legacy; accepted and ignored."),
        "buildsystem": Str(doc="Legacy; giza ignores it; an original-style conf.py reads "
                           "it as conf.paths.buildsystem."),
    }, doc="Where things are, relative to the project root."),
    "system": Section({
        "files": ListOf(doc="Side files: `name.yaml` or `{name: file or [files]}`."),
        "make": _legacy(),
        "runstate": _legacy(),
        "tools": _legacy("Legacy ({pinned, ref} of the docs-tools checkout); accepted and "
                         "ignored."),
    }, doc="The side-file registry."),
    "git": Section({
        "remote": Dict(doc="Remote names, e.g. {upstream: org/repo}."),
        "branches": Dict(doc="Legacy; published branches live in published_branches.yaml."),
        "repo": _legacy("Legacy (the repository's path or name); accepted and ignored: the "
                        "repository is the one holding the project."),
    }, doc="Git settings."),
    "assets": SectionList(ASSET),
    "timeouts": Section({
        "prepare": _timeout("mirroring and generating one proxy tree"),
        "sphinx": _timeout("one sphinx-build (except latex)"),
        "latex": _timeout("a latex variant's sphinx-build, and its PDF runs"),
        "post": _timeout("one finalizer (except latex's)"),
        "stage": _timeout("staging one site"),
        "deploy": _timeout("one push target's rsync commands to one host"),
        "stall": Int(doc="Seconds a task's command may go without progress (default 600; "
                     "0: no limit).", minimum=0, unit="seconds"),
    }, doc="The watchdog's limits per kind of task, in seconds; --task-timeout and "
           "--stall-timeout on the command line win."),
})
