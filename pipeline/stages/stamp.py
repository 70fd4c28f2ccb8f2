"""``[build] stamp = true``: front-matter keys on built pages saying how fresh the translation is.

A website reads them to show "this translation is outdated". Off by default, so an identity
build stays byte for byte the English page. Pure: text in, text out.
"""

from __future__ import annotations

from dataclasses import replace

import yaml

from pipeline.model import Catalog
from pipeline.segment.walker import Document, Options, segment_page
from pipeline.stages.build_options import BuildOptions as BuildOptions  # where [build] is read
from pipeline.stages.extract import COMMIT_FIELD
from pipeline.status.stats import count

KEYS = ("translation_commit", "translation_share", "translation_outdated")
"""Front-matter keys a stamp adds (a key the English page already has is left alone)."""


def fields(catalog: Catalog | None) -> dict[str, str]:
    """The stamp of one page and locale, as YAML scalars: source commit, share of words, outdated."""
    counts = count(catalog) if catalog is not None else None
    share = counts.share if counts is not None else 0.0
    outdated = counts is None or counts.fuzzy + counts.untranslated > 0
    out: dict[str, str] = {}
    commit = catalog.header_value(COMMIT_FIELD) if catalog is not None else None
    if commit:
        out["translation_commit"] = f'"{commit}"'
    out["translation_share"] = f"{share:.2f}"
    out["translation_outdated"] = "true" if outdated else "false"
    return out


def stamp_page(doc: Document, text: str, values: dict[str, str], options: Options) -> str:
    """``text`` (a page built from ``doc``) with ``values`` added at the end of its front matter.

    The built page is read with the one segmenter to find its front matter; a page without
    one gets a new block at the top. Keys the page already has are left alone.
    """
    nl = doc.newline
    built = segment_page(replace(doc.page, text=text), options)
    span = built.front_matter
    present: set[str] = set()
    if span is not None:
        loaded = yaml.safe_load(text[span.start : span.end])
        if isinstance(loaded, dict):
            present = {str(k) for k in loaded}
    lines = "".join(f"{key}: {value}{nl}" for key, value in values.items() if key not in present)
    if not lines:
        return text
    if span is None:
        return f"---{nl}{lines}---{nl}" + text
    return text[: span.end] + lines + text[span.end :]
