"""``python -m pipeline``: the same as the ``pipeline`` command."""

from pipeline.cli.main import entry

entry()
