"""Deploy built output with rsync: push.yaml targets, deploy.yaml environments.

A push target names a directory under ``build/`` (``paths.local``), a destination
path (``paths.remote``) and the hosts to copy it to, either listed directly or
through an environment of ``config/deploy.yaml``. Every transfer is one ``rsync``
argv (never a shell string). Destinations that could wipe something that is not a
docs directory (``/``, a home directory, a path with ``..``) are refused while the
config is read, before anything runs.
"""

from __future__ import annotations

import os
import posixpath
import re
import shlex
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from giza import layout
from giza.config.model import Config
from giza.errors import BuildError, ConfigError, UsageError, shown, unknown_choice
from giza.pipeline.results import DeployResult, TaskFailed
from giza.schema import (
    Anything,
    Choice,
    Convert,
    ListOf,
    Required,
    Section,
    Str,
    Validation,
    Wrong,
    line_of,
    message,
    type_name,
    validate,
)
from giza.yamlfile import single_document

SIDE_FILE = "push"
DEPLOY_FILE = "deploy.yaml"
OPTIONS = ("branched", "delete", "recursive")
# Older push.yaml files say `env: publication`; deploy.yaml calls that environment production.
ENV_ALIASES = {"publication": "production"}
LOCAL_HOSTS = ("", "local")
# checksum, quiet, symlinks as symlinks, modification times, compress.
# giza's staging bookkeeping stays in build/public; servers never need it.
RSYNC_BASE = ("rsync", "-cqltz", "--exclude=.giza-site.json")
# Root-level static items that cover every branch: only the newest published branch
# (published_branches.yaml) deploys them, so an old branch cannot overwrite them.
NEWEST_BRANCH_ONLY_STATIC = (".htaccess",)


@dataclass(frozen=True)
class PushTarget:
    name: str
    local: str  # relative to build/ (paths.output)
    remote: str  # destination path; may itself be host:path when hosts are local
    static: tuple[str, ...]
    branched: bool
    delete: bool
    recursive: bool
    hosts: tuple[str, ...]  # "local" for a local directory copy
    args: tuple[str, ...]  # extra rsync arguments from the deploy.yaml environment
    origin: tuple[Path, int]  # (file, line) of the push.yaml document
    local_line: int = 0  # line of paths.local, for messages about it


@dataclass(frozen=True)
class Command:
    target: str
    host: str  # a host name, or "local"
    argv: tuple[str, ...]


# --- loading and validation -------------------------------------------------------------


class _Doc:
    """Where one YAML document came from, to prefix every message about it."""

    def __init__(self, path: Path, line: int, index: int | None) -> None:
        self.path = path
        self.line = line
        self.index = index  # 1-based document number, None for a single-document file

    @property
    def label(self) -> str:
        return f"document {self.index}" if self.index is not None else ""

    def error(self, line: int | None, text: str) -> ConfigError:
        return ConfigError(message(shown(self.path), line or self.line, "", text, self.label))


_WARNED: set[str] = set()


def _warn(config: Config, text: str) -> None:
    """A config warning, printed once per process; an error under --strict."""
    from giza.options import current  # lazy: keeps start-up and the no-op build fast

    if config.strict or current().strict:
        raise ConfigError(f"{text}\n(--strict makes warnings errors)")
    if text not in _WARNED:
        _WARNED.add(text)
        print(f"giza: warning: {text}", file=sys.stderr)


def _checked(config: Config, doc: _Doc, data: Any, schema: Section, prefix: str = "",
             line: int = 0) -> dict[str, Any]:
    """``data`` validated against ``schema``: unknown keys warn (errors under --strict),
    like every other config file; every error of the document is raised together."""
    state = Validation(doc.path, document=doc.label)
    values = validate(data, schema, state, prefix, line or doc.line)
    for warning in state.warnings:
        _warn(config, warning)
    state.raise_errors()
    return values


def _host(value: Any) -> str | None:
    if value is None:
        return None  # `- ` (an empty item) is this machine, as `local` is
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise Wrong()
    return value


def _not_empty(value: str) -> str | None:
    return None if value.strip() else "must not be empty"


