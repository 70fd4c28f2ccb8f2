"""The URL scheme of the site: page names <-> paths, locale prefixes, base URL."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urljoin, urlsplit

if TYPE_CHECKING:
    from pipeline.check.site import SiteOptions


@dataclass(frozen=True, slots=True)
class Target:
    """Where an internal link leads on the site."""

    path: str
    """Site path without the locale prefix (``/foo/bar``)."""
    locale: str | None
    """Locale of the target (None: the source locale)."""
    page: str | None
    """Page name when one of our pages is served there."""
    fragment: str
    served_elsewhere: bool = False
    """True when the site serves the path itself (allow-listed route, locale home)."""


class Urls:
    """The URL scheme of the site: page names <-> paths, locale prefixes, base URL."""

    def __init__(self, opts: SiteOptions, pages: Iterable[str], locales: Iterable[str]) -> None:
        self.opts = opts
        self.pages = frozenset(pages)
        self.locales = frozenset(locales) | {opts.source_locale} | set(opts.locales)
        self.source_locale = opts.source_locale
        base = urlsplit(opts.base_url) if opts.base_url else None
        self.host = _host(base.netloc) if base else ""
        self.base_path = base.path.rstrip("/") if base else ""
        route = re.escape(opts.route.rstrip("/") or "/").replace(re.escape("{path}"), "(?P<path>.*)")
        self._route = re.compile(f"^{route}$")
        prefix = opts.locale_prefix
        self._prefix = (
            re.compile("^" + re.escape(prefix).replace(re.escape("{locale}"), "(?P<locale>[^/]+)") + "(?P<rest>/.*)?$")
            if prefix
            else None
        )
        self._by_path = {self._path_of(name): name for name in sorted(self.pages)}

    def _path_of(self, name: str) -> str:
        stem = name[: -len("index")] if name == "index" or name.endswith("/index") else name
        path = self.opts.route.replace("{path}", stem.rstrip("/"))
        path = re.sub(r"/+", "/", path)
        return path.rstrip("/") or "/"

    def url(self, name: str, locale: str | None) -> str:
        """Path at which a page is served in a locale (None: source locale, unprefixed)."""
        path = self._path_of(name)
        if locale is None or not self.opts.locale_prefix:
            return self.base_path + path
        prefix = self.opts.locale_prefix.replace("{locale}", locale)
        return self.base_path + (prefix if path == "/" else prefix + path)

    def resolve(self, href: str, page: str, locale: str | None) -> Target | None:
        """The target of ``href`` written on ``page`` served in ``locale``; None for external or unchecked."""
        href = href.strip()
        if not href or "{" in href:
            return None
        parts = urlsplit(href)
        if parts.scheme and parts.scheme not in ("http", "https"):
            return None
        if parts.netloc and (not self.host or _host(parts.netloc) != self.host):
            return None
        here = self.url(page, locale)
        if not parts.scheme and not parts.netloc and not parts.path:
            path = here  # "#x" or "?q#x": the same page
        elif parts.scheme or parts.netloc or parts.path.startswith("/"):
            path = parts.path or "/"
        else:
            path = urlsplit(urljoin("http://site" + here, parts.path)).path
        path = unquote(path)
        fragment = unquote(parts.fragment)
        if self.base_path:
            if path == self.base_path or path.startswith(self.base_path + "/"):
                path = path[len(self.base_path) :] or "/"
            elif parts.scheme or parts.netloc:
                return None
        target_locale = locale
        if self._prefix is not None:
            m = self._prefix.match(path)
            if m and m.group("locale") in self.locales:
                code = m.group("locale")
                target_locale = None if code == self.source_locale else code
                path = m.group("rest") or "/"
                if path.rstrip("/") == "":
                    return Target("/", target_locale, None, fragment, served_elsewhere=True)
        path = re.sub(r"/+", "/", path)
        path = path.rstrip("/") or "/"
        name = self._by_path.get(path)
        if name is not None:
            return Target(path, target_locale, name, fragment)
        if path == "/" or any(fnmatch.fnmatchcase(path, pattern.rstrip("/") or "/") for pattern in self.opts.routes):
            return Target(path, target_locale, None, fragment, served_elsewhere=True)
        last = path.rsplit("/", 1)[-1]
        if "." in last and not last.endswith((".md", ".html", ".htm")):
            return None  # a static asset
        return Target(path, target_locale, None, fragment)

    def normalize(self, href: str) -> str:
        """A link target for comparing a msgstr with its msgid: ``/nl/x`` and ``https://base/x`` read as ``/x``."""
        href = href.strip()
        parts = urlsplit(href)
        path = parts.path
        if parts.netloc and self.host and _host(parts.netloc) == self.host and parts.scheme in ("http", "https", ""):
            path = path or "/"
            if self.base_path and path.startswith(self.base_path):
                path = path[len(self.base_path) :] or "/"
        elif parts.scheme or parts.netloc:
            return href
        if path.startswith("/") and self._prefix is not None:
            m = self._prefix.match(path)
            if m and m.group("locale") in self.locales:
                path = m.group("rest") or "/"
        if path != "/":
            path = path.rstrip("/") if path.startswith("/") else path
        out = path
        if parts.query:
            out += "?" + parts.query
        if parts.fragment or href.endswith("#"):
            out += "#" + unquote(parts.fragment)  # `#caf%C3%A9` and `#café` name one id
        return out


def _host(netloc: str) -> str:
    host = netloc.lower().rsplit("@", 1)[-1].split(":", 1)[0]
    return host[4:] if host.startswith("www.") else host
