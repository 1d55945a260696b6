"""Sphinx configuration for pgtheory's documentation.

Build (as CI does, warnings are errors)::

    pip install -e ".[docs]"
    python -m sphinx -W -b html docs docs/_build/html
    python -m sphinx -W -b doctest docs docs/_build/doctest     # runs the tutorial and how-to code

Everything generated goes under ``docs/_build/`` (git-ignored), never into the source tree:

* ``_build/gen/api/``: one page per public symbol (autosummary stubs; the lists are the committed
  ``reference/*.rst``, kept complete by ``tests/test_docs_coverage.py``);
* ``_build/gen/papers/``: one explanation page per paper key (``_gen_papers.py``);
* ``_build/gen/status/``: the verification status page (``_gen_status.py``), from the directory in
  ``PGTHEORY_RESULTS`` if set, else a quick reproduction of a few checks into ``_build/gen/results``;
* ``_build/gen/gallery/``: the figure gallery (sphinx-gallery over ``figures/``).

Environment variables:

``PGTHEORY_RESULTS``
    A ``pgtheory reproduce --out DIR`` directory: the status and paper pages show its verdicts.
``PGTHEORY_DOCS_INTERSPHINX=1``
    Link NumPy/SciPy/Matplotlib/SymPy names to their documentation. Off by default because the
    inventories are downloaded at build time and CI builds offline (an unreachable inventory is a
    warning, which ``-W`` turns into a failure).
``PGTHEORY_DOCS_GALLERY``
    ``all`` (default): every figure is shown. At build start one quick reproduction
    (``run_all(quick=True, workers=2)``, a process pool over both cores) of every check that
    has a script in ``figures/`` writes its data and reports into ``_build/gen/gallery-out``
    (computing only: ``figures=False``); every gallery script then runs with ``--from`` that
    folder, and its ``draw`` draws its check's figure from the data there. A rebuild
    resumes the finished reports (nothing is recomputed). ``quick``: the same, restricted to the
    scripts in :data:`GALLERY_RUN` (a fast build while editing); the other scripts are shown
    as code only. ``none``: nothing is run; every script is shown as code only.
``PGTHEORY_DOCS_GALLERY_WORKERS``
    Processes of the gallery's quick reproduction (default 2).
``PGTHEORY_DOCS_QUICK=0``
    Skip the build-time quick reproduction (the status page then says how to produce it).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
GEN = DOCS / "_build" / "gen"
sys.path[:0] = [str(ROOT), str(DOCS)]  # this checkout's pgtheory, whatever is installed

os.environ.setdefault("MPLBACKEND", "Agg")

import pgtheory  # noqa: E402

project = "pgtheory"
author = "The pgtheory developers"
copyright = "2026, The pgtheory developers"
release = pgtheory.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "myst_parser",
    "sphinx_gallery.gen_gallery",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
# Only the generated tree of _build is a source; outputs of any builder are not.
exclude_patterns = ["_build/html", "_build/doctest", "_build/doctrees", "_build/linkcheck", "_build/latex",
                    "_build/gen/results", "_build/gen/gallery-out", "_build/gen/gallery/*.ipynb",
                    "_build/gen/gallery/*.py", "_build/gen/gallery/*.zip", "_build/gen/gallery/*.json",
                    "Thumbs.db", ".DS_Store"]

templates_path = ["_templates"]
autosummary_generate = True
autosummary_generate_overwrite = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set = set()
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
# config.cache: sphinx-gallery's config holds functions (harmless: the gallery reruns on change);
# ref.citation: numpydoc "References" entries that the text does not cite are normal.
suppress_warnings = ["myst.header", "config.cache", "ref.citation"]
# Docstrings write set sizes as |S|, |A|, |Pi| (plain text in help()); in reST these are substitutions.
rst_prolog = "\n".join(rf".. |{x}| replace:: \|{x}\|" for x in ("S", "A", "Pi", "X", "H", "Y")) + "\n"

# -- intersphinx: opt-in, CI has no network -----------------------------------------------------
if os.environ.get("PGTHEORY_DOCS_INTERSPHINX") == "1":
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "scipy": ("https://docs.scipy.org/doc/scipy/", None),
        "matplotlib": ("https://matplotlib.org/stable/", None),
        "sympy": ("https://docs.sympy.org/latest/", None),
    }

# -- doctest -----------------------------------------------------------------------------------
doctest_global_setup = """
import numpy as np
np.set_printoptions(precision=4, suppress=True)
"""

# -- HTML ------------------------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"pgtheory {release}"
html_theme_options = {"navigation_depth": 2, "show_toc_level": 2, "secondary_sidebar_items": ["page-toc"]}
html_sidebars = {"**": ["sidebar-nav-bs"]}

# -- generated pages (papers, status), written before Sphinx reads the sources -------------------
GEN.mkdir(parents=True, exist_ok=True)
import _gen_papers  # noqa: E402
import _gen_status  # noqa: E402

_results = os.environ.get("PGTHEORY_RESULTS") or None
_used = _gen_status.generate(GEN / "status", _results, quick=os.environ.get("PGTHEORY_DOCS_QUICK", "1") != "0")
_gen_papers.generate(GEN / "papers", _used or None)

# -- gallery: every script in figures/, each showing its figures --------------------------------
#: Scripts executed with ``PGTHEORY_DOCS_GALLERY=quick`` (a fast build while editing the docs).
GALLERY_RUN = ("mei2020_bandit", "agarwal2021_npg", "cen2022_fig1", "liu2025_grpo_weights", "munos2024_theorem1",
               "fatkhullin2023_lemma1")
_mode = os.environ.get("PGTHEORY_DOCS_GALLERY", "all")
if _mode not in ("all", "quick", "none"):
    raise ValueError(f"PGTHEORY_DOCS_GALLERY={_mode!r}: expected all, quick or none")
GALLERY_OUT = GEN / "gallery-out"


def _script_checks() -> dict:
    """``{script stem: check name}`` of the scripts in ``figures/``: each names its registered check
    in ``CHECK = "<name>"`` and draws it with ``draw(folder)``."""
    found = {}
    for f in sorted((ROOT / "figures").glob("*.py")):
        text = f.read_text()
        m = re.search(r"""^CHECK = ['"]([\w-]+)['"]""", text, flags=re.M)
        if m and not f.name.startswith("_"):
            found[f.stem] = m.group(1)
    return found