HOSTS = ListOf(Convert("a string", _host))
PATHS = Section({
    "local": Required(Str(doc="A directory under build/ (paths.output).")),
    "remote": Required(Str(doc="The destination path; host:path when hosts are local.")),
    "static": ListOf(Str(), doc="Extra items of build/<local>/ copied to the remote root."),
}, describe="a mapping {local, remote, static}")
# Accepted and ignored, as the original did: `branched` beside `options` (options decide),
# `name` (the historic spelling of `target`, read when `target` is missing).
TARGET = Section({
    "target": Str(check=_not_empty, doc="The push target's name: giza push -t NAME."),
    "paths": Required(PATHS),
    "options": ListOf(Choice(OPTIONS)),
    "hosts": HOSTS,
    "env": Anything(doc="An environment of deploy.yaml (read there)."),
    "dependency": Anything(doc="Legacy; accepted and ignored."),
}, legacy=("branched", "name"), describe="a mapping (a push target)")
# `input` was in the original's deploy.yaml and never used.
ENVIRONMENT = Section({
    "hosts": Required(HOSTS),
    "args": ListOf(Str(), doc="Extra rsync arguments, split like a shell would."),
}, legacy=("input",), describe="a mapping {hosts: [...], args: [...]}")


_HOST_PREFIX = re.compile(r"^([^/:]*):(.*)$", re.DOTALL)


def split_remote(remote: str) -> tuple[str | None, str]:
    """``host:path`` -> (host, path); a plain path -> (None, path).

    rsync's rule: a colon before the first slash names a host.
    """
    match = _HOST_PREFIX.match(remote)
    if match and match.group(1):
        return match.group(1), match.group(2)
    return None, remote


def _is_local_host(host: str | None) -> bool:
    return host is None or host.strip() in LOCAL_HOSTS


def remote_problem(path: str) -> str | None:
    """Why rsync must never write (let alone ``--delete``) into ``path``; None if fine."""
    if not path.strip():
        return "must not be empty"
    parts = path.replace("\\", "/").split("/")
    if ".." in parts:
        return f"'{path}' contains '..': refusing a path that climbs out of its directory"
    norm = posixpath.normpath(re.sub(r"^/+", "/", path.strip()))
    if norm == "/":
        return f"is '{path}': refusing to deploy to the filesystem root"
    if norm == ".":
        # Relative to the login directory on a host, to the project on this machine.
        return f"is '{path}': refusing to deploy to the current or home directory itself"
    if (re.fullmatch(r"~[^/]*", norm) or norm in ("/home", "/root", "/Users")
            or re.fullmatch(r"/(home|Users)/[^/]+", norm)):
        return f"is '{path}': refusing to deploy to a home directory root"
    if path.startswith("-"):
        return f"'{path}' starts with '-': rsync would read it as an option"
    return None


def _local_destination(config: Config, path: str) -> Path:
    """A local destination as an absolute path (relative = to the project root)."""
    expanded = Path(os.path.expanduser(path))
    return expanded if expanded.is_absolute() else config.paths.root / expanded


def _local_dest_problem(config: Config, path: str) -> str | None:
    dest = Path(os.path.abspath(_local_destination(config, path)))
    home = Path(os.path.abspath(os.path.expanduser("~")))
    root = Path(os.path.abspath(config.paths.root))
    output = Path(os.path.abspath(config.paths.output))
    if dest == home:
        return f"is '{path}': refusing to deploy to a home directory root"
    if dest == root or dest in root.parents:
        return f"is '{path}' ({shown(dest)}): refusing to deploy over the project directory"
    if dest == output or output in dest.parents:
        return f"is '{path}' ({shown(dest)}): refusing to deploy into the build directory"
    return None


def _load_deploy_file(config: Config) -> tuple[Path, dict[str, Any] | None]:
    path = config.paths.builddata / DEPLOY_FILE
    if not path.is_file():
        return path, None
    doc = single_document(path)
    if doc is None:
        return path, {}
    data = doc.data
    if not isinstance(data, dict):
        raise ConfigError(f"{shown(path)}:{doc.line}: must be a mapping of environments "
                          f"{{<env>: {{hosts: [...], args: [...]}}}}, not {type_name(data)}")
    return path, data


