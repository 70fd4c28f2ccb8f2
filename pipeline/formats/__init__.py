"""The codecs: PO files (read, write, line breaking)."""
