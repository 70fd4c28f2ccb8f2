"""Segment-level gettext translation pipeline for markdown websites.

The small public API, in the order a page goes through it::

    from pipeline import load, segment_page, make_template, update, build_page, read_po, write_po

    settings = load(Path("."))                          # pipeline.toml, parsed and validated once
    doc = segment_page(page, settings.segment)          # the one segmenter
    template = make_template(doc)                       # extract
    catalog = update(template, read_po(po_file), "nl", settings.update)
    built = build_page(doc, translations(catalog), settings.segment)

``Workspace`` is one command's read-once view of the project's files and ``sync`` runs the
whole chain on a project; ``main(argv)`` is the command line. Everything else is internal.
Names are imported on first use, so ``import pipeline`` stays cheap.
"""

from __future__ import annotations

import os
from importlib import import_module
from typing import TYPE_CHECKING, Any

# GitPython looks for git when it is imported and, by default, fails the import with a page of
# advice when git is missing. Quiet makes the import succeed; a command that really calls git
# then fails with GitCommandNotFound, which the CLI turns into one line. Only what needs git
# (pull, history, the dashboard's dates) stops working without it.
os.environ.setdefault("GIT_PYTHON_REFRESH", "quiet")

__version__ = "0.1.0"

DISTRIBUTION = "markdown-po-pipeline"
"""The name in the package index (``pipeline`` is taken there); the import package and command stay ``pipeline``."""

REPOSITORY = "https://github.com/OWNER/markdown-po-pipeline"
"""Where the tool is published; ``[project.urls] Repository`` in ``pyproject.toml`` says the same."""

_EXPORTS = {
    "Catalog": "pipeline.model",
    "Message": "pipeline.model",
    "Page": "pipeline.model",
    "Finding": "pipeline.model",
    "PipelineError": "pipeline.errors",
    "Document": "pipeline.segment.walker",
    "segment_page": "pipeline.segment.walker",
    "make_template": "pipeline.stages.extract",
    "update": "pipeline.stages.merge",
    "build_page": "pipeline.stages.build",
    "translations": "pipeline.stages.build",
    "read_po": "pipeline.formats.po",
    "write_po": "pipeline.formats.po",
    "format_po": "pipeline.formats.po",
    "parse_po": "pipeline.formats.po",
    "Settings": "pipeline.workspace.settings",
    "load": "pipeline.workspace.settings",
    "Workspace": "pipeline.workspace.workspace",
    "sync": "pipeline.workspace.project",
    "main": "pipeline.cli.main",
}

__all__ = [
    "Catalog",
    "Document",
    "Finding",
    "Message",
    "Page",
    "PipelineError",
    "Settings",
    "Workspace",
    "__version__",
    "build_page",
    "format_po",
    "load",
    "main",
    "make_template",
    "parse_po",
    "read_po",
    "segment_page",
    "sync",
    "translations",
    "update",
    "write_po",
]

if TYPE_CHECKING:
    from pipeline.cli.main import main
    from pipeline.errors import PipelineError
    from pipeline.formats.po import format_po, parse_po, read_po, write_po
    from pipeline.model import Catalog, Finding, Message, Page
    from pipeline.segment.walker import Document, segment_page
    from pipeline.stages.build import build_page, translations
    from pipeline.stages.extract import make_template
    from pipeline.stages.merge import update
    from pipeline.workspace.project import sync
    from pipeline.workspace.settings import Settings, load
    from pipeline.workspace.workspace import Workspace


def __getattr__(name: str) -> Any:
    """Import a public name on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pipeline' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