def _environment(config: Config, doc: _Doc, env: Any, line: int,
                 deploy_file: tuple[Path, dict[str, Any] | None]
                 ) -> tuple[tuple[Any, ...], tuple[str, ...]]:
    """(hosts, args) of a deploy.yaml environment."""
    if not isinstance(env, str) or not env:
        raise doc.error(line, f"env: must be an environment name, not {type_name(env)}")
    path, envs = deploy_file
    if envs is None:
        suggested = ENV_ALIASES.get(env, env)
        historic = (f" ('{env}' is the historic name of '{suggested}')"
                    if suggested != env else "")
        raise doc.error(line, f"env: names '{env}', but {shown(path)} does not exist; "
                              f"create it with '{suggested}: {{hosts: [...]}}'{historic} "
                              f"or list 'hosts' here")
    name = env
    if name not in envs and ENV_ALIASES.get(name) in envs:
        name = ENV_ALIASES[name]
    if name not in envs:
        defined = ", ".join(str(k) for k in envs) or "(none)"
        raise doc.error(line, f"env: names '{env}', which {shown(path)} does not define; "
                              f"defined environments: {defined}")
    entry = envs[name]
    env_doc = _Doc(path, line_of(envs, name, 1), None)
    values = _checked(config, env_doc, entry, ENVIRONMENT, f"{name}.", env_doc.line)
    hosts_line = line_of(entry, "hosts", env_doc.line)
    hosts = values["hosts"]
    if not hosts:
        raise env_doc.error(hosts_line, f"{name}.hosts: is empty")
    args = _split_args(env_doc, values["args"], f"{name}.args",
                       line_of(entry, "args", env_doc.line))
    for host in hosts:
        _check_host(env_doc, host, f"{name}.hosts", hosts_line)
    return hosts, args


def _split_args(doc: _Doc, items: Sequence[str], dotted: str, line: int) -> tuple[str, ...]:
    """Each ``args`` entry split into words like a shell would (the original ran the
    command through a shell-style split): ``--rsync-path="sudo -u www rsync"`` is the one
    argument ``--rsync-path=sudo -u www rsync``. Nothing is ever run through a shell."""
    words: list[str] = []
    for i, item in enumerate(items):
        try:
            words.extend(shlex.split(item))
        except ValueError as exc:
            raise doc.error(line, f"{dotted}[{i}]: {item!r}: {exc} (quote marks must "
                                  f"pair up)") from None
    return tuple(words)


def _check_host(doc: _Doc, host: Any, dotted: str, line: int) -> None:
    if host is None:
        return
    if host.startswith("-") or any(c.isspace() for c in host) or "/" in host:
        raise doc.error(line, f"{dotted}: has '{host}', which is not a host name "
                              f"(user@host, host, or 'local')")


def _target(config: Config, data: Any, doc: _Doc,
            deploy_file: tuple[Path, dict[str, Any] | None]) -> PushTarget:
    values = _checked(config, doc, data, TARGET)
    name = _target_name(config, doc, data, values)
    local, remote, static, local_line, remote_line = _target_paths(doc, data, values["paths"])
    options = values["options"]
    hosts, args = _target_hosts(config, doc, data, values["hosts"], name, deploy_file)
    normal_hosts = tuple("local" if _is_local_host(h) else h.strip() for h in hosts)
    _check_remote(config, doc, remote, remote_line, normal_hosts)
    delete = "delete" in options
    if delete:
        _check_delete(config, doc, local, local_line)
    return PushTarget(
        name=name,
        local=local,
        remote=remote,
        static=static,
        branched="branched" in options,
        delete=delete,
        # The original always recursed; the option is accepted for old push.yaml files.
        recursive=True,
        hosts=normal_hosts,
        args=args,
        origin=(doc.path, doc.line),
        local_line=local_line,
    )


