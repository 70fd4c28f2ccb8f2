"""The served site: English pages, localized anchors, renames; broken-link problems."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.check.headings import smarten
from pipeline.check.linkdiff import external_key
from pipeline.check.links import PageFacts, page_facts
from pipeline.check.options import LinkOptions
from pipeline.check.urls import Target, Urls

if TYPE_CHECKING:
    from pipeline.check.align import Rename
    from pipeline.check.codes import Collector
    from pipeline.check.features import Features
    from pipeline.check.site import SiteOptions
    from pipeline.segment.walker import Document


@dataclass(slots=True)
class Site:
    """The served site: English pages, and per locale the anchors of each page as served there."""

    urls: Urls
    opts: SiteOptions
    english: dict[str, PageFacts]
    docs: dict[str, Document]
    localized: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)
    """Anchors of (locale, page) where they differ from English, or where the page is translated."""
    renames: dict[tuple[str, str], Rename] = field(default_factory=dict)
    learned: set[str] = field(default_factory=set)
    """Pages whose git history was already read for renames."""
    msgids: dict[tuple[str, str], Features] = field(default_factory=dict)
    """Features of each (page, msgid), shared by all locales."""
    skeletons: dict[str, str] = field(default_factory=dict)
    heading_ids: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    """MDX: per (locale, page), English heading id -> the locale's own id (``dialect_ids``)."""
    """Markup skeleton of each msgid."""
    check: LinkOptions = field(default_factory=LinkOptions)
    """``[check]`` settings: known localizations of links."""

    def link_key(self, href: str, page: str) -> str:
        """What two links must share to lead to the same place (``/nl/x`` is ``/x``; ``www.`` does not count)."""
        if self.urls.resolve(href, page, None) is not None:
            return self.urls.normalize(href)
        return external_key(href)

    def anchors(self, page: str, locale: str | None) -> frozenset[str]:
        if locale is not None:
            got = self.localized.get((locale, page))
            if got is not None:
                return got
        return self.english[page].anchors

    def problem(self, target: Target) -> tuple[str, str, str] | None:
        """(code, message, hint) when an internal target is broken, else None."""
        where = f" in locale {target.locale}" if target.locale else ""
        if target.page is None:
            if target.served_elsewhere:
                return None
            hint = "fix the link, or add the route to [site] routes if the site serves it itself"
            if target.path.endswith(".md"):
                hint = f"link to the page's route ({target.path[:-3]}), not to its file"
            return ("page-missing", f"link to {target.path}: no such page", hint)
        frag = target.fragment
        if not frag or frag.lower() == "top" or frag in self.opts.anchors or frag.startswith(":~:"):
            return None
        anchors = self.anchors(target.page, target.locale)
        if frag in anchors:
            return None
        local = self.heading_ids.get((target.locale or "", target.page), {}).get(frag)
        if local is not None:
            hint = f"this heading is #{local} in {target.locale}; 'pipeline check --fix' rewrites links in PO files"
        else:
            hint = self._anchor_hint(target.page, frag, anchors)
        return ("anchor-missing", f"link to {target.path}#{frag}: no such anchor on that page{where}", hint)

    def _anchor_hint(self, page: str, frag: str, anchors: frozenset[str]) -> str:
        rename = self.renames.get((page, frag))
        if rename is not None:
            if rename.new is not None and rename.new in anchors:
                fix = "'pipeline check --fix' rewrites links in PO files"
                return f"the section is now #{rename.new} ({rename.why}); {fix}"
            if rename.new is None:
                return f"that section was removed ({rename.why}); link to another section"
        if self.opts.smartypants and smarten(frag) != frag and smarten(frag) in anchors:
            return f"the site serves this id as #{smarten(frag)} (smartypants turns -- into —); write it without '--'"
        close = difflib.get_close_matches(frag, sorted(anchors), n=1, cutoff=0.75)
        if close:
            return f"did you mean #{close[0]}?"
        return "link to an existing heading id or HTML id"


def build_site(
    opts: SiteOptions,
    docs: Sequence[Document],
    locales: Iterable[str],
) -> Site:
    urls = Urls(opts, (d.page.name for d in docs), locales)
    english = {d.page.name: page_facts(d, opts.smartypants) for d in docs}
    return Site(urls, opts, english, {d.page.name: d for d in docs})


def check_links(site: Site, facts: PageFacts, locale: str | None, out: Collector) -> None:
    """page-missing / anchor-missing for every link of a served page."""
    for link in facts.links:
        target = site.urls.resolve(link.href, facts.name, locale)
        if target is None:
            continue
        problem = site.problem(target)
        if problem is not None:
            code, message, hint = problem
            out.add(facts.path, link.line, link.col, code, message, hint)
