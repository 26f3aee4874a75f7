# -*- coding: utf-8 -*-
#
# A conf.py in the style of repositories written for the original giza: it imports
# giza's configuration API at import time. giza.config.legacy keeps these names.

import datetime
import os
import sys

from giza.config.runtime import RuntimeStateConfig
from giza.config.helper import fetch_config, get_versions, get_manual_path
from giza.config.project import get_current_path
from giza.content.replacements import get_replacements

conf = fetch_config(RuntimeStateConfig())
intersphinx_libs = conf.system.files.data.intersphinx
pdfs = conf.system.files.data.pdfs
sconf = conf.system.files.data.sphinx_local

sys.path.append(os.path.join(conf.paths.projectroot, conf.paths.buildsystem, 'sphinxext'))

# -- General configuration ----------------------------------------------------

extensions = [
    'sphinx.ext.intersphinx',
    'sphinx.ext.extlinks',
    'legacy_roles',
]

exclude_patterns = []
source_suffix = '.txt'

master_doc = sconf.master_doc
language = 'en'
project = sconf.project
copyright = u'2008-{0}'.format(datetime.date.today().year)

version = conf.version.branch
release = conf.version.release
pygments_style = 'sphinx'

rst_epilog = '\n'.join([
    '.. |branch| replace:: ``{0}``'.format(conf.git.branches.current),
    '.. |copy| unicode:: U+000A9',
    '.. |edition| replace:: {0}'.format(conf.project.edition),
    '.. |builder| replace:: {0}'.format(', '.join(conf.runstate.builder) or 'sphinx-build'),
    '.. |branch-source| replace:: {0}'.format(conf.paths.branch_source),
    '.. include:: {0}/hash.rst'.format(conf.paths.includes[len(conf.paths.source):]),
] + get_replacements(conf))

if conf.project.edition == 'saas':
    rst_epilog += '\n.. |edition-note| replace:: Hosted for you.'
else:
    rst_epilog += '\n.. |edition-note| replace:: Run it on your own servers.'

extlinks = {
    'issue': ('https://issues.example.org/browse/%s', '%s'),
}

intersphinx_mapping = {}
for i in intersphinx_libs:
    intersphinx_mapping[i.name] = (i.url, os.path.join(conf.paths.projectroot,
                                                       conf.paths.output, i.path))

# -- Options for HTML output ---------------------------------------------------

html_theme = sconf.theme.name
html_theme_path = [os.path.join(conf.paths.buildsystem, 'themes')]
html_title = conf.project.title

html_theme_options = {
    'branch': conf.git.branches.current,
    'google_analytics': sconf.theme.google_analytics,
    'nav_excluded': sconf.theme.nav_excluded,
    'version_selector': get_versions(conf),
    'manual_path': get_manual_path(conf),
    'current_path': get_current_path(conf),
    'edition': conf.project.edition,
    'epubpath': '{0}/{1}/{2}.epub'.format(conf.project.url, conf.project.basepath,
                                          conf.project.name),
}

html_sidebars = sconf.sidebars

# -- Options for LaTeX output --------------------------------------------------

latex_documents = []
for pdf in pdfs:
    if pdf.edition == conf.project.edition:
        latex_documents.append((pdf.source, pdf.output, pdf.title, pdf.author, pdf.doc_class))