def _target_name(config: Config, doc: _Doc, data: Any, values: dict[str, Any]) -> str:
    # Hand-written: `name` is the historic spelling of `target`, read when `target` is
    # missing (and then checked as `target` is).
    if values["target"] is None and data.get("name") is not None:
        named = _checked(config, doc, {"target": data["name"]}, Section({
            "target": TARGET.fields["target"]}), line=line_of(data, "name", doc.line))
        return str(named["target"])
    if values["target"] is None:
        raise doc.error(doc.line, "target: required key is missing")
    return str(values["target"])


def _target_paths(doc: _Doc, data: Any, paths: dict[str, Any]
                  ) -> tuple[str, str, tuple[str, ...], int, int]:
    """paths.local, paths.remote, paths.static and the lines of local and remote."""
    node = data["paths"]
    paths_line = line_of(data, "paths", doc.line)
    local, remote, static = paths["local"], paths["remote"], paths["static"]
    static_line = line_of(node, "static", paths_line)
    for item in static:
        # Hand-written (needs paths.local): each item must stay inside build/<local>: it
        # is an extra source, not a path anywhere.
        if not item or Path(item).is_absolute() or ".." in Path(item).parts:
            raise doc.error(static_line, f"paths.static: has '{item}'; static items are "
                                         f"names relative to build/{local}/")
    return (local, remote, static, line_of(node, "local", paths_line),
            line_of(node, "remote", paths_line))


def _target_hosts(config: Config, doc: _Doc, data: dict[str, Any],
                  listed: tuple[Any, ...], name: str,
                  deploy_file: tuple[Path, dict[str, Any] | None]
                  ) -> tuple[Sequence[str], tuple[str, ...]]:
    """The hosts (from 'hosts', or from 'env' with its extra rsync args)."""
    # Hand-written: exactly one of two keys, and `env` is looked up in deploy.yaml.
    line = doc.line
    has_hosts = data.get("hosts") is not None
    has_env = data.get("env") is not None
    if has_hosts and has_env:
        raise doc.error(line_of(data, "env", line), "env: give either 'hosts' or 'env', "
                                                    "not both")
    args: tuple[str, ...] = ()
    if has_hosts:
        hosts_line = line_of(data, "hosts", line)
        hosts = listed
        if not hosts:
            raise doc.error(hosts_line, "hosts: is empty; list at least one host or 'local'")
        for host in hosts:
            _check_host(doc, host, "hosts", hosts_line)
    elif has_env:
        hosts, args = _environment(config, doc, data["env"], line_of(data, "env", line),
                                   deploy_file)
    else:
        raise doc.error(line, f"push target '{name}' has neither 'hosts' nor 'env'; "
                              f"say where to deploy (hosts: [user@host] or hosts: [local])")
    return hosts, args


def _check_remote(config: Config, doc: _Doc, remote: str, remote_line: int,
                  normal_hosts: tuple[str, ...]) -> None:
    remote_host, remote_path = split_remote(remote)
    problem = remote_problem(remote_path)
    if problem:
        raise doc.error(remote_line, f"paths.remote: {problem}")
    if remote_host is not None and any(h != "local" for h in normal_hosts):
        raise doc.error(remote_line, f"paths.remote: '{remote}' already names a host; "
                                     f"give a plain path and list the host in 'hosts'")
    if remote_host is None and "local" in normal_hosts:
        problem = _local_dest_problem(config, remote_path)
        if problem:
            raise doc.error(remote_line, f"paths.remote: {problem}")


def _check_delete(config: Config, doc: _Doc, local: str, local_line: int) -> None:
    output = Path(os.path.abspath(config.paths.output))
    source = Path(os.path.abspath(output / local))
    # --delete mirrors the source exactly; only ever do that from giza's own output.
    if output not in source.parents:
        raise doc.error(local_line, f"paths.local: '{local}' resolves to {shown(source)}, "
                                    f"outside {shown(output)}/; refusing option 'delete'")


