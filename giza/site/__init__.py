"""Site-level generators and helpers.

Pure library functions over plain inputs: published branches and the version
list, redirects, robots.txt, images, intersphinx inventories, the commit hash
and file migrations. The build plan wires them into tasks.
"""
