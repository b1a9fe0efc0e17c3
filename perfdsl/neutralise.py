"""Text that perfdsl did not create, made inert for where it is written: data is data.

Every writer passes the text it takes from a record or a ruleset (a name, a
note, a basis line, an error message) through the one function for its
medium, at one clearly named point:

* `spreadsheet` — a CSV or xlsx text cell: no spreadsheet evaluates it.  The
  OWASP rule for CSV injection: a cell that starts with ``= + - @``, a tab or a
  carriage return (or their full-width forms, which Excel and WPS accept as a
  formula's start in Chinese input) is prefixed with ``'``.  `unprefixed` undoes
  it where perfdsl reads its own sheets back (a template's header).
* `markdown` — a Markdown table cell or heading: no HTML, link, image,
  emphasis or table break comes through; line breaks become ``<br>``.
* `html` — HTML text and attribute values, escaped.
* `terminal` — text for a terminal: no escape sequence (colour, OSC 8
  hyperlink, title, cursor movement) and no bidirectional override reaches it.
  Writers that use rich pass the result as a `rich.text.Text`, never as markup.

All of them first apply `visible`: a control character becomes its escape as
text (``\x0b`` from Word, ESC → ``\x1b``), and so do a bidirectional override
or zero-width character (``\u202e``) and a lone surrogate (``"\ud800"`` in
JSON) — so no writer can fail on a character, whatever the data holds.  Line
breaks and tabs are kept (a writer that lays out columns turns them into spaces).
"""

from __future__ import annotations

import html as _html
import re

#: Characters that are never shown as themselves: C0 controls but tab and line feed, DEL, C1 controls,
#: zero-width and bidirectional formatting characters (the Arabic letter mark U+061C too), the BOM, and lone surrogates.
_UNSAFE_CHARACTERS = ("\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff"
                      "\ud800-\udfff")
_UNSAFE = re.compile(f"[{_UNSAFE_CHARACTERS}]")
#: A spreadsheet reads a cell starting with one of these as a formula (or DDE command).
_FORMULA_START = frozenset("=+-@\t\r＝＋－＠")
#: What makes Markdown of text: code, emphasis, links and images (both need ``[``), strikethrough, table cells.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def _shown(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text) -> str:
    """`text` with every control, formatting or unpaired surrogate character shown visibly."""
    text = text if isinstance(text, str) else str(text)
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(_shown, text.replace("\r\n", "\n"))


def spreadsheet(text) -> str:
    """A CSV or xlsx text cell no spreadsheet will evaluate (OWASP: a leading = + - @ tab CR gets a ``'``).  A text
    that already looks so prefixed (``'=a``, an input's own name) gets one more, so that `unprefixed` gives it back."""
    text = visible(text) if not isinstance(text, str) or _UNSAFE.search(text) else text
    if text and (text[0] in _FORMULA_START or (text[0] == "'" and _prefixed(text))):
        return "'" + text
    return text


def unprefixed(text: str) -> str:
    """A cell as it was before `spreadsheet` (for reading perfdsl's own sheets back)."""
    if len(text) > 1 and text[0] == "'" and _prefixed(text):
        return text[1:]
    return text


def _prefixed(text: str) -> bool:
    """Whether `text` (starting with ``'``) is apostrophes, then a formula's first character."""
    rest = text.lstrip("'")
    return bool(rest) and rest[0] in _FORMULA_START


def markdown(text) -> str:
    """Text for a Markdown table cell or heading: shown literally, on one line of the table."""
    text = text if isinstance(text, str) else str(text)
    if MARKDOWN_ANY.search(text) is None:  # most text: nothing to escape or show (one scan, no copy)
        return text
    return visible(text).translate(_MARKDOWN)


#: Any character `markdown` or `html` changes: `_UNSAFE`'s, a line break and the Markdown or HTML specials.
MARKDOWN_ANY = re.compile(f"[{_UNSAFE_CHARACTERS}\n&<>\\\\`*_\\[\\]|~]")
_HTML_ANY = re.compile(f"[{_UNSAFE_CHARACTERS}&<>\"']")
#: `markdown` in one pass: HTML's three, a backslash before each of `_MARKDOWN_SPECIAL`, line breaks as <br>.
_MARKDOWN = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord("\n"): "<br>",
             **{ord(c): "\\" + c for c in "\\`*_[]|~"}}


def html(text) -> str:
    """HTML text or an attribute value (quotes escaped too)."""
    text = text if isinstance(text, str) else str(text)
    if _HTML_ANY.search(text) is None:  # most text: nothing to escape or show (one scan, no copy)
        return text
    return _html.escape(visible(text), quote=True)


#: Any character `html_text` changes: `html`'s and a line break.
HTML_TEXT_ANY = re.compile(f"[{_UNSAFE_CHARACTERS}&<>\"'\n]")


def html_text(text) -> str:
    """`html`, with line breaks as ``<br>``: the text of an HTML page's element (most text: one scan, no copy)."""
    if text.__class__ is str and HTML_TEXT_ANY.search(text) is None:
        return text
    return html(text).replace("\n", "<br>")


def terminal(text) -> str:
    """Text for a terminal: escapes and overrides made visible; to be printed as plain text, never as markup."""
    return visible(text)
