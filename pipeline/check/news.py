"""New problems in changed translations, for ``sync``: a translator sees them without running ``check``.

"Changed" means a translated msgstr that differs from the PO file as last committed in git
(every translated entry of a PO file git does not know yet); outside a git work tree there is
no "new", and nothing is said. Those entries get exactly the checks ``pipeline check`` runs (PO mode), and each
problem is located at the entry's msgstr line, as ``check`` and the dashboard locate it.
Cheap when nothing changed: one ``git status`` over the locales folder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.errors import InputError
from pipeline.formats import po
from pipeline.git.committed import changed_files
from pipeline.model import Finding
from pipeline.workspace import project
from pipeline.workspace.files import display_path

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

SHOWN = 3
"""How many ``path:line`` places a summary line names."""


@dataclass(frozen=True, slots=True)
class LocaleNews:
    """New problems of one locale."""

    locale: str
    changed: int
    """Translated entries that differ from the last commit."""
    findings: tuple[Finding, ...]

    def line(self) -> str:
        """One line: counts by code and the first few places."""
        if not self.findings:
            return f"{self.locale}: {self.changed} changed entries, no new problems"
        by_code = Counter(f.code for f in self.findings)
        codes = ", ".join(f"{code} {n}" for code, n in sorted(by_code.items()))
        places = ", ".join(f"{f.path}:{f.line}" for f in self.findings[:SHOWN])
        more = " …" if len(self.findings) > SHOWN else ""
        n = len(self.findings)
        return (
            f"{self.locale}: {n} new problem{'s' if n != 1 else ''} in {self.changed} changed entries "
            f"({codes}): {places}{more}; 'pipeline check' tells more"
        )


def _changed_files(cfg: Config) -> list[Path] | None:
    """PO files under the locales folder that differ from HEAD or are untracked; None outside git."""
    changed = changed_files(cfg.root, cfg.locales_dir)
    if changed is None:
        return None
    return sorted(f for f in (cfg.root / rel for rel in changed if rel.endswith(".po")) if f.is_file())


def _committed(cfg: Config, path: Path) -> dict[tuple[str | None, str], str]:
    """msgstr of each entry of ``path`` as committed at HEAD (empty when not committed)."""
    rel = display_path(cfg.root, path)
    from pipeline.git import history  # GitPython: only when a PO file changed

    text = history.committed_text(cfg.root, rel)
    if text is None:
        return {}
    try:
        catalog = po.parse_po(text, rel)
    except InputError:
        return {}
    return {m.key: m.msgstr for m in catalog.messages if not m.obsolete}


def new_problems(cfg: Config) -> list[LocaleNews]:
    """Per locale with changed entries: the problems ``check`` finds in them."""
    locales = cfg.target_locales()
    files = _changed_files(cfg)
    if files is None:  # not in git: nothing to tell new from old
        return []
    wanted: list[tuple[str, str, Path]] = []
    for path in files:
        for locale in locales:
            folder = cfg.locale_dir(locale)
            if path.is_relative_to(folder):
                wanted.append((locale, path.relative_to(folder).with_suffix("").as_posix(), path))
    if not wanted:
        return []
    # the checker only when there is something to check: a sync that changed no PO file does not import it
    from pipeline.check.codes import Collector, code_levels
    from pipeline.check.po_mode import LocaleCatalog
    from pipeline.check.site import site_options
    from pipeline.check.sitemodel import build_site
    from pipeline.check.whole import check_po_site

    docs = project.load_documents(cfg)
    names = {d.page.name for d in docs}
    catalogs: list[LocaleCatalog] = []
    lines: dict[str, set[int]] = {}
    changed: Counter[str] = Counter()
    for locale, name, path in wanted:
        if name not in names:
            continue
        shown = display_path(cfg.root, path)
        catalog = po.read_po(path, shown)
        before = _committed(cfg, path)
        for m in catalog.messages:
            if m.obsolete or m.fuzzy or not m.msgstr or before.get(m.key) == m.msgstr:
                continue
            lines.setdefault(shown, set()).add(m.msgstr_lineno or m.lineno)
            changed[locale] += 1
        if shown in lines:
            catalogs.append(LocaleCatalog(locale, name, shown, catalog))
    if not catalogs:
        return []
    site = build_site(site_options(cfg), docs, locales)
    site.check = cfg.check.links
    out = Collector(code_levels(cfg))
    check_po_site(site, catalogs, project.options(cfg), out)
    found = [f for f in out.sorted() if f.line in lines.get(f.path, ())]
    return [
        LocaleNews(locale, changed[locale], tuple(f for f in found if f.path.startswith(_prefix(cfg, locale))))
        for locale in sorted(changed)
    ]


def _prefix(cfg: Config, locale: str) -> str:
    return display_path(cfg.root, cfg.locale_dir(locale)).rstrip("/") + "/"
