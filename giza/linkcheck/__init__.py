"""`giza linkcheck`: every external link of every selected variant, checked once.

collect.py gathers links (a Sphinx builder per variant, see builder.py), check.py checks
each unique URL once with a bounded, polite pool (fetch.py, politeness.py), cache.py keeps
results between runs, report.py prints them and run.py wires it all into the task graph.

Kept import-free: sphinx-build imports giza.linkcheck.builder through an entry point.
"""
