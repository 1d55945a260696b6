"""Sphinx configuration for pgtheory's documentation (build: ``sphinx-build -W docs docs/_build``)."""

project = "pgtheory"
author = "The pgtheory developers"
copyright = "2026, The pgtheory developers"

import pgtheory  # noqa: E402

release = pgtheory.__version__
extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
]
autosummary_generate = True
numpydoc_show_class_members = False
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_enable_extensions = ["dollarmath", "amsmath"]
html_theme = "pydata_sphinx_theme"
exclude_patterns = ["_build"]
