"""Segment-level gettext translation pipeline for markdown websites."""

import os

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
