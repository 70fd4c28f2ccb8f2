"""Segment-level gettext translation pipeline for markdown websites."""

__version__ = "0.1.0"

DISTRIBUTION = "markdown-po-pipeline"
"""The name in the package index (``pipeline`` is taken there); the import package and command stay ``pipeline``."""

REPOSITORY = "https://github.com/OWNER/markdown-po-pipeline"
"""Where the tool is published; ``[project.urls] Repository`` in ``pyproject.toml`` says the same."""
