"""``pipeline diff``: the entries a translator should look at (fuzzy, or carried by update), per locale and page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.errors import InputError
from pipeline.stages.merge import CARRY_PREFIX
from pipeline.workspace.dialect import dialect
from pipeline.workspace.files import display_path
from pipeline.workspace.project import names_under, po_path, read_catalog

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config


@dataclass(frozen=True, slots=True)
class Review:
    """An entry a translator should look at: fuzzy (with its previous English) or carried by update."""

    locale: str
    page: str
    po_path: str
    line: int
    where: str
    """The entry's place in the page (its first ``#.`` comment)."""
    msgid: str
    previous: str | None
    """The English the translation was made from (``#| msgid``), when recorded."""
    msgstr: str
    carried: tuple[str, ...] = ()
    """For a carried entry: what update carried (its ``pipeline: carried`` comments)."""


def page_name(cfg: Config, value: str) -> str:
    """A page as the user names it (``faq``, ``faq.md``, ``source/faq.md``, a PO path) -> its name."""
    name = value.replace("\\", "/")
    for ext in (*dialect(cfg).extensions, ".po", ".pot"):
        name = name.removesuffix(ext)
    for prefix in (
        cfg.source,
        cfg.locales_dir + "/templates",
        *(f"{cfg.locales_dir}/{loc}" for loc in cfg.target_locales()),
    ):
        if name.startswith(prefix.rstrip("/") + "/"):
            return name[len(prefix.rstrip("/")) + 1 :]
    return name.lstrip("./")


def reviews(
    cfg: Config, locales: Sequence[str] | None = None, page: str | None = None, carried: bool = False
) -> list[Review]:
    """Fuzzy entries (and, with ``carried``, carried ones) of the PO files of some locales and pages."""
    known = cfg.target_locales()
    for locale in locales or ():
        if locale not in known:
            raise InputError(
                f"no locale '{locale}' in this project",
                display_path(cfg.root, cfg.root / cfg.locales_dir),
                hint=f"use one of: {', '.join(known) or '(none yet: run pipeline sync)'}",
            )
    locales = [loc for loc in known if not locales or loc in locales]
    names: set[str] = set()
    for locale in locales:
        names |= names_under(cfg.locale_dir(locale), ".po")
    wanted = sorted(names)
    if page is not None:
        name = page_name(cfg, page)
        if name not in names and name not in names_under(cfg.templates_dir, ".pot"):
            raise InputError(
                f"no page named '{name}'",
                hint="name a page as 'pipeline status' lists it, e.g. 'campaigns/school-streets'",
            )
        wanted = [name]
    out: list[Review] = []
    for locale in locales:
        for name in wanted:
            path = po_path(cfg, locale, name)
            catalog = read_catalog(cfg, path)
            if catalog is None:
                continue
            rel = display_path(cfg.root, path)
            for m in catalog.messages:
                if m.obsolete or m.msgid_plural is not None:
                    continue
                notes = tuple(c.removeprefix(CARRY_PREFIX) for c in m.comments if c.startswith(CARRY_PREFIX))
                if not (m.fuzzy and m.msgstr) and not (carried and notes and m.translated):
                    continue
                where = m.auto_comments[0] if m.auto_comments else ""
                previous = m.previous_msgid if m.fuzzy else None
                out.append(Review(locale, name, rel, m.lineno, where, m.msgid, previous, m.msgstr, notes))
    return out