GALLERY_CHECKS = _script_checks()
if _mode == "all":
    _pattern = r".*\.py$"
    _run = sorted(GALLERY_CHECKS.values())
elif _mode == "none":
    _pattern = r"^$"
    _run = []
else:
    _pattern = r"/(" + "|".join(GALLERY_RUN) + r")\.py$"
    _run = sorted(GALLERY_CHECKS[s] for s in GALLERY_RUN if s in GALLERY_CHECKS)
if _run:
    # One quick reproduction for the whole gallery, on a process pool, resumable (a rebuild reuses
    # the finished reports). Measured from a clean docs/_build with a cold Numba cache on 2 shared
    # cores: html 2 min 31 s and doctest 26 s at load ~1.5 (all 39 scripts executed); html 6 min
    # 31 s at load ~5.5 (other jobs on the machine), when fatkhullin2023-mdp alone took 232 s of
    # the pool (23 s at load ~1.5).
    from pgtheory.experiments import run_all

    # figures=False: the checks only compute; each gallery script draws its figure from this folder
    _failed = [r.name for r in run_all(_run, quick=True, out_dir=GALLERY_OUT, figures=False,
                                       workers=int(os.environ.get("PGTHEORY_DOCS_GALLERY_WORKERS", "2")))
               if r.verdict == "error"]
    if _failed:  # its gallery script would find no report; say why here, not in a script traceback
        raise RuntimeError(f"gallery: quick run of {', '.join(_failed)} raised an error "
                           f"(python -m pgtheory check NAME --quick shows the traceback)")


