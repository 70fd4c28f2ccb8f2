"""Kinds of English source: a markdown page or an inlang message file, behind one ``SourceKind`` protocol.

The workspace handles every catalog alike (read, plan, write, status); where the two kinds
differ (how a catalog is updated, whether the upstream history of the English applies, how
status names it), it asks the catalog's kind instead of branching on "is this a message file".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from pipeline.lazy import lazy
from pipeline.model import Catalog

if TYPE_CHECKING:
    from pipeline.stages import merge, messages
    from pipeline.stages.update_options import UpdateOptions
    from pipeline.workspace.settings import Settings
else:
    merge = lazy("pipeline.stages.merge")
    messages = lazy("pipeline.stages.messages")


class SourceKind(Protocol):
    """What differs between kinds of English source."""

    @property
    def label(self) -> str:
        """How status names the kind: ``page`` or ``messages``."""
        ...

    @property
    def upstream_history(self) -> bool:
        """Whether the upstream repository's history of the English applies (markdown pages only)."""
        ...

    def update(self, template: Catalog, old: Catalog | None, locale: str, options: UpdateOptions) -> Catalog:
        """The catalog of ``locale`` updated to ``template``."""
        ...


@dataclass(frozen=True, slots=True)
class MarkdownPage:
    """An English markdown page under the source folder."""

    label: str = "page"
    upstream_history: bool = True

    def update(self, template: Catalog, old: Catalog | None, locale: str, options: UpdateOptions) -> Catalog:
        return merge.update(template, old, locale, options)


@dataclass(frozen=True, slots=True)
class InlangFile:
    """An inlang message file of a ``[[messages]]`` table: keys are identities, so update never
    matches across keys and a key whose English changed keeps its old translation as fuzzy."""

    label: str = "messages"
    upstream_history: bool = False

    def update(self, template: Catalog, old: Catalog | None, locale: str, options: UpdateOptions) -> Catalog:
        return messages.update_catalog(template, old, locale)


PAGE: SourceKind = MarkdownPage()
MESSAGES: SourceKind = InlangFile()


def kind_of(settings: Settings, name: str) -> SourceKind:
    """The kind of the catalog named ``name`` (a page name or a ``[[messages]]`` name)."""
    return MESSAGES if any(spec.name == name for spec in settings.messages) else PAGE
