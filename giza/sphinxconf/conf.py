# Sphinx configuration giza uses for a project that has no conf.py of its own.
# Everything project-specific arrives through giza.sphinxext from giza's build context.

extensions = ["giza.sphinxext"]
source_suffix = {".txt": "restructuredtext", ".rst": "restructuredtext"}
master_doc = "index"
root_doc = "index"
# Generated and reusable fragments are included by pages, never pages themselves
# (images/<name>.rst are the figures giza generates from the image metadata).
exclude_patterns = ["includes", "**/includes", "images/*.rst"]
html_theme = "alabaster"
pygments_style = "sphinx"
