"""Option types shared by the ``pgtheory`` command (:mod:`pgtheory.cli`) and the figure scripts'
command line (:func:`pgtheory.experiments.figure_main`), so both check ``--seeds``, ``--seed``,
``--workers``, ``--formats`` and ``--out`` the same way, before any work starts.

Each is an ``argparse`` ``type=``: it returns the converted value or raises
:class:`argparse.ArgumentTypeError` with the fix, which ``argparse`` prints as
``error: argument --seeds: 0 is not a positive integer; give N >= 1`` and exits with status 2.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .errors import ValidationError


def integer(text: str) -> int:
    """``text`` as an int (an ``argparse`` type)."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None


def positive_int(text: str) -> int:
    """``text`` as an int >= 1 (``--seeds``, ``--workers``)."""
    v = integer(text)
    if v < 1:
        raise argparse.ArgumentTypeError(f"{v} is not a positive integer; give N >= 1")
    return v


def seed(text: str) -> int:
    """``text`` as an int >= 0 (``--seed``: NumPy seeds are non-negative)."""
    v = integer(text)
    if v < 0:
        raise argparse.ArgumentTypeError(f"{v} is negative; give a seed >= 0 (NumPy seeds are non-negative)")
    return v


def formats(text: str) -> tuple:
    """Figure formats, comma-separated (``--formats png,pdf``), from :data:`pgtheory.plotting.FIGURE_FORMATS`."""
    from .plotting import check_formats  # lazy: plotting is imported on use only (matplotlib stays optional)

    try:
        return check_formats(text)
    except ValidationError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("formats: ")) from None


def out_dir(text: str) -> Path:
    """An output folder: an existing directory we may write in, or a path creatable as one."""
    if not text:
        raise argparse.ArgumentTypeError("empty path; give a directory")
    p = Path(text).expanduser()
    q = p
    while not q.exists():
        if q.parent == q:
            break
        q = q.parent
    if q.exists() and not q.is_dir():
        what = "is an existing file" if q == p else f"is below {q}, which is a file"
        raise argparse.ArgumentTypeError(f"{text} {what}; give a directory (an existing one or a new path)")
    if q.exists() and not os.access(q, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(f"{q} is not writable; give a directory you can write in")
    return p
