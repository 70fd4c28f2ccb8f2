"""PO mode: every translated entry against its msgid and the site as served in its locale."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.check import dialect_ids
from pipeline.check.align import Rename
from pipeline.check.codes import SAME_MIN_WORDS, Collector, ignored_codes
from pipeline.check.features import Features, _diff, _words, features, markup_skeleton
from pipeline.check.headings import smarten
from pipeline.check.linkdiff import compare_links
from pipeline.check.links import page_facts
from pipeline.model import Catalog, Kind, Message, Page
from pipeline.segment.slug import slug
from pipeline.segment.walker import MD, Options, segment_page
from pipeline.stages.build import build_page, translations
from pipeline.stages.extract import is_code
from pipeline.stages.safety import unsafe_reason

if TYPE_CHECKING:
    from pipeline.check.sitemodel import Site


@dataclass(frozen=True, slots=True)
class LocaleCatalog:
    """One page's PO file in one locale, with the path findings point at."""

    locale: str
    page: str
    path: str
    catalog: Catalog


def localize_anchors(site: Site, catalogs: Sequence[LocaleCatalog], options: Options, out: Collector) -> None:
    """Anchors of translated pages as served: the English ones unless smartypants changes an id.

    Build keeps every heading's English id, appending ``{#id}`` where the translation would
    slug differently. Under smartypants an appended id with ``--`` is served with an em dash,
    so pages with such a heading are built in memory and read back; a heading served under
    another id than the English one is an ``anchor-differs`` at its msgstr.
    """
    if options.mdx:
        dialect_ids.localize_mdx(site, catalogs, options)
        return
    if not site.opts.smartypants:
        return
    for lc in catalogs:
        doc = site.docs.get(lc.page)
        facts = site.english.get(lc.page)
        if doc is None or facts is None:
            continue
        table = translations(lc.catalog)
        english_ids = {h.line: h.served for h in facts.headings}
        risky = False
        for part in doc.segments:
            text = table.get((part.msgctxt, part.msgid))
            if part.kind is not Kind.HEADING or part.anchor is None or part.explicit_anchor or text is None:
                continue
            anchor = part.anchor
            quirk = smarten(anchor) != anchor or english_ids.get(part.line) != anchor or "--" in text
            if quirk and (slug(_plain_inline(text)) != anchor or "--" in text):
                risky = True  # build appends {#anchor} (or the text slugs anew), and smartypants changes it
                break
        if not risky:
            continue
        built = build_page(doc, table, options)
        again = page_facts(segment_page(Page(doc.page.name, doc.page.path, built.text, doc.page.bom), options), True)
        site.localized[(lc.locale, lc.page)] = again.anchors
        if len(again.headings) != len(facts.headings):
            continue
        lines = {m.msgid: m for m in lc.catalog.messages if not m.obsolete}
        by_line = {seg.line: seg for seg in doc.segments if seg.kind is Kind.HEADING}
        for english, served in zip(facts.headings, again.headings, strict=True):
            seg = by_line.get(english.line)
            msg = lines.get(seg.msgid) if seg is not None else None
            if served.served == english.served or msg is None:
                continue
            out.add(
                lc.path,
                msg.msgstr_lineno or msg.lineno,
                0,
                "anchor-differs",
                f"translated heading is served as #{served.served} in {lc.locale}, "
                f"the English one as #{english.served}",
                f"build appends {{#{english.written}}}, which smartypants turns into #{served.served}; "
                "give the heading an HTML id or turn [site] smartypants off if the site does not use it",
                ignored_codes(msg),
            )


def po_renames(
    site: Site, catalogs: Sequence[LocaleCatalog]
) -> dict[tuple[str, str], tuple[Rename, list[tuple[LocaleCatalog, Message]]]]:
    """Heading ids English renamed, seen in fuzzy heading entries (``#| msgid`` = the old heading)."""
    found: dict[tuple[str, str], tuple[Rename, list[tuple[LocaleCatalog, Message]]]] = {}
    for lc in catalogs:
        doc = site.docs.get(lc.page)
        facts = site.english.get(lc.page)
        if doc is None or facts is None:
            continue
        served = {h.line: h for h in facts.headings}
        by_msgid = {
            seg.msgid: served.get(seg.line)
            for seg in doc.segments
            if seg.kind is Kind.HEADING and seg.anchor is not None
        }
        for msg in lc.catalog.messages:
            if msg.obsolete or not msg.fuzzy or msg.previous_msgid is None:
                continue
            heading = by_msgid.get(msg.msgid)
            if heading is None or heading.explicit:
                continue
            old_plain = _plain_inline(msg.previous_msgid)
            old = slug(smarten(old_plain) if site.opts.smartypants else old_plain)
            if not old or old in facts.anchors:
                continue
            key = (lc.page, old)
            rename = Rename(lc.page, old, heading.served, f"renamed from '{msg.previous_msgid}'")
            entry = found.setdefault(key, (rename, []))
            entry[1].append((lc, msg))
    return found


def _plain_inline(text: str) -> str:
    parts: list[str] = []
    for tok in MD.parseInline(text):
        for c in tok.children or []:
            if c.type in ("text", "code_inline"):
                parts.append(c.content)
    return "".join(parts)


