"""How the website serves pages: ``[site]`` settings (parsed once with ``pipeline.toml``, in ``options``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.check.options import SiteOptions

if TYPE_CHECKING:
    from pipeline.workspace.settings import Config

__all__ = ["SiteOptions", "site_options"]


def site_options(cfg: Config) -> SiteOptions:
    """``[site]`` as validated when the settings were loaded."""
    return cfg.site
