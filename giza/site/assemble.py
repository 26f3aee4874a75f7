"""The site-wide files each staged site gets besides builder output: versions.json,
release.txt, robots.txt and redirects (.htaccess, nginx rules, meta-refresh stubs).

Computed in the planning process so a bad robots.yaml or htaccess.yaml stops the
run with exit status 2 before anything is built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from giza.config.model import Config
from giza.layout import is_branched, public_dir, site_dir, versions_base_url

NGINX_FILE = "redirects.nginx.conf"


@dataclass
class SiteFiles:
    site: dict[str, str] = field(default_factory=dict)  # site-relative path -> text
    root: dict[str, str | bytes] = field(default_factory=dict)  # absolute path -> bytes


def site_files(config: Config, edition: str | None, language: str | None) -> SiteFiles:
    from giza.site.branches import for_config, versions_json  # lazy: start-up time
    from giza.site.hashfile import render_release_txt
    from giza.site.redirects import load_redirects, render_htaccess, render_nginx, render_stubs
    from giza.site.robots import load_robots, render_robots

    files = SiteFiles()
    site = site_dir(config, edition, language)
    branched = is_branched(config, edition)
    # Files that cover every branch live above the branch directory.
    root = site.parent if branched else site
    branch_prefix = f"{config.branch}/" if branched else ""
    url = config.project.edition(edition).url if edition else config.project.url

    def at_root(rel: str, text: str) -> None:
        if branched:
            files.root[str(root / rel)] = text
        else:
            files.site[rel] = text

    files.site["release.txt"] = render_release_txt(config.git.commit)
    public_root = public_dir(config)
    for rel, payload in public_migrations(config, edition).items():
        files.root[str(public_root / rel)] = payload
    pb = for_config(config)
    if pb.published:
        files.site["versions.json"] = versions_json(
            pb, versions_base_url(config, edition, language), config.branch)
    robots = config.side("robots")
    if robots:
        units = [unit for path in robots.paths for unit in load_robots(path)]
        text = render_robots(units, pb.published, edition)
        if text is not None:
            at_root("robots.txt", text)
    htaccess = config.side("htaccess")
    if htaccess:
        links = _links(config)
        redirects = load_redirects(htaccess.paths, pb.published, edition, links)
        if redirects:
            at_root(".htaccess", render_htaccess(redirects, url))
            at_root(NGINX_FILE, render_nginx(redirects, url))
            for rel, html in render_stubs(redirects, url).items():
                if not branched:
                    files.site[rel] = html
                elif rel.startswith(branch_prefix):
                    # Stubs under other branches belong to those branches' builds.
                    files.site[rel[len(branch_prefix):]] = html
    return files


def public_migrations(config: Config, edition: str | None) -> dict[str, str | bytes]:
    """Migrations whose target is ``{root}/build/public/<file>``: the site root's files."""
    from giza.site.migrations import apply_migrations  # lazy: start-up time

    migrations = config.side("migrations")
    found: dict[str, str | bytes] = {}
    for path in migrations.paths if migrations else ():
        done = apply_migrations(path, config.root, config.branch_dir, edition, public=True)
        found.update(done.public)
    return found


def _links(config: Config) -> dict[str, str]:
    integration = config.side("integration")
    data = integration.data if integration else None
    links: dict[str, str] = {}
    if isinstance(data, dict) and isinstance(data.get("base"), dict):
        for item in data["base"].get("links") or []:
            if isinstance(item, dict):
                links.update({str(k): str(v) for k, v in item.items()})
    return links


def write_root_files(root_files: dict[str, str | bytes]) -> list[str]:
    from giza.fileio import write_if_changed  # lazy: start-up time

    return [path for path, text in sorted(root_files.items())
            if write_if_changed(Path(path), text)]
