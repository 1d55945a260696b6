"""``pgtheory.plotting.save_figure`` draws a figure once per format and writes what matplotlib writes.

Issue 17 (speed): ``savefig`` drew every figure twice after ``tight_layout`` (a pre-draw for the
layout placeholder it leaves behind), and subsetting the PDF's TrueType fonts decompiled their
OpenType layout tables for every PDF. ``save_figure`` saves without the placeholder and embeds the
fonts without those tables. These tests hold it to the claim that nothing visible changed:

* the PNG has the pixels of a plain ``fig.savefig`` of the same figure;
* the PDF has the same page content streams, and every embedded font maps every character code to
  the same glyph with the same outline, advance and hinting program as matplotlib's own subset;
  only GSUB / GPOS / GDEF / MATH / BASE / JSTF are gone (no PDF viewer reads them);
* the placeholder and the font hook are set back after saving, so a plain ``savefig`` afterwards is
  matplotlib's own.
"""

from __future__ import annotations

import io
import re
import zlib

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
from fontTools import subset as ft_subset  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from matplotlib.backends import _backend_pdf_ps  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.layout_engine import PlaceHolderLayoutEngine  # noqa: E402

from pgtheory import plotting  # noqa: E402
from pgtheory.errors import ValidationError  # noqa: E402
from pgtheory.plotting import check_formats, figure_formats, save_figure  # noqa: E402

LAYOUT_TABLES = {"GSUB", "GPOS", "GDEF", "MATH", "BASE", "JSTF"}


def _figure(layout=None):
    """Two log-log panels with mathtext labels and tick labels, an outside legend, a title and a
    verdict caption: the text a pgtheory figure has (regular, oblique and mathtext fonts)."""
    fig, axes = plotting.new_axes(1, 2, layout=layout)
    t = np.arange(1, 200)
    for k, ax in enumerate(axes):
        ax.plot(t, 3.0 / t ** (k + 1), label=r"$V^\star(\rho) - V^{\pi_t}(\rho)$")
        ax.plot(t, 5.0 / t ** (k + 1), ls="--", label="bound: Mei et al. 2020, Thm 4 (fi ffl)")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("iteration $t$")
        ax.set_ylabel(r"gap $\Delta_t$")
        ax.set_title(f"panel {k}: slope {-(k + 1):.2f}")
    plotting.legend_outside(axes[1], fontsize=7)
    fig.suptitle("Softmax PG vs Mei et al. 2020", fontsize=10)
    if layout is None:
        fig.tight_layout()
        plotting.add_verdict(fig, "consistent", "measured slope -1.00 within the bound's -1 (95% CI)")
    return fig


# ----------------------------------------------------------------------------- a minimal PDF reader
def _pdf_objects(pdf: bytes) -> dict:
    """``{number: (dictionary, stream or None)}`` of a PDF written by matplotlib, read through its
    cross-reference table (streams inflated)."""
    start = int(pdf[pdf.rindex(b"startxref") + len(b"startxref"):].split()[0])
    lines = pdf[start:].split(b"\n")
    assert lines[0].strip() == b"xref"
    first, count = map(int, lines[1].split())
    offsets = {first + k: int(lines[2 + k][:10]) for k in range(count) if lines[2 + k].split()[2:3] == [b"n"]}
    heads = {}
    for num, off in offsets.items():
        body = pdf.index(b"obj", off) + 3
        m = re.match(rb"\s*", pdf[body:])
        body += m.end()
        if pdf[body:body + 2] == b"<<":
            depth, i = 0, body
            while True:
                if pdf[i:i + 2] == b"<<":
                    depth, i = depth + 1, i + 2
                elif pdf[i:i + 2] == b">>":
                    depth, i = depth - 1, i + 2
                    if depth == 0:
                        break
                else:
                    i += 1
            d = pdf[body:i]
            m = re.match(rb"\s*stream\r?\n", pdf[i:])
            heads[num] = (d, i + m.end() if m else None)
        else:
            heads[num] = (pdf[body:pdf.index(b"endobj", body)].strip(), None)
    out = {}
    for num, (d, data_at) in heads.items():
        stream = None
        if data_at is not None:
            m = re.search(rb"/Length (\d+)(?: 0 R)?", d)
            length = int(heads[int(m.group(1))][0]) if m.group(0).endswith(b"R") else int(m.group(1))
            stream = pdf[data_at:data_at + length]
            if b"/FlateDecode" in d:
                stream = zlib.decompress(stream)
        out[num] = (d, stream)
    return out


