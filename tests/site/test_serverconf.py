"""Redirect data cannot inject into the generated nginx and Apache config.

The nginx file is parsed by a real ``nginx -t``; ``.htaccess`` by a real ``apache2 -t``
when Apache is installed, and always by a strict line grammar. ``make system-deps``
installs both when run as root."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from giza.errors import ConfigError
from giza.site.redirects import Redirect, load_redirects, render_htaccess, render_nginx
from giza.site.serverconf import check_path, safe_url

URL = "https://docs.example.org/cloud"
NGINX = shutil.which("nginx") or (
    "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
APACHE = shutil.which("apache2") or (
    "/usr/sbin/apache2" if Path("/usr/sbin/apache2").exists() else None)
APACHE_MODULES = Path("/usr/lib/apache2/modules")

# One rule per line, and nothing else: a line that matches holds exactly one directive.
URL_TOKEN = r"https?://[^\s;{}\"'\\$]+"
NGINX_LINE = re.compile(
    r"location = (/[^\s;{}\"'\\]*) \{ return (30[12378]) (" + URL_TOKEN + r"); \}")
HTACCESS_LINE = re.compile(r"Redirect (30[12378]) (/[^\s;{}\"'\\]*) (" + URL_TOKEN + ")")

HOSTILE = [
    "/x;}location/{return%20200%20pwned;",
    '/a"b',
    "/a'b",
    "/a\\",
    "/a\\;b",
    "/x${HOME}",
    "/x$request_uri",
    "/a\x00b",
    "/a\x7fb",
    "/a\x85b",
    "/a\u2028location",
    "/end;",
    "/}",
    "/{",
]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "htaccess.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def hostile_redirects() -> list[Redirect]:
    return [Redirect(303, f"/r{i}", target, "htaccess.yaml", i + 1)
            for i, target in enumerate(HOSTILE)]


def assert_grammar(text: str, pattern: re.Pattern[str], count: int) -> None:
    lines = text.split("\n")
    assert lines[-1] == "" and len(lines) == count + 1
    for line in lines[:-1]:
        assert pattern.fullmatch(line), line


def nginx_check(tmp_path: Path, rules: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "redirects.nginx.conf").write_text(rules, encoding="utf-8")
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nerror_log stderr;\nevents {{}}\n"
                    f"http {{ server {{ listen 127.0.0.1:8; "
                    f"include {tmp_path}/redirects.nginx.conf; }} }}\n", encoding="utf-8")
    return subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(conf), "-e", "stderr"],
                          capture_output=True, text=True, timeout=60)


def apache_check(tmp_path: Path, rules: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "site").mkdir(exist_ok=True)
    (tmp_path / "site" / ".htaccess").write_text(rules, encoding="utf-8")
    conf = tmp_path / "httpd.conf"
    # The file is read in <Directory> context, as AllowOverride would read it.
    conf.write_text(
        f"ServerRoot {tmp_path}\nServerName localhost\nPidFile {tmp_path}/httpd.pid\n"
        f"ErrorLog /dev/stderr\nListen 127.0.0.1:8\n"
        f"LoadModule mpm_event_module {APACHE_MODULES}/mod_mpm_event.so\n"
        f"LoadModule alias_module {APACHE_MODULES}/mod_alias.so\n"
        f"<Directory {tmp_path}/site>\nInclude {tmp_path}/site/.htaccess\n</Directory>\n",
        encoding="utf-8")
    return subprocess.run([APACHE, "-t", "-f", str(conf)], capture_output=True, text=True,
                          timeout=60)


needs_nginx = pytest.mark.skipif(
    NGINX is None, reason="nginx is not installed (apt-get install nginx; `make system-deps` "
                          "installs it when run as root)")
needs_apache = pytest.mark.skipif(
    APACHE is None or not (APACHE_MODULES / "mod_alias.so").exists(),
    reason="apache2 is not installed (apt-get install apache2-bin; `make system-deps` "
           "installs it when run as root)")


def test_issue_example_is_encoded(tmp_path):
    path = write(tmp_path, 'from: /brace\nto: "/x;}location/{return%20200%20pwned;"\n'
                           "outputs: [master]\n")
    redirects = load_redirects([path], ["master"])
    assert render_nginx(redirects, URL) == (
        "location = /master/brace { return 303 https://docs.example.org/cloud/master/"
        "x%3B%7Dlocation/%7Breturn%20200%20pwned%3B; }\n")
    assert render_htaccess(redirects, URL) == (
        "Redirect 303 /master/brace https://docs.example.org/cloud/master/"
        "x%3B%7Dlocation/%7Breturn%20200%20pwned%3B\n")


def test_safe_url_encodes_only_what_a_server_misreads():
    assert safe_url("https://x.org/a-b_c.html?q=1&r=%20#frag") == \
        "https://x.org/a-b_c.html?q=1&r=%20#frag"
    assert safe_url("https://x.org/\"'\\$;{}") == "https://x.org/%22%27%5C%24%3B%7B%7D"
    assert safe_url("https://x.org/\t\n\r\x00\x7f\x85\u2028 é") == \
        "https://x.org/%09%0A%0D%00%7F%C2%85%E2%80%A8%20é"
    assert safe_url("#top") == "%23top"


def test_unsafe_source_is_an_error_with_file_and_line(tmp_path):
    path = write(tmp_path, "from: /ok\nto: /fine\n---\nfrom: /a;b\nto: /c\n")
    redirects = load_redirects([path], [])
    message = (f"{path}:4: from: '/a;b' cannot be written safely into nginx or Apache config: "
               "';' would end or change the directive, and the server matches the decoded "
               "request path, so percent-encoding it would redirect a different URL; remove "
               "the character")
    for render in (render_nginx, render_htaccess):
        with pytest.raises(ConfigError) as exc:
            render(redirects, URL)
        assert str(exc.value) == message


def test_check_path_lists_every_bad_character():
    with pytest.raises(ConfigError, match=r"^f:2: from: .* '\\n', '\"', ';', '\{' would end"):
        check_path('/a{"\n;', "f:2")
    assert check_path("/a$b/c%3B.html", "f:2") == "/a$b/c%3B.html"


def test_hostile_targets_match_the_strict_grammar():
    redirects = hostile_redirects()
    assert_grammar(render_nginx(redirects, URL), NGINX_LINE, len(HOSTILE))
    assert_grammar(render_htaccess(redirects, URL), HTACCESS_LINE, len(HOSTILE))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(";{}\"'\\$#%/ \t\n\r\x00\x7f\x85\u2028ab."),
               max_size=20))
def test_no_target_adds_a_directive(target):
    redirect = Redirect(301, "/from", "https://x.org/" + target, "f", 1)
    assert_grammar(render_nginx([redirect], URL), NGINX_LINE, 1)
    assert_grammar(render_htaccess([redirect], URL), HTACCESS_LINE, 1)


@needs_nginx
def test_nginx_parses_hostile_rules_as_one_location_each(tmp_path):
    rules = render_nginx(hostile_redirects(), URL)
    result = nginx_check(tmp_path, rules)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@needs_nginx
def test_nginx_rejects_the_unescaped_rule(tmp_path):
    # The check above can fail: the line the issue reported does not parse.
    result = nginx_check(tmp_path, "location = /master/brace { return 303 https://docs.example."
                                   "org/cloud/master/x;}location/{return%20200%20pwned;; }\n")
    assert result.returncode == 1
    assert 'unknown directive "location/"' in result.stderr


@needs_apache
def test_apache_parses_hostile_htaccess(tmp_path):
    result = apache_check(tmp_path, render_htaccess(hostile_redirects(), URL))
    assert result.returncode == 0, result.stderr
    assert "Syntax OK" in result.stderr


@needs_apache
def test_apache_rejects_an_injected_line(tmp_path):
    result = apache_check(tmp_path, "Redirect 303 /a https://x.org/b\nNotADirective x\n")
    assert result.returncode != 0
    assert "NotADirective" in result.stderr
