"""Markdown to sanitised HTML: the help center's entries and the editors' preview.

Content is written by trusted editors, but the same function renders previews of
unsaved text, so everything goes through an allow-list sanitiser (nh3): no script,
no inline event handlers, no style, no javascript: or data: links.
"""

from __future__ import annotations

import re
from functools import lru_cache

import markdown
import nh3
from markupsafe import Markup

from search.model import Entry

EXTENSIONS = ["tables", "fenced_code", "sane_lists"]

TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "small",
    "sub", "sup", "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "h2", "h3", "h4", "h5", "h6", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
    "details", "summary", "abbr",
}  # fmt: skip
# h1 is the page title; a heading in the body becomes a second-level one at most.
HEADING_SHIFT = {"h1": "h2"}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"align", "colspan", "rowspan"},
    "td": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_H1 = re.compile(r"<(/?)h1\b")
_BLOCK_SPLIT = re.compile(r"\n\s*\n")
_LIST_ITEM = re.compile(r"^( *)([-*+]|\d{1,9}[.)])( +)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def render_markdown(text: str) -> Markup:
    """Markdown to sanitised HTML (no script, no on* attributes, no javascript: links)."""
    html = markdown.markdown(
        normalise_lists(text or ""), extensions=EXTENSIONS, output_format="html"
    )
    html = _H1.sub(r"<\1h2", html)
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return Markup(clean)


def normalise_lists(text: str) -> str:
    """Re-indent CommonMark-style nested lists (2–3 spaces) the way Python-Markdown reads them.

    Editors write lists as GitHub renders them: a sub-list indented to the parent's text,
    and a list right under its lead-in line. Python-Markdown wants four spaces per level
    and a blank line before a list, so without this the items come out as plain text.
    """
    out: list[str] = []
    offsets: list[int] = []  # content offset of each open list item, outermost first
    previous = ""
    fenced = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or _FENCE.match(line) or not line.strip():
            out.append(line)
            previous = line
            continue
        indent = len(line) - len(line.lstrip(" "))
        item = _LIST_ITEM.match(line)
        if item or not previous.strip():
            while offsets and indent < offsets[-1]:
                offsets.pop()
        if item:
            if previous.strip() and not _LIST_ITEM.match(previous):
                # A list straight under its lead-in line, or an item after a continuation
                # paragraph: Python-Markdown would glue either to the text above.
                out.append("")
            out.append(" " * (4 * len(offsets)) + line.lstrip(" "))
            offsets.append(indent + len(item.group(2)) + len(item.group(3)))
        elif offsets and indent >= offsets[-1]:
            out.append(" " * (4 * len(offsets)) + line.lstrip(" "))
        else:
            out.append(line)
        previous = line
    return "\n".join(out)


@lru_cache(maxsize=4096)
def _cached(_entry_id: str, text: str) -> Markup:
    # Keyed by the text itself, so an edited entry is rendered afresh and the old one ages out.
    return render_markdown(text)


def render_entry(entry: Entry) -> Markup:
    """The entry's body as sanitised HTML, rendered once per (id, body) and then cached."""
    return _cached(entry.id, entry.body)


def lead_markdown(text: str, max_chars: int = 600) -> str:
    """The first paragraph of Markdown, plus the list it introduces when it ends with «:»."""
    blocks = [b.strip() for b in _BLOCK_SPLIT.split(text or "") if b.strip()]
    if not blocks:
        return ""
    lead = [blocks[0]]
    if blocks[0].rstrip().endswith(":") and len(blocks) > 1:
        lead.append(blocks[1])
    joined = "\n\n".join(lead)
    if len(joined) > max_chars:
        cut = joined[:max_chars].rsplit(" ", 1)[0]
        joined = cut.rstrip(".,;:—- ") + "…"
    return joined


def render_lead(entry: Entry) -> Markup:
    """The entry's first paragraph as sanitised HTML (the expanded best answer), cached."""
    return _cached(entry.id + "#lead", lead_markdown(entry.body))


@lru_cache(maxsize=4096)
def plain_text(text: str, max_chars: int = 160) -> str:
    """Markdown reduced to plain text, cut at a word (for meta descriptions)."""
    html = render_markdown(text)
    flat = " ".join(nh3.clean(str(html), tags=set()).split())
    flat = Markup(flat).unescape()
    if len(flat) <= max_chars:
        return flat
    return flat[:max_chars].rsplit(" ", 1)[0] + "…"


def safe_snippet(snippet: str) -> Markup:
    """The engine's snippet keeps only its <mark> tags; anything else becomes text."""
    return Markup(nh3.clean(snippet or "", tags={"mark"}, attributes={}))