def target_names(config: Config) -> list[str]:
    """The names of the push.yaml targets, without validating the targets: enough for
    `giza make` to tell push targets from builders, so that a deploy-only problem (an
    environment missing from deploy.yaml, say) does not stop `make html`. Deploying
    validates every target it uses with :func:`load_targets`."""
    side = config.side(SIDE_FILE)
    names: list[str] = []
    for data in side.documents if side else ():
        if isinstance(data, dict):
            name = data.get("target", data.get("name"))
            if isinstance(name, str) and name.strip() and name not in names:
                names.append(name)
    return names


def load_targets(config: Config) -> dict[str, PushTarget]:
    """Every push target of the ``push`` side file, validated; name -> target."""
    side = config.side(SIDE_FILE)
    if side is None or not side.documents:
        return {}
    deploy_file = _load_deploy_file(config)
    targets: dict[str, PushTarget] = {}
    per_file: dict[Path, int] = {}
    for i, data in enumerate(side.documents):
        path, line = side.origins[i] if i < len(side.origins) else (side.paths[0], 1)
        per_file[path] = per_file.get(path, 0) + 1
        doc = _Doc(path, getattr(data, "line", 0) or line, per_file[path])
        target = _target(config, data, doc, deploy_file)
        if target.name in targets:
            first = targets[target.name].origin
            raise doc.error(line_of(data, "target", doc.line),
                            f"push target '{target.name}' is already defined at "
                            f"{shown(first[0])}:{first[1]}")
        targets[target.name] = target
    return targets


def select(targets: Mapping[str, PushTarget], names: Sequence[str]) -> list[PushTarget]:
    """The named targets in the order given (duplicates once); unknown -> UsageError."""
    valid = ", ".join(targets) if targets else "(none: no push.yaml documents are loaded)"
    if not names:
        raise UsageError(f"name a push target with -t; valid targets: {valid}")
    chosen: list[PushTarget] = []
    for name in names:
        if name not in targets:
            raise UsageError(unknown_choice("push target", name, targets, valid,
                                            plural="targets"))
        if targets[name] not in chosen:
            chosen.append(targets[name])
    return chosen


# --- commands ---------------------------------------------------------------------------


def source_dir(config: Config, target: PushTarget) -> Path:
    """What the main sync copies: build/<local>[/<branch>]."""
    return layout.deploy_source(config, target.local, target.branched)


@dataclass(frozen=True)
class SourceCheck:
    """What a deploy needs to explain a missing build/<local>[/<branch>] (plain data: it
    travels with the deploy task and is checked after the build)."""

    source: str
    base: str  # build/<local>
    local: str  # paths.local as written
    editions: tuple[str, ...]  # the directories editions stage into (tag or name)
    label: str  # "config/push.yaml:3: push target 'web'"
    after_build: bool = False  # checked right after giza push built

    def problem(self) -> str | None:
        if Path(self.source).is_dir():
            return None
        found = [e for e in self.editions if (Path(self.base) / e).is_dir()]
        if not found and self.after_build:
            return (f"{self.label}: nothing to deploy: {shown(self.source)} does not exist "
                    f"after the build; paths.local '{self.local}' names no directory the "
                    f"build wrote")
        if not found:
            return (f"nothing to deploy: {shown(self.source)} does not exist; run "
                    f"`giza push` or `giza sphinx -b publish` first")
        # A project with editions stages build/public/<edition>/[<branch>/]: a target for
        # all of build/public has no <branch>/ of its own.
        sites = ", ".join(f"{shown(Path(self.base) / e)}/" for e in found)
        local = self.local.rstrip("/")
        return (f"{self.label}: nothing to deploy: {shown(self.source)} does not exist, "
                f"because paths.local '{self.local}' holds one site per edition ({sites}); "
                f"give each edition its own push target, with paths.local: "
                f"{', '.join(f'{local}/{e}' for e in found)}")


def source_check(config: Config, target: PushTarget, after_build: bool = False) -> SourceCheck:
    file, line = target.origin
    return SourceCheck(
        source=str(source_dir(config, target)),
        base=str(config.paths.output / target.local),
        local=target.local,
        editions=tuple(e.tag or e.name for e in config.project.editions),
        label=f"{shown(file)}:{target.local_line or line}: push target '{target.name}'",
        after_build=after_build)


