"""The digest templates' sources, made cheap to render once per process: loaded from
``digest_templates/``, digest.css inlined into their ``style`` attributes, literal HTML
made ASCII, and the per-item loop turned into a string join (:class:`ItemLoop`).

Autoescape is explicitly ON for the HTML templates (``*.html.j2`` is not escaped by
``select_autoescape``) and OFF for the text ones.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import css_inline
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup, escape

from aggregator.paths import data_folder


@lru_cache(maxsize=1)
def environments() -> tuple[Environment, Environment]:
    loader = FileSystemLoader(str(data_folder("digest_templates")))
    common: dict[str, Any] = {"undefined": StrictUndefined, "keep_trailing_newline": True}
    html = Environment(loader=loader, autoescape=True, **common)
    text = Environment(loader=loader, autoescape=False, trim_blocks=True, **common)
    return html, text


def text_template(name: str) -> Template:
    return environments()[1].get_template(name)


@lru_cache(maxsize=1)
def stylesheets() -> tuple[str, str]:
    folder = data_folder("digest_templates")
    return (folder / "digest.css").read_text(), (folder / "dark.css").read_text()


_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_CSS_SLOT = re.compile(r"\{\{\s*css\s*\}\}")
_HOLE = re.compile(r"jinjahole(\d+)x")


def inline_source(source: str, *, fragment: bool) -> str:
    """A template's source with digest.css inlined into its ``style`` attributes.

    Jinja tags become plain placeholders (``jinjahole7x``: safe in text, attributes
    and titles), css-inline styles the elements, then the tags are put back. Runs once
    per template and process, so rendering a message is only Jinja joins. A template
    the HTML parser would reorder (a tag in ``<head>`` text, say) is refused."""
    css, dark = stylesheets()
    held: list[str] = []

    def hold(m: re.Match[str]) -> str:
        held.append(m.group(0))
        return f"jinjahole{len(held) - 1}x"

    plain = _JINJA.sub(hold, _CSS_SLOT.sub(lambda _: css, source))
    if fragment:
        inlined = css_inline.inline_fragment(plain, css)
    else:
        inlined = css_inline.inline(plain)
        raw_dark = "{% raw %}<style>" + dark + "</style>{% endraw %}"
        inlined = inlined.replace("</head>", raw_dark + "</head>", 1)
    order = [int(n) for n in _HOLE.findall(inlined)]
    if order != list(range(len(held))):
        raise ValueError("template tags moved while inlining CSS: keep them out of <head>")
    return _HOLE.sub(lambda m: held[int(m.group(1))], inlined)


def template_source(name: str, *, html: bool) -> str:
    env = environments()[0 if html else 1]
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


@lru_cache(maxsize=8)
def inlined_template(name: str, fragment: bool = False) -> Template:
    """The autoescaped HTML template ``name`` with the stylesheet already inlined."""
    source = template_source(name, html=True)
    return environments()[0].from_string(inline_source(source, fragment=fragment))


@dataclass
class Item:
    posting_id: int
    why: str
    slot: Any = ""


_ITEM_LOOP = re.compile(
    r"\{%-?\s*for item in section\.items\s*-?%\}(.*?)\{%-?\s*endfor\s*-?%\}", re.S
)
_ITEM_SLOTS = re.compile(r"\{\{\s*item\.slot\s*\}\}|\{\{\s*item\.why\s*\}\}")


def ascii_html(html: str) -> str:
    """HTML with non-ASCII characters as character references, as the message will
    carry it (see mail.message): done once per fragment here, so the whole body is
    usually ASCII and its encoding a plain copy."""
    return html if html.isascii() else html.encode("ascii", "xmlcharrefreplace").decode("ascii")


def ascii_outside_tags(source: str) -> str:
    """A template source whose literal HTML (not its Jinja tags) is ASCII."""
    parts, last = [], 0
    for m in _JINJA.finditer(source):
        parts += [ascii_html(source[last : m.start()]), m.group(0)]
        last = m.end()
    return "".join([*parts, ascii_html(source[last:])])


class ItemLoop:
    """A template's ``{% for item in section.items %}`` loop done as a string join.

    The loop body (already CSS-inlined) is split around ``{{ item.slot }}`` and
    ``{{ item.why }}``; the loop in the source becomes ``{{ section.body }}``. The
    output is the same as Jinja's, at a fraction of the cost per item."""

    def __init__(self, source: str, *, escape: bool, trim_blocks: bool):
        m = _ITEM_LOOP.search(source)
        if m is None:
            raise ValueError("template has no {% for item in section.items %} loop")
        body = m.group(1)
        if trim_blocks and body.startswith("\n"):
            body = body[1:]
        names = [x.group(0).strip("{} ").removeprefix("item.") for x in _ITEM_SLOTS.finditer(body)]
        if names != ["slot", "why"] or "{" in _ITEM_SLOTS.sub("", body):
            raise ValueError("item loop must hold only {{ item.slot }} then {{ item.why }}")
        self.a, self.b, self.c = (ascii_html(x) if escape else x for x in _ITEM_SLOTS.split(body))
        self.escape = escape
        self._escaped: dict[str, str] = {}
        self.source = source[: m.start()] + "{{ section.body }}" + source[m.end() :]

    def join(self, slots: Mapping[int, str], items: list[Item]) -> str:
        a, b, c = self.a, self.b, self.c
        if self.escape:
            whys = self._escaped
            if len(whys) > 10_000:  # the same few reasons recur across subscribers
                whys.clear()
            for i in items:
                if i.why not in whys:
                    whys[i.why] = ascii_html(str(escape(i.why)))
        else:
            whys = {i.why: i.why for i in items}  # text: the reasons as they are
        parts: list[str] = []
        add = parts.extend
        for i in items:  # one join of all pieces: no growing intermediate strings
            add((a, slots[i.posting_id], b, whys[i.why], c))
        text = "".join(parts)
        return Markup(text) if self.escape else text
