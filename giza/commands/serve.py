"""giza serve [-b html|dirhtml] [-e EDITION] [-l LANG] [--port 8000] [--host 127.0.0.1]"""

from __future__ import annotations

import argh


@argh.arg("-b", "--builder", nargs="+", choices=("html", "dirhtml"),
          help="builders to serve (default: html)")
@argh.arg("-e", "--edition", nargs="+", help="editions or 'all' (default: the first)")
@argh.arg("-l", "--language", nargs="+", help="languages or 'all' (default: source language)")
@argh.arg("--port", type=int, help="port to listen on; 0 picks a free one (default: 8000)")
@argh.arg("--host", help="address to listen on (default: 127.0.0.1)")
@argh.arg("--open", help="open the site in a web browser")
@argh.arg("--no-warm", help="rebuild with sphinx-build every time instead of a warm Sphinx")
def serve(*, builder: list[str] | None = None, edition: list[str] | None = None,
          language: list[str] | None = None, port: int = 8000, host: str = "127.0.0.1",
          open: bool = False, no_warm: bool = False) -> int:  # noqa: A002 - the flag's name
    """Build, serve on localhost, and rebuild what each saved change touches."""
    from giza.commands.project import load_config  # lazy: only this command (start-up)
    from giza.serve.model import ServeRequest
    from giza.serve.session import serve as run

    request = ServeRequest(builders=tuple(builder or ("html",)), editions=tuple(edition or ()),
                           languages=tuple(language or ()), host=host, port=port,
                           open_browser=open, warm=not no_warm)
    return run(load_config(), request, load_config=load_config)
