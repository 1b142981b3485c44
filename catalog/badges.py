"""Badges: a model's verdict as a small SVG or PNG image, drawn from plain values.

The PNG exists because the Hugging Face Hub does not render SVG in model cards. Rather than add an
imaging library, it is drawn here: a 5x7 bitmap font (capitals, digits and a little punctuation,
enough for every verdict) scaled up twice, written as an 8-bit RGB PNG with zlib and struct. The
text is rendered in capitals, which keeps the font small and stays legible at badge size.
"""

import struct
import zlib
from dataclasses import dataclass
from html import escape

from catalog import verdict_styles
from catalog.verdict_styles import GREY

# The frameworks that have a badge, by id.
BADGE_FRAMEWORKS = ("g7", "label", "osaid", "mof", "index")
LEFT_COLOUR = "#3d444d"
# The colours of the labels' rungs (catalog/verdict_styles.py).
LABEL_COLOURS = {verdict: style.colour for verdict, style in verdict_styles.LABEL_STYLES.items()}


@dataclass(frozen=True)
class Badge:
    left: str
    right: str
    colour: str  # "#rrggbb", the right-hand side's background

    @property
    def alt(self):
        return f"{self.left}: {self.right}"


MACHINE_READ = "machine-read, not reviewed"


def badge_for(framework, scores, *, machine_read=False):
    """The badge of one framework for a model's current scores.

    `scores` is a mapping with `<framework>_verdict` and `<framework>_score` (values may be None
    when the model has not been scored yet). A machine-read entry's badge says so on its face.
    """
    badge = _badge_for(framework, scores)
    if machine_read:
        return Badge(badge.left, f"{badge.right} ({MACHINE_READ})", GREY)
    return badge


def _badge_for(framework, scores):
    if framework not in BADGE_FRAMEWORKS:
        raise ValueError(f"unknown framework {framework!r}")
    verdict = scores.get(f"{framework}_verdict")
    score = scores.get(f"{framework}_score")
    left = {
        "g7": "G7 openness",
        "label": "openness",
        "osaid": "OSAID 1.0",
        "mof": "MOF 1.0",
        "index": "Openness Index",
    }[framework]
    if verdict is None:
        return Badge(left, "not scored", GREY)
    if framework in ("g7", "label", "osaid", "mof"):
        return Badge(left, verdict, verdict_styles.colour(verdict))
    value = float(score or 0)
    if value >= 75:
        colour = verdict_styles.OPEN_SOURCE.colour
    elif value >= 50:
        colour = verdict_styles.OPEN_WEIGHTS.colour
    elif value >= 25:
        colour = verdict_styles.RESTRICTED_WEIGHTS.colour
    else:
        colour = GREY
    return Badge(left, f"{value:.1f} / 100", colour)


# --- SVG -----------------------------------------------------------------------------------------

CHAR_WIDTH = 6.6  # about Verdana's average advance at 11px; textLength makes the text fit exactly
PADDING = 6


def _text_width(text):
    return round(len(text) * CHAR_WIDTH)


def svg(badge):
    """The badge as a self-contained SVG document."""
    lw = _text_width(badge.left) + 2 * PADDING
    rw = _text_width(badge.right) + 2 * PADDING
    width = lw + rw
    left, right = escape(badge.left), escape(badge.right)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img"'
        f' aria-label="{escape(badge.alt)}"><title>{escape(badge.alt)}</title>'
        f'<rect width="{lw}" height="20" fill="{LEFT_COLOUR}"/>'
        f'<rect x="{lw}" width="{rw}" height="20" fill="{badge.colour}"/>'
        '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">'
        f'<text x="{PADDING}" y="14" textLength="{_text_width(badge.left)}"'
        f' lengthAdjust="spacingAndGlyphs">{left}</text>'
        f'<text x="{lw + PADDING}" y="14" textLength="{_text_width(badge.right)}"'
        f' lengthAdjust="spacingAndGlyphs">{right}</text></g></svg>'
    )


# --- PNG -----------------------------------------------------------------------------------------