def _destination(config: Config, host: str, remote: str) -> tuple[str, str]:
    """(host for messages, rsync destination) for one host."""
    remote_host, path = split_remote(remote)
    if host != "local":
        return host, f"{host}:{remote}"
    if remote_host is not None:
        return remote_host, remote
    # Absolute, so a ':' or a leading '-' in a relative name cannot change its meaning.
    return "local", str(_local_destination(config, path))


def _newest_published(config: Config) -> str | None:
    from giza.site.branches import for_config  # lazy: keeps start-up and the no-op build fast

    published = for_config(config).published
    return published[0] if published else None


def _base(target: PushTarget) -> list[str]:
    argv = list(RSYNC_BASE)
    if target.recursive:
        argv.append("--recursive")
    if target.delete:
        argv.append("--delete")
    argv.extend(target.args)
    return argv


def commands(config: Config, target: PushTarget,
             notes: list[str] | None = None) -> list[Command]:
    """The rsync commands for ``target``, per host: the main sync, then static items.

    When the build output exists, static items that are missing are skipped (with a
    note in ``notes``). When it does not exist yet (planning before the build), they
    are kept and carry ``--ignore-missing-args`` so a missing one is not a failure.
    """
    notes = notes if notes is not None else []
    source = source_dir(config, target)
    built = source.is_dir()
    base_dir = config.paths.output / target.local
    statics: list[tuple[str, bool]] = []  # (item, checked to exist)
    newest = _newest_published(config)
    for item in target.static:
        if item in NEWEST_BRANCH_ONLY_STATIC and newest and config.branch != newest:
            notes.append(f"push target '{target.name}': skipping static item '{item}' "
                         f"(deployed only from the newest published branch {newest}, "
                         f"this is {config.branch})")
            continue
        if built and not os.path.lexists(base_dir / item):
            notes.append(f"push target '{target.name}': skipping static item '{item}': "
                         f"{shown(base_dir / item)} does not exist")
            continue
        statics.append((item, built))

    result: list[Command] = []
    for host in target.hosts:
        shown_host, dest = _destination(config, host, target.remote)
        base = _base(target)
        if target.branched:
            # No trailing slash on either side: rsync creates <remote>/<branch>.
            main = [*base, str(source), dest.rstrip("/") or dest]
        else:
            main = [*base, f"{source}/", f"{dest.rstrip('/')}/"]
        result.append(Command(target.name, shown_host, tuple(main)))
        for item, checked in statics:
            extra = [] if checked else ["--ignore-missing-args"]
            argv = [*base, *extra, str(base_dir / item), f"{dest.rstrip('/')}/"]
            result.append(Command(target.name, shown_host, tuple(argv)))
    return result


# --- running ----------------------------------------------------------------------------


def _host_of(argv: Sequence[str]) -> str:
    host, _ = split_remote(argv[-1]) if argv else (None, "")
    return host or "local"


def failure_message(argv: Sequence[str], returncode: int, stderr: str) -> str:
    """The user-facing text of one failed rsync (without the ``giza: error:`` prefix)."""
    text = (f"deploy to {_host_of(argv)} failed (rsync exit {returncode}): "
            f"{shlex.join(argv)}")
    detail = "\n".join(f"    {line}" for line in stderr.rstrip().splitlines())
    return f"{text}\n{detail}" if detail else text


def run_command(command_argv: Sequence[str]) -> dict[str, Any]:
    """Run one rsync; ``{"returncode", "stderr"}``, or BuildError when it fails.

    Started like every child giza runs (its own process group, stopped on Ctrl-C,
    killed with giza), through giza.proc."""
    from giza.proc import run_process  # lazy: keeps start-up and the no-op build fast

    argv = list(command_argv)
    try:
        run = run_process(argv)
    except OSError as exc:
        raise BuildError(failure_message(argv, 127, f"cannot run {argv[0]}: {exc.strerror}")
                         ) from exc
    if run.returncode != 0:
        raise BuildError(failure_message(argv, run.returncode, run.output))
    return {"returncode": run.returncode, "stderr": run.output}