def _ref(d: bytes, key: bytes) -> int:
    return int(re.search(rb"/" + key + rb" (\d+) 0 R", d).group(1))


def _fonts(objs: dict) -> list:
    """Every embedded TrueType font: ``(name, {character code: glyph name}, TTFont)``, in object order."""
    out = []
    for num in sorted(objs):
        d, _ = objs[num]
        if b"/Subtype /CIDFontType2" not in d:
            continue
        name = re.search(rb"/BaseFont /\w+\+([\w-]+)", d).group(1).decode()
        font = TTFont(io.BytesIO(objs[_ref(objs[_ref(d, b"FontDescriptor")][0], b"FontFile2")][1]))
        gids = np.frombuffer(objs[_ref(d, b"CIDToGIDMap")][1], dtype=">u2")
        order = font.getGlyphOrder()
        out.append((name, {int(c): order[g] for c, g in enumerate(gids) if g}, font))
    return out


def _font_streams(objs: dict) -> set:
    """Object numbers of the font files and CID-to-glyph maps (allowed to differ)."""
    nums = set()
    for d, _ in objs.values():
        if b"/Subtype /CIDFontType2" in d:
            nums |= {_ref(d, b"CIDToGIDMap"), _ref(objs[_ref(d, b"FontDescriptor")][0], b"FontFile2")}
    return nums


def _glyph(font: TTFont, name: str):
    """What a viewer draws of a glyph: its outline (composites resolved), advance and hinting program."""
    glyf = font["glyf"]
    g = glyf[name]
    coords, ends, flags = g.getCoordinates(glyf)
    program = g.program.getBytecode() if hasattr(g, "program") else b""
    return list(coords), list(ends), bytes(flags), font["hmtx"][name], program


