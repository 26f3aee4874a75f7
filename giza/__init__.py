"""giza: a documentation build orchestrator around sphinx-build."""

__version__ = "0.1.0"
