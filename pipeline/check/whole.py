"""The whole-site check in PO mode: English pages, then every PO file."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pipeline.check.align import learn_history
from pipeline.check.codes import Collector, ignored_codes
from pipeline.check.features import features
from pipeline.check.po_mode import LocaleCatalog, check_catalog, localize_anchors, po_renames
from pipeline.check.sitemodel import Site, check_links
from pipeline.segment.walker import Options


def check_po_site(
    site: Site,
    catalogs: Sequence[LocaleCatalog],
    options: Options,
    out: Collector,
    history: Callable[[str], Sequence[str]] | None = None,
) -> None:
    """English pages, then every PO file: links, anchors, staleness, and per-entry translation checks."""
    localize_anchors(site, catalogs, options, out)
    fuzzy = po_renames(site, catalogs)
    for key, (rename, _entries) in fuzzy.items():
        site.renames.setdefault(key, rename)
    english_broken: set[tuple[str, str]] = set()
    for name, facts in sorted(site.english.items()):
        for link in facts.links:
            target = site.urls.resolve(link.href, name, None)
            if target is None:
                continue
            if site.problem(target) is not None:
                english_broken.add((name, site.urls.normalize(link.href)))
                if target.page is not None and history is not None:
                    learn_history(site, target.page, history)
        check_links(site, facts, None, out)
    learn = (lambda page: learn_history(site, page, history)) if history is not None else None
    for lc in catalogs:
        if lc.page in site.docs:
            check_catalog(site, lc, out, english_broken, learn)
    for (page, old), (rename, entries) in sorted(fuzzy.items(), key=lambda kv: kv[0]):
        linked = _links_at(site, catalogs, page, old)
        if not linked:
            continue
        for lc, msg in entries:
            out.add(
                lc.path,
                msg.msgstr_lineno or msg.lineno,
                0,
                "anchor-stale",
                f"English renamed this heading: #{old} is now #{rename.new}; "
                f"{len(linked)} link(s) still point at #{old}: "
                + ", ".join(linked[:5])
                + (" …" if len(linked) > 5 else ""),
                "'pipeline check --fix' rewrites the links in PO files; fix English pages upstream",
                ignored_codes(msg),
            )


def _links_at(site: Site, catalogs: Sequence[LocaleCatalog], page: str, anchor: str) -> list[str]:
    """Places on the site (English pages, msgstrs) that link to ``page#anchor``."""
    found: list[str] = []
    for name, facts in sorted(site.english.items()):
        for link in facts.links:
            t = site.urls.resolve(link.href, name, None)
            if t is not None and t.page == page and t.fragment == anchor:
                found.append(f"{facts.path}:{link.line}")
    for lc in catalogs:
        refs = site.docs[lc.page].references if lc.page in site.docs else {}
        for msg in lc.catalog.messages:
            if msg.obsolete or not msg.msgstr:
                continue
            for href in features(msg.msgstr, refs).links:
                t = site.urls.resolve(href, lc.page, lc.locale)
                if t is not None and t.page == page and t.fragment == anchor:
                    found.append(f"{lc.path}:{msg.msgstr_lineno or msg.lineno}")
    return found
