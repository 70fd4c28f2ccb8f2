"""``check --fix``: msgstr link rewrites for renamed heading ids."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.check.align import learn_history
from pipeline.check.features import features

if TYPE_CHECKING:
    from pipeline.check.po_mode import LocaleCatalog
    from pipeline.check.sitemodel import Site
    from pipeline.model import Catalog, Message


@dataclass(frozen=True, slots=True)
class FixPlan:
    """PO files whose msgstr links ``check --fix`` rewrites, and English links it can only list."""

    catalogs: tuple[tuple[Path, Catalog], ...]
    rewrites: tuple[str, ...]
    """One line per rewritten link: ``path:line: #old -> #new``."""
    listed: tuple[str, ...]
    """Links in English pages that point at a renamed id (fixed upstream, not here)."""


def rewrite_links(
    site: Site,
    msgstr: str,
    page: str,
    locale: str,
    references: Mapping[str, Any],
    learn: Callable[[str], None] | None = None,
) -> tuple[str, list[tuple[str, str]]]:
    """``msgstr`` with links to renamed ids pointing at the new ids; (old, new) per rewrite."""
    done: list[tuple[str, str]] = []
    out = msgstr
    for href in dict.fromkeys(features(msgstr, references).links):
        t = site.urls.resolve(href, page, locale)
        if t is None or t.page is None or not t.fragment:
            continue
        if learn is not None and t.fragment not in site.anchors(t.page, t.locale):
            learn(t.page)
        if t.fragment in site.anchors(t.page, t.locale):
            continue
        new_id = site.heading_ids.get((locale, t.page), {}).get(t.fragment)  # MDX: the locale's own id
        if new_id is None:
            rename = site.renames.get((t.page, t.fragment))
            if rename is None or rename.new is None:
                continue
            new_id = rename.new
        hash_at = href.rfind("#")
        new_href = href[: hash_at + 1] + new_id
        replaced = re.sub(r"(?<=\]\()" + re.escape(href) + r"(?=[)\s])", new_href, out)
        replaced = re.sub(r"(?<=href=[\"'])" + re.escape(href) + r"(?=[\"'])", new_href, replaced)
        if replaced != out:
            out = replaced
            done.append((href, new_href))
    return out, done


def plan_fix(
    site: Site,
    catalogs: Sequence[LocaleCatalog],
    files: Mapping[str, Path],
    history: Callable[[str], Sequence[str]] | None = None,
) -> FixPlan:
    """Rewrites of msgstr links that point at renamed heading ids (fuzzy entries included)."""
    changed: list[tuple[Path, Catalog]] = []
    rewrites: list[str] = []
    learn = (lambda page: learn_history(site, page, history)) if history is not None else None
    for lc in catalogs:
        refs = site.docs[lc.page].references if lc.page in site.docs else {}
        messages: list[Message] = []
        touched = False
        for msg in lc.catalog.messages:
            if msg.obsolete or not msg.msgstr or msg.msgid_plural is not None:
                messages.append(msg)
                continue
            new, done = rewrite_links(site, msg.msgstr, lc.page, lc.locale, refs, learn)
            if done:
                touched = True
                messages.append(replace(msg, msgstr=new))
                for old, target in done:
                    rewrites.append(f"{lc.path}:{msg.msgstr_lineno or msg.lineno}: {old} -> {target}")
            else:
                messages.append(msg)
        if touched:
            changed.append((files[lc.path], replace(lc.catalog, messages=tuple(messages))))
    listed: list[str] = []
    for name, facts in sorted(site.english.items()):
        for link in facts.links:
            t = site.urls.resolve(link.href, name, None)
            if t is None or t.page is None or not t.fragment:
                continue
            rename = site.renames.get((t.page, t.fragment))
            if rename is not None and rename.new is not None and t.fragment not in site.anchors(t.page, None):
                listed.append(
                    f"{facts.path}:{link.line}:{link.col}: {link.href} -> #{rename.new} (fix it in the English)"
                )
    return FixPlan(tuple(changed), tuple(rewrites), tuple(listed))
