"""`giza make TARGET...`: the make targets giza projects have always used.

Each target is split on '-': the first token is the action, the rest are options
(builders, editions, languages, push targets, `deploy`). All targets of one
invocation merge into one job that runs in a fixed order: clean, build, deploy.
Unlike the original, an unknown target or option is an error, never ignored.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field

from giza.config.model import Config
from giza.errors import UsageError, suggestion
from giza.variants import SOURCE_LANGUAGES, SPHINX_BUILDERS

ACTIONS = ("publish", "push", "stage", "clean")


@dataclass
class MakeJob:
    builders: list[str] = field(default_factory=list)
    editions: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    deploy: list[str] = field(default_factory=list)  # push targets
    clean: bool = False

    @property
    def build(self) -> bool:
        return bool(self.builders)

    def commands(self) -> list[list[str]]:
        """The equivalent native giza commands, in the order they run."""
        result: list[list[str]] = []
        if self.clean:
            result.append(["giza", "clean"])
        selection: list[str] = []
        if self.editions:
            selection += ["-e", *self.editions]
        if self.languages:
            selection += ["-l", *self.languages]
        if self.deploy and self.build:
            result.append(["giza", "push", "-t", *self.deploy, "-b", *self.builders,
                           *selection])
        elif self.build:
            result.append(["giza", "sphinx", "-b", *self.builders, *selection])
        elif self.deploy:
            result.append(["giza", "deploy", "-t", *self.deploy])
        return result


def _add(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


def parse(config: Config, targets: Sequence[str], push_targets: Sequence[str]) -> MakeJob:
    editions = config.project.edition_names
    languages = (*config.languages, *SOURCE_LANGUAGES)
    job = MakeJob()
    valid_actions = [*SPHINX_BUILDERS, *ACTIONS, *(t for t in push_targets
                                                   if t not in ACTIONS)]
    for target in targets:
        action, *options = target.split("-")
        if (target in push_targets or action in push_targets) and action not in ACTIONS \
                and action not in SPHINX_BUILDERS:
            _add_deploy(job, target, options, push_targets, editions, languages)
            continue
        if action not in valid_actions:
            guess = suggestion(action, sorted(set(valid_actions)))
            raise UsageError(f"make target '{target}' is not defined: '{action}' is not a "
                             f"builder or action{guess}; valid targets start with one of: "
                             f"{', '.join(sorted(set(valid_actions)))}")
        if action == "clean":
            if options:
                raise UsageError(f"make target '{target}': 'clean' takes no options")
            job.clean = True
            continue
        if action in ("push", "stage"):
            _add_deploy(job, target, options, push_targets, editions, languages)
            continue
        _add(job.builders, action)  # a builder, or publish
        for option in options:
            if option in SPHINX_BUILDERS or option == "publish":
                _add(job.builders, option)
            elif option in editions:
                _add(job.editions, option)
            elif option in languages:
                _add(job.languages, option)
            else:
                raise UsageError(_bad_option(target, option, editions, config.languages))
    return job


def _bad_option(target: str, option: str, editions: Sequence[str],
                languages: Sequence[str]) -> str:
    parts = [f"editions: {', '.join(editions) or '(none)'}",
             f"languages: {', '.join(languages) or '(none)'}", "or another builder"]
    return f"make target '{target}': unknown option '{option}'; valid options are " + \
        "; ".join(parts)


def _add_deploy(job: MakeJob, target: str, options: list[str], push_targets: Sequence[str],
                editions: Sequence[str], languages: Sequence[str]) -> None:
    action = target.split("-", 1)[0]
    found: list[str] = []
    options = _longest_prefix(job, target, options, push_targets, editions, languages, found)
    deploy_only = "deploy" in options
    options = [o for o in options if o != "deploy"]
    for option in options:
        known = False
        if option in push_targets:
            found.append(option)
            known = True
        elif f"{action}-{option}" in push_targets:
            found.append(f"{action}-{option}")
            known = True
        # push-saas builds the saas edition, whether or not it also names a target.
        if option in editions:
            _add(job.editions, option)
        elif option in languages:
            _add(job.languages, option)
        elif not known:
            langs = [lang for lang in languages if lang not in SOURCE_LANGUAGES]
            raise UsageError(f"make target '{target}': unknown option '{option}'; valid: "
                             f"push targets ({', '.join(push_targets) or 'none defined'}), "
                             f"editions ({', '.join(editions) or 'none'}), "
                             f"languages ({', '.join(langs) or 'none'}), 'deploy'")
    # The bare action (`push`) is a target only when nothing more specific matched.
    if not found and action in push_targets:
        found.append(action)
    if not found:
        guess = "-".join([action, *job.editions[:1], *job.languages[:1]])
        if guess in push_targets:
            found.append(guess)
    if not found:
        raise UsageError(f"make target '{target}': no push target matches; push targets in "
                         f"config/push.yaml: {', '.join(push_targets) or '(none)'}")
    for name in found:
        _add(job.deploy, name)
    if not deploy_only:
        _add(job.builders, "publish")


def _longest_prefix(job: MakeJob, target: str, options: list[str], push_targets: Sequence[str],
                    editions: Sequence[str], languages: Sequence[str],
                    found: list[str]) -> list[str]:
    """The longest push target the target starts with (`push-with-delete` in
    `push-with-delete` or `push-with-delete-deploy`) is deployed; the words of its name
    are not options, though an edition or language among them still narrows the build.
    Returns the options left (``options`` when no push target is a prefix)."""
    parts = target.split("-")
    for k in range(len(parts), 1, -1):
        name = "-".join(parts[:k])
        if name in push_targets:
            found.append(name)
            for word in parts[1:k]:
                if word in editions:
                    _add(job.editions, word)
                elif word in languages:
                    _add(job.languages, word)
            return parts[k:]
    return options


def describe(job: MakeJob) -> list[str]:
    return [shlex.join(argv) for argv in job.commands()]
