"""The Chinese fonts the PDF 评分表 embeds: found on the machine, registered with reportlab once.

reportlab embeds (a subset of) a TrueType font — `.ttf`, or one face of a
`.ttc` — not the PostScript-outline OpenType of Noto CJK.  Every Chinese
Windows has 宋体 and 黑体; on Debian and Ubuntu `apt-get install
fonts-wqy-microhei` gives 文泉驿微米黑; macOS has 宋体-简 and 华文黑体.
``PERFDSL_PDF_FONT`` names a file to use instead (``path`` or ``path#face``),
and ``PERFDSL_PDF_BOLD_FONT`` the one for titles and headings.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import attrs

from ..errors import UsageError

BODY = "PerfdslSong"
HEADING = "PerfdslHei"

_WINDOWS = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
#: (file, face) in order of preference: a 宋体 for text, a 黑体 for headings, then whatever covers Chinese.
_BODY_CANDIDATES = [
    (_WINDOWS / "simsun.ttc", 0), (_WINDOWS / "simsun.ttf", 0), (_WINDOWS / "msyh.ttc", 0),
    (_WINDOWS / "simhei.ttf", 0),
    (Path("/System/Library/Fonts/Supplemental/Songti.ttc"), 0), (Path("/Library/Fonts/Songti.ttc"), 0),
    (Path("/System/Library/Fonts/STHeiti Light.ttc"), 0), (Path("/Library/Fonts/Arial Unicode.ttf"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0), (Path("/usr/share/fonts/truetype/arphic/uming.ttc"), 0),
    (Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"), 0),
]
_HEADING_CANDIDATES = [
    (_WINDOWS / "simhei.ttf", 0), (_WINDOWS / "msyhbd.ttc", 0), (_WINDOWS / "msyh.ttc", 0),
    (Path("/System/Library/Fonts/STHeiti Medium.ttc"), 0), (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
]
#: Stand-ins for symbols a Chinese font may lack (every one has √ and ×, from GB 2312).
_STAND_INS = {"✓": "√", "✔": "√", "✗": "×", "✘": "×"}

MISSING = ("找不到可嵌入 PDF 的中文字体（TrueType：.ttf 或 .ttc）。请安装一种：Debian/Ubuntu 用 "
           "`apt-get install fonts-wqy-microhei`，Windows 自带宋体、黑体；或用环境变量 PERFDSL_PDF_FONT "
           "指定字体文件（如 PERFDSL_PDF_FONT=/path/SimSun.ttf）")


@attrs.frozen
class Fonts:
    body: str  # reportlab font names, registered
    heading: str
    files: tuple[str, ...]  # what was embedded, for messages and tests
    missing: frozenset = frozenset()  # characters of _STAND_INS the body font has no glyph for

    def text(self, value: str) -> str:
        """`value` with the symbols the body font lacks replaced by ones it has."""
        for char in self.missing:
            value = value.replace(char, _STAND_INS[char])
        return value


@functools.cache
def load() -> Fonts:
    """Register the body and heading fonts (once per process); a `UsageError` when there is none."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics

    body = _first(BODY, _wanted("PERFDSL_PDF_FONT") + _BODY_CANDIDATES + _fontconfig())
    if body is None:
        raise UsageError(MISSING)
    heading = _first(HEADING, [spec for spec in _wanted("PERFDSL_PDF_BOLD_FONT") + _HEADING_CANDIDATES
                               if spec != body.spec]) or body
    for font in {body, heading}:
        pdfmetrics.registerFont(font)
    for bold in (0, 1):  # <b> in a paragraph takes the heading face: Chinese fonts come without a bold one
        for italic in (0, 1):
            addMapping(BODY, bold, italic, heading.fontName if bold else BODY)
    missing = frozenset(char for char in _STAND_INS if ord(char) not in body.face.charToGlyph)
    files = tuple(f"{font.spec[0]}#{font.spec[1]}" for font in (body, heading))
    return Fonts(body.fontName, heading.fontName, files, missing)


def _wanted(variable: str) -> list[tuple[Path, int]]:
    value = os.environ.get(variable, "").strip()
    if not value:
        return []
    path, _, face = value.partition("#")
    return [(Path(path), int(face) if face.isdigit() else 0)]


def _fontconfig() -> list[tuple[Path, int]]:
    """Chinese fonts fontconfig knows of (Linux, BSD, some macOS), TrueType ones first."""
    if sys.platform == "win32" or shutil.which("fc-list") is None:
        return []
    try:
        listing = subprocess.run(["fc-list", ":lang=zh", "file", "index"], capture_output=True, text=True,
                                 timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = []
    for line in listing.splitlines():
        path, _, rest = line.partition(":")
        index = rest.strip().removeprefix("index=").strip()
        if path.lower().endswith((".ttf", ".ttc")):
            found.append((Path(path.strip()), int(index) if index.isdigit() else 0))
    return sorted(found)


def _first(name: str, candidates):
    """The first candidate that exists and that reportlab can embed (TrueType outlines with Chinese glyphs),
    loaded as the font `name`; its (file, face) is kept as ``spec``."""
    from reportlab.pdfbase.ttfonts import TTFont

    for path, face in candidates:
        if not path.is_file():
            continue
        try:
            font = TTFont(name, str(path), subfontIndex=face)
        except Exception:  # noqa: BLE001 — PostScript outlines, a damaged file: try the next
            continue
        if ord("评") in font.face.charToGlyph:
            font.spec = (path, face)
            return font
    return None
