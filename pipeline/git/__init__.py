"""Upstream cache, pull, pipeline.lock, history: the only place git is called."""
