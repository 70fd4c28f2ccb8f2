"""The segmenter's settings, in a module of their own: reading ``pipeline.toml`` needs them,
and a no-op sync should not pay for importing the markdown parser to get them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Options:
    """What the segmenter translates beyond markdown text (from ``Config``)."""

    front_matter: tuple[str, ...] = ("title", "description")
    html_attributes: tuple[str, ...] = ("alt", "title")
    smartypants: bool = False
    """The site's renderer turns ``--`` into a dash even inside ``{#id}`` (mdsvex's default);
    build then anchors headings whose English id has ``--`` with ``<a id>`` instead."""
    dialect: str = "mdsvex"
    """How pages are read: ``mdsvex`` (CommonMark + Svelte, English heading ids kept with
    ``{#id}``), ``markdown`` (the same reading) or ``mdx`` (MDX: ESM, JSX and directives are
    structure; each locale's headings get ids slugged from their own text)."""

    heading_ids: str = "github"
    """MDX: how the site slugs heading text: ``github`` (github-slugger, as rehype-slug) or
    ``astro`` (Astro's rehypeHeadingIds: the same, then repeated and edge hyphens removed)."""

    front_matter_defaults: tuple[tuple[str, str], ...] = ()
    """``[front_matter] defaults``: (key, the key it defaults to) for keys a page may lack and a
    translation may still set (``("sidebar.label", "title")``); each is an entry of its own."""
    link_names: tuple[str, ...] = ()
    """``[site] localize_links``: JSX/HTML props and front-matter keys whose internal link targets
    build gives the locale's prefix (link reference definitions too); empty: links are kept."""
    code_blocks: tuple[str, ...] = ()
    """``[segment] code_blocks``: languages (first word of the info string, ``""`` for none) whose
    fenced code blocks are segments, ``("*",)`` for all; empty (the default): code is structure."""

    @property
    def mdx(self) -> bool:
        return self.dialect == "mdx"

    def translates_code(self, info: str) -> bool:
        """True when a fenced code block with this info string is a segment."""
        if not self.code_blocks:
            return False
        words = info.split()
        return "*" in self.code_blocks or (words[0].lower() if words else "") in self.code_blocks
