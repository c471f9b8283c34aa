"""Turning what authors and commenters write into safe HTML, once, when it is saved."""

import re

import markdown
import nh3
from django.utils.html import Urlizer, linebreaks

# Where an article shows a catalogue product, its Markdown has a line of its own:
# [[product:<UPC>]]. The product is looked up when the page is shown, so its
# name, picture and price are always the catalogue's current ones.
PRODUCT_EMBED = re.compile(r"<p>\[\[product:([\w.-]+)\]\]</p>")

COMMENT_LINK_REL = "nofollow ugc noopener"


def render_post_body(source: str) -> str:
    """Markdown written by staff, sanitised all the same."""
    html = markdown.markdown(source, extensions=["sane_lists"], output_format="html")
    return nh3.clean(html, link_rel=None, url_schemes={"http", "https", "mailto"})


def split_embeds(body_html: str) -> list[tuple[str, str]]:
    """[("html", fragment), ("product", upc), ("html", fragment), ...]"""
    pieces = PRODUCT_EMBED.split(body_html)
    return [
        ("product" if index % 2 else "html", piece)
        for index, piece in enumerate(pieces)
        if piece.strip()
    ]


class _WebAddressUrlizer(Urlizer):
    """Django's urlize for web addresses only: an email address stays plain text."""

    @staticmethod
    def is_email_simple(value):
        return False


_urlize = _WebAddressUrlizer()


def render_comment_body(text: str) -> str:
    """A comment is plain text: escaped, paragraphs kept, web addresses made links."""
    html = linebreaks(_urlize(text.strip(), autoescape=True))
    return nh3.clean(
        html,
        tags={"p", "br", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
        link_rel=COMMENT_LINK_REL,
    )
