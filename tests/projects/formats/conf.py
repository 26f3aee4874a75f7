extensions = ["giza.sphinxext"]
source_suffix = {".txt": "restructuredtext"}
root_doc = "index"
exclude_patterns = ["includes"]
html_theme = "basic"
copyright = "2026, the giza tests"