# 5 columns by 7 rows per glyph, "#" for ink.
FONT = {
    "A": (".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "B": ("####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."),
    "C": (".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."),
    "D": ("####.", "#...#", "#...#", "#...#", "#...#", "#...#", "####."),
    "E": ("#####", "#....", "#....", "####.", "#....", "#....", "#####"),
    "F": ("#####", "#....", "#....", "####.", "#....", "#....", "#...."),
    "G": (".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"),
    "H": ("#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"),
    "I": (".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "J": ("..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."),
    "K": ("#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"),
    "L": ("#....", "#....", "#....", "#....", "#....", "#....", "#####"),
    "M": ("#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"),
    "N": ("#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"),
    "O": (".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "P": ("####.", "#...#", "#...#", "####.", "#....", "#....", "#...."),
    "Q": (".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"),
    "R": ("####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"),
    "S": (".####", "#....", "#....", ".###.", "....#", "....#", "####."),
    "T": ("#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."),
    "U": ("#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."),
    "V": ("#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."),
    "W": ("#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."),
    "X": ("#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"),
    "Y": ("#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."),
    "Z": ("#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"),
    "0": (".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."),
    "1": ("..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."),
    "2": (".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"),
    "3": ("#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."),
    "4": ("...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."),
    "5": ("#####", "#....", "####.", "....#", "....#", "#...#", ".###."),
    "6": ("..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."),
    "7": ("#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."),
    "8": (".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."),
    "9": (".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."),
    " ": (".....",) * 7,
    ".": (".....", ".....", ".....", ".....", ".....", ".##..", ".##.."),
    "-": (".....", ".....", ".....", ".###.", ".....", ".....", "....."),
    ":": (".....", ".##..", ".##..", ".....", ".##..", ".##..", "....."),
    "/": (".....", "....#", "...#.", "..#..", ".#...", "#....", "....."),
    "%": ("##...", "##..#", "...#.", "..#..", ".#...", "#..##", "...##"),
    "(": ("...#.", "..#..", ".#...", ".#...", ".#...", "..#..", "...#."),
    ")": (".#...", "..#..", "...#.", "...#.", "...#.", "..#..", ".#..."),
    "?": (".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."),
}
GLYPH_W, GLYPH_H = 5, 7
SCALE = 2
ADVANCE = (GLYPH_W + 1) * SCALE
PNG_PAD_X, PNG_PAD_Y = 8, 7
PNG_HEIGHT = GLYPH_H * SCALE + 2 * PNG_PAD_Y


def png_text(text):
    """The text as the PNG draws it: capitals, with any character the font lacks as "?"."""
    return "".join(ch if ch in FONT else "?" for ch in text.upper())


def _rgb(colour):
    return bytes.fromhex(colour.lstrip("#"))


def _ink(text):
    """The columns of ink for `text` at scale 1: a list of 7-row bit columns."""
    columns = []
    for index, ch in enumerate(png_text(text)):
        if index:
            columns.append((False,) * GLYPH_H)
        glyph = FONT[ch]
        for x in range(GLYPH_W):
            columns.append(tuple(glyph[y][x] == "#" for y in range(GLYPH_H)))
    return columns


def png_width(badge):
    return (
        len(png_text(badge.left)) * ADVANCE
        + len(png_text(badge.right)) * ADVANCE
        + 4 * PNG_PAD_X
        - 2 * SCALE
    )


def pixels(badge):
    """The badge as rows of RGB bytes (one bytes object per row), before PNG encoding."""
    left_w = len(png_text(badge.left)) * ADVANCE - SCALE + 2 * PNG_PAD_X
    width = png_width(badge)
    background = [_rgb(LEFT_COLOUR)] * left_w + [_rgb(badge.colour)] * (width - left_w)
    grid = [list(background) for _ in range(PNG_HEIGHT)]
    white = b"\xff\xff\xff"
    for text, x0 in ((badge.left, PNG_PAD_X), (badge.right, left_w + PNG_PAD_X)):
        for cx, column in enumerate(_ink(text)):
            for cy, on in enumerate(column):
                if not on:
                    continue
                for dy in range(SCALE):
                    row = grid[PNG_PAD_Y + cy * SCALE + dy]
                    for dx in range(SCALE):
                        row[x0 + cx * SCALE + dx] = white
    return [b"".join(row) for row in grid]


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(rows):
    """Rows of 8-bit RGB bytes, all of one width, as a PNG file (no filtering, zlib level 9)."""
    height, width = len(rows), len(rows[0]) // 3
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit truecolour
    raw = b"".join(b"\x00" + row for row in rows)  # filter type 0 on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def png(badge):
    return encode_png(pixels(badge))
