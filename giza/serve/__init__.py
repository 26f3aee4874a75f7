"""`giza serve`: build, serve over HTTP, rebuild what each edit touches, reload the browser.

Modules: ``session`` (start to Ctrl-C), ``watch`` (watchfiles), ``plan`` (what a change
touches), ``rebuild`` (regenerate, rebuild, report), ``warm`` (a Sphinx application per
variant kept alive in a worker process), ``http`` and ``inject`` (the server and the reload
script), ``events`` (what browsers are told), ``model`` (the values passed between them).
"""
