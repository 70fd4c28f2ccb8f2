"""Upstream cache, pull, pipeline.git.lock, history: the only place git is called."""