def describe(argv: Sequence[str]) -> str:
    """``deployed build/public/ -> host:/srv/www/docs/``"""
    src, dest = argv[-2], argv[-1]
    return f"deployed {shown(src.rstrip('/')) + ('/' if src.endswith('/') else '')} -> {dest}"


def deploy_group(check: SourceCheck, argvs: list[list[str]]) -> DeployResult:
    """A task: one host's commands for one target, in order (the main sync creates the
    destination the static items go into). Every command runs; failures are collected."""
    problem = check.problem()
    if problem:
        raise BuildError(problem)
    done: list[str] = []
    failures: list[str] = []
    for argv in argvs:
        try:
            run_command(argv)
            done.append(describe(argv))
        except BuildError as exc:
            failures.append(str(exc))
    if failures:
        raise TaskFailed("\n".join(failures), DeployResult(tuple(done), tuple(failures)))
    return DeployResult(tuple(done))


def deploy_tasks(config: Config, names: Sequence[str], after: Sequence[str] = (),
                 notes: list[str] | None = None) -> list[Any]:
    """One graph task per (target, host), each depending on ``after`` (e.g. every build
    task), so nothing is deployed unless all of those succeeded."""
    from giza.graph import Task  # lazy: keeps start-up and the no-op build fast

    tasks = []
    for target in select(load_targets(config), names):
        groups: dict[str, list[list[str]]] = {}
        for command in commands(config, target, notes):
            groups.setdefault(command.host, []).append(list(command.argv))
        for host, argvs in groups.items():
            tasks.append(Task(
                name=f"deploy:{target.name}:{host}",
                func=deploy_group,
                kwargs={"check": source_check(config, target, bool(after)),
                        "argvs": argvs},
                deps=tuple(after),
                kind="deploy",
                label=f"rsync {target.name} to {host} ({len(argvs)} command"
                      f"{'' if len(argvs) == 1 else 's'})",
            ))
    return tasks


def report(outcomes: Mapping[str, Any], out: TextIO) -> int:
    """Print what the deploy tasks did; 1 when any failed or did not run."""
    status = 0
    for outcome in outcomes.values():
        if outcome.kind != "deploy":
            continue
        value = outcome.value if isinstance(outcome.value, DeployResult) else DeployResult()
        for line in value.deployed:
            print(line, file=out)
        if outcome.status == "failed":
            status = 1
            for failure in value.failed or [outcome.message]:
                print(f"giza: error: {failure}", file=out)
        elif outcome.status == "skipped":
            status = 1
    return status


def deploy(config: Config, names: Sequence[str], dry_run: bool = False,
           out: TextIO | None = None) -> int:
    """Deploy the named push targets through the task graph; 0 when every rsync
    succeeded, else 1."""
    out = out if out is not None else sys.stdout
    notes: list[str] = []
    targets = select(load_targets(config), names)
    for target in targets:
        check = source_check(config, target)
        message = check.problem()
        if message and not dry_run:
            raise BuildError(message)
        if message:
            named = message.startswith(check.label)  # the editions message names it
            notes.append(message if named else f"push target '{target.name}': {message}")
    tasks = deploy_tasks(config, names, notes=notes)
    for note in notes:
        print(f"note: {note}", file=out)
    if dry_run:
        for task in tasks:
            for argv in task.kwargs["argvs"]:
                print(f"would run: {shlex.join(argv)}", file=out)
        return 0
    return run_deploy_tasks(config, tasks, out)


def run_deploy_tasks(config: Config, tasks: Sequence[Any], out: TextIO) -> int:
    """Run deploy tasks on their own (no build before them) and report them: 0 when every
    rsync succeeded, else 1."""
    from giza.graph import Graph, make_executor, run_graph  # lazy: start-up time
    from giza.limits import limits_for  # lazy, as above
    from giza.options import current  # lazy, as above

    options = current()
    executor = make_executor("serial" if options.executor == "serial" else "process",
                             max(1, min(len(tasks), options.cores)))
    with executor:
        outcomes = run_graph(
            Graph(list(tasks)).limited(limits_for(options, config.raw.get("timeouts"))),
            executor)
    return report(outcomes, out)
