"""Running sphinx-build: argv assembly, the subprocess, and normalising its output."""
