"""Staleness, stats, status views and the HTML dashboard."""