def _gallery_argv(gallery_conf, script_vars):
    """Arguments of a gallery script: read the build's quick reproduction (``--from``)."""
    name = Path(script_vars["src_file"]).stem
    # sphinx-gallery defines neither __file__ nor the module docstring (the scripts' --help text)
    import ast

    g = script_vars["example_globals"]
    g["__file__"] = str(script_vars["src_file"])
    g["__doc__"] = ast.get_docstring(ast.parse(Path(script_vars["src_file"]).read_text())) or name
    if name not in GALLERY_CHECKS:
        raise RuntimeError(f"gallery: figures/{name}.py names no check (CHECK = \"<name>\"; see figures/README.md)")
    return ["--from", str(GALLERY_OUT)]


def _figure_dir(stem: str) -> Path:
    """Where the PNGs of script ``stem`` are: its check's folder of the quick reproduction."""
    return GALLERY_OUT / GALLERY_CHECKS.get(stem, stem)


class _OutputScraper:
    """Show the PNGs of a figure script's check (:func:`_figure_dir`; the scripts save and close
    their figures, so the default matplotlib scraper sees none)."""

    def __repr__(self):  # stable across builds (sphinx-gallery hashes the config)
        return "pgtheory_output_scraper"

    def __call__(self, block, block_vars, gallery_conf):
        from sphinx_gallery.scrapers import figure_rst

        out = _figure_dir(Path(block_vars["src_file"]).stem)
        pngs = sorted(out.glob("*.png")) if out.is_dir() else []
        it = block_vars["image_path_iterator"]
        paths = []
        for png in pngs:
            dst = next(it)
            shutil.copyfile(png, dst)
            paths.append(dst)
        return figure_rst(paths, gallery_conf["src_dir"])


def _gallery_titles(app, docname, source):
    """Give each gallery page a title (the scripts' docstrings are one line, not a reST title)."""
    if not docname.startswith("_build/gen/gallery/") or docname.endswith("/index"):
        return
    text = source[0]
    m = re.search(r"^\.\. _sphx_glr_.*?:\n", text, flags=re.M)
    if m and not re.search(r"^(=+|-+)$", text[m.end():m.end() + 400], flags=re.M):
        title = f"``{docname.rsplit('/', 1)[1]}.py``"
        source[0] = text[:m.end()] + f"\n{title}\n{'=' * len(title)}\n" + text[m.end():]


_CONTROL = {"\r": "\\r", "\t": "\\t", "\x0b": "\\v", "\x0c": "\\f", "\x08": "\\b", "\x07": "\\a"}


def _repair_escapes(app, what, name, obj, options, lines):
    """Docstrings holding control characters are LaTeX whose backslash escapes were lost (``\\rho``
    read as carriage return + ``ho`` in a non-raw string); restore the backslashes so they parse."""
    doc = getattr(obj, "__doc__", None)
    if not isinstance(doc, str) or not any(c in doc for c in _CONTROL):
        return
    from sphinx.util.docstrings import prepare_docstring

    fixed = doc.translate(str.maketrans(_CONTROL))
    # a carriage return in the source file was already read as a newline: ".. math:: <newline>ho"
    fixed = re.sub(r"(\.\. math::) *\n(ho\b)", r"\1 \\r\2", fixed)
    lines[:] = prepare_docstring(fixed)


def setup(app):
    app.connect("source-read", _gallery_titles)
    app.connect("autodoc-process-docstring", _repair_escapes, priority=100)


sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "figures"),
    "gallery_dirs": str(GEN / "gallery"),
    "filename_pattern": _pattern,
    "ignore_pattern": r"__init__\.py$",
    "reset_argv": _gallery_argv,
    "image_scrapers": (_OutputScraper(),),
    "download_all_examples": False,
    "remove_config_comments": True,
    "plot_gallery": "True",
    "within_subsection_order": "FileNameSortKey",
    "abort_on_example_error": True,
    "line_numbers": False,
    "show_memory": False,
    "show_signature": False,
    "write_computation_times": False,  # would write docs/sg_execution_times.rst into the sources
}
