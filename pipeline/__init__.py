"""Segment-level gettext translation pipeline for markdown websites."""

__version__ = "0.1.0"