# ----------------------------------------------------------------------------- tests
def test_save_figure_draws_once_per_format(tmp_path, monkeypatch):
    fig = _figure()
    assert isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine)  # what tight_layout leaves
    renderers = []
    real = Figure.draw

    def counting(self, renderer):
        renderers.append(type(renderer).__name__)
        return real(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    plotting.save_figure(fig, tmp_path / "f")
    assert renderers == ["RendererAgg", "MixedModeRenderer"], renderers  # the PDF draws through a MixedModeRenderer


def test_png_has_the_pixels_of_a_plain_savefig(tmp_path):
    png, _ = plotting.save_figure(_figure(), tmp_path / "ours")
    plain = _figure()
    plain.savefig(tmp_path / "plain.png")
    a, b = mpimg.imread(png), mpimg.imread(tmp_path / "plain.png")
    assert a.shape == b.shape and a.shape[0] > 300
    assert np.array_equal(a, b), f"{int((a != b).any(axis=-1).sum())} pixels differ"


def test_pdf_draws_the_same_glyphs_as_a_plain_savefig(tmp_path):
    _, pdf = plotting.save_figure(_figure(), tmp_path / "ours")
    plain = _figure()
    plain.savefig(tmp_path / "plain.pdf")
    ours, theirs = _pdf_objects(open(pdf, "rb").read()), _pdf_objects((tmp_path / "plain.pdf").read_bytes())
    assert sorted(ours) == sorted(theirs)
    # page contents, widths, character maps: everything but the font programs and their glyph numbering
    skip = _font_streams(ours) | _font_streams(theirs)
    same = [n for n in ours if n not in skip and ours[n][1] is not None]
    assert len(same) >= 3
    assert all(ours[n][1] == theirs[n][1] for n in same), [n for n in same if ours[n][1] != theirs[n][1]]
    fo, ft = _fonts(ours), _fonts(theirs)
    assert [f[0] for f in fo] == [f[0] for f in ft] and len(fo) >= 2, [f[0] for f in ft]
    assert any(n.endswith("Oblique") for n, _, _ in fo)  # mathtext italics are embedded too
    assert sum(len(c) for _, c, _ in fo) > 30
    for (name, cmap_o, font_o), (_, cmap_t, font_t) in zip(fo, ft):
        assert cmap_o == cmap_t and cmap_o, name
        for glyph in sorted(set(cmap_o.values())):
            assert _glyph(font_o, glyph) == _glyph(font_t, glyph), (name, glyph)
        for tag in ("fpgm", "prep", "cvt "):  # the hinting programs the glyphs call
            assert (tag in font_o) == (tag in font_t), (name, tag)
            if tag in font_t:
                assert font_o.getTableData(tag) == font_t.getTableData(tag), (name, tag)
        assert not LAYOUT_TABLES & set(font_o.keys()), (name, sorted(font_o.keys()))
    # the plain subsets do carry layout tables: this test compares two different font programs
    assert any(LAYOUT_TABLES & set(f.keys()) for _, _, f in ft)


def test_saving_leaves_the_figure_and_matplotlib_as_they_were(tmp_path):
    fig = _figure()
    engine = fig.get_layout_engine()
    plotting.save_figure(fig, tmp_path / "f", close=False)
    assert fig.get_layout_engine() is engine
    assert _backend_pdf_ps.subset is ft_subset
    fig.savefig(tmp_path / "again.pdf")  # matplotlib's own subsets again
    fonts = _fonts(_pdf_objects((tmp_path / "again.pdf").read_bytes()))
    assert any(LAYOUT_TABLES & set(f.keys()) for _, _, f in fonts)


def test_the_font_hook_is_set_back_when_saving_fails(tmp_path, monkeypatch):
    def boom(self, *args, **kwargs):
        raise RuntimeError("disk full")

    fig = _figure()
    monkeypatch.setattr(Figure, "savefig", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        plotting.save_figure(fig, tmp_path / "f")
    assert _backend_pdf_ps.subset is ft_subset
    assert not list(tmp_path.iterdir())  # no half-written file either


def test_a_constrained_layout_is_still_laid_out_by_savefig(tmp_path):
    png, _ = plotting.save_figure(_figure(layout="constrained"), tmp_path / "ours")
    plain = _figure(layout="constrained")
    plain.savefig(tmp_path / "plain.png")
    assert np.array_equal(mpimg.imread(png), mpimg.imread(tmp_path / "plain.png"))


# ----------------------------------------------------------------------------- formats (issue 17)
def test_check_formats_normalises_and_names_the_fix():
    assert check_formats(" PNG, pdf ,png") == ("png", "pdf")
    assert check_formats([".svg"]) == ("svg",)
    for bad, msg in (("png,eps", "unknown figure format 'eps'"), ("", "empty"), ([1], "not a format name")):
        with pytest.raises(ValidationError, match=msg):
            check_formats(bad)


def test_save_figure_writes_the_formats_asked_for(tmp_path):
    fig = _figure()
    assert save_figure(fig, tmp_path / "a", close=False) == (str(tmp_path / "a.png"), str(tmp_path / "a.pdf"))
    with figure_formats("svg,png"):
        assert save_figure(fig, tmp_path / "b.png", close=False) == (str(tmp_path / "b.svg"), str(tmp_path / "b.png"))
        assert save_figure(fig, tmp_path / "c", close=False, formats="pdf") == (str(tmp_path / "c.pdf"),)
    assert save_figure(fig, tmp_path / "d") == (str(tmp_path / "d.png"), str(tmp_path / "d.pdf"))  # restored
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "a.png", "b.png", "b.svg", "c.pdf", "d.pdf", "d.png"]
    assert (tmp_path / "b.svg").read_text().lstrip().startswith("<?xml")
    with pytest.raises(ValidationError, match="unknown figure format"):
        save_figure(fig, tmp_path / "e", formats="jpeg")
    assert not list(tmp_path.glob("e*"))
