"""pipeline import: existing translated pages into PO files, with alignment."""
