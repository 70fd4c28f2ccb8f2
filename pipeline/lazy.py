"""Modules imported on first use, so that a command's start-up pays only for what it runs.

A no-op ``sync`` reads the incremental cache and stops: it never segments, merges, builds or
parses a PO file, yet importing the modules that do (markdown-it, the PO codec, the builder)
used to cost more than its work. ``lazy("pipeline.formats.po")`` returns the module object at
once and executes it on the first attribute access (the standard library's
``importlib.util.LazyLoader`` recipe). Declare the name for type checkers the usual way::

    if TYPE_CHECKING:
        from pipeline.formats import po
    else:
        po = lazy("pipeline.formats.po")
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The module ``name``, executed when one of its attributes is first read."""
    found = sys.modules.get(name)
    if found is not None:
        return found
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"no module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)  # as an import would: ``pipeline.formats.po`` works
    return module


def load(*modules: ModuleType) -> None:
    """Execute lazy modules now (any attribute read does): a process about to fork workers loads
    them once, and the workers inherit them instead of importing each."""
    for module in modules:
        getattr(module, "__name__", None)
