# Sphinx configuration. giza.sphinxext fills in project, version and release
# from config/build_conf.yaml, so this file never needs to import giza.

extensions = ["giza.sphinxext"]
source_suffix = {".txt": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["includes"]
html_theme = "alabaster"