def check_catalog(
    site: Site,
    lc: LocaleCatalog,
    out: Collector,
    english_broken: set[tuple[str, str]],
    learn: Callable[[str], None] | None = None,
) -> None:
    """Every translated entry of one PO file against its msgid and the site as served in the locale."""
    doc = site.docs[lc.page]
    refs = doc.references
    localized = any(locale == lc.locale for locale, _page in site.localized)
    for msg in lc.catalog.messages:
        if msg.obsolete or msg.msgid_plural is not None or not msg.msgstr or msg.fuzzy or is_code(msg):
            continue  # a code block's msgstr is code: no links, markup or HTML to compare
        ignore = ignored_codes(msg)
        line = msg.msgstr_lineno or msg.lineno
        where = (lc.path, line, 0)
        reason = unsafe_reason(msg.msgid, msg.msgstr)
        if reason is not None:
            out.add(
                *where, "unsafe", f"msgstr {reason}; build keeps the English", "remove it from the translation", ignore
            )
            continue
        if msg.msgstr == msg.msgid:
            if _words(msg.msgid) >= SAME_MIN_WORDS:
                out.add(
                    *where,
                    "untranslated-same",
                    "msgstr is the English text unchanged",
                    "translate it, or add '# pipeline: ignore[untranslated-same]'",
                    ignore,
                )
            continue
        skeleton = site.skeletons.get(msg.msgid)
        if skeleton is None:
            skeleton = site.skeletons[msg.msgid] = markup_skeleton(msg.msgid)
        same_markup = (not refs or "[" not in msg.msgstr) and skeleton == markup_skeleton(msg.msgstr)
        if same_markup and not localized:
            continue  # same links as the English, served against the same anchors: nothing new to find
        src = site.msgids.get((lc.page, msg.msgid))
        if src is None:
            src = site.msgids[(lc.page, msg.msgid)] = features(msg.msgid, refs)
        dst = src if same_markup else features(msg.msgstr, refs)
        if dst is not src:
            _compare(site, dialect_ids.localize_links(site, lc.locale, lc.page, src), dst, where, ignore, out, lc)
        for href in dst.links:
            target = site.urls.resolve(href, lc.page, lc.locale)
            if target is None:
                continue
            problem = site.problem(target)
            if problem is None:
                continue
            if learn is not None and target.page is not None:
                learn(target.page)  # renames from the English page's history sharpen the hint
                problem = site.problem(target) or problem
            norm = site.urls.normalize(href)
            if (lc.page, norm) in english_broken and norm in {site.urls.normalize(h) for h in src.links}:
                continue  # the English has the same broken link; reported on the English page
            code, message, hint = problem
            out.add(*where, code, message, hint, ignore)


def _compare(
    site: Site,
    src: Features,
    dst: Features,
    where: tuple[str, int, int],
    ignore: frozenset[str],
    out: Collector,
    lc: LocaleCatalog,
) -> None:
    changes = compare_links(
        src.links,
        dst.links,
        lambda href: site.link_key(href, lc.page),
        lambda english, translated: site.check.localized(english, translated, lc.locale),
    )
    dropped = [src.links[c.english] for c in changes if c.translated is None and c.english is not None]
    if len(src.links) != len(dst.links) or dropped:
        out.add(
            *where,
            "link-count",
            f"msgstr has {len(dst.links)} links, msgid {len(src.links)}"
            + (f" (missing {', '.join(dropped)})" if dropped else ""),
            "keep every link of the English",
            ignore,
        )
    for c in changes:
        if c.translated is None:
            continue
        href = dst.links[c.translated]
        if c.english is None:
            out.add(
                *where,
                "link-target",
                f"msgstr links to {href}, which the msgid does not",
                "copy the link targets from the msgid",
                ignore,
            )
        elif c.localized:
            out.add(
                *where,
                "link-localized",
                f"msgstr links to {href} where the msgid links to {src.links[c.english]} "
                "(a localization by [check] link_equivalents)",
                "check that the localized page exists and says the same",
                ignore,
            )
        else:
            out.add(
                *where,
                "link-target",
                f"msgstr links to {href} where the msgid links to {src.links[c.english]}",
                "copy the link target from the msgid, or add the pair to [check] link_equivalents if it is "
                "a localization",
                ignore,
            )
    compared = (
        ("code-span", "inline code differs", src.code, dst.code, "`", "keep inline code exactly as in the msgid"),
        ("markup", "markup differs", src.markup, dst.markup, "", "keep the emphasis and HTML tags of the msgid"),
        (
            "placeholder",
            "Svelte placeholders differ",
            src.placeholders,
            dst.placeholders,
            "",
            "keep {expressions} and component tags exactly as in the msgid",
        ),
    )
    for code, what, english, translated, quote, hint in compared:
        missing, added = _diff(english, translated)
        if missing or added:
            out.add(*where, code, f"{what}: " + _list(missing, added, quote), hint, ignore)
    extra_ids = [i for i in dst.ids if i not in src.ids]
    if extra_ids:
        out.add(
            *where,
            "id-in-translation",
            f"msgstr carries {', '.join(extra_ids)}",
            "remove it: build gives the heading its English id",
            ignore,
        )


def _list(missing: Sequence[str], added: Sequence[str], quote: str = "") -> str:
    parts = []
    if missing:
        parts.append("missing " + ", ".join(f"{quote}{x}{quote}" for x in missing))
    if added:
        parts.append("added " + ", ".join(f"{quote}{x}{quote}" for x in added))
    return "; ".join(parts)
