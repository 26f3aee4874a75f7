"""One build, stage by stage (see docs/source/contributing.txt, "How giza is built").

- :mod:`giza.pipeline.incremental`: fingerprints, and which variants must run and why;
- :mod:`giza.pipeline.plan`: the variants to run become a task graph;
- :mod:`giza.pipeline.tasks`: what each task of the graph does, returning the frozen
  dataclasses of :mod:`giza.pipeline.results`;
- :mod:`giza.pipeline.carry`: the messages each variant's output has, carried from one build
  to the next;
- :mod:`giza.pipeline.store`: the build records on disk;
- :mod:`giza.pipeline.driver`: ``build()``, the phases in order:
  decide -> plan -> execute -> collect -> persist -> report.

The paths all of them use come from :mod:`giza.layout`.

Importing this package imports nothing else, so the no-op path stays fast.
"""
