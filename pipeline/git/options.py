"""The ``[upstream]`` settings: where the English pages' own git repository is (no git here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.errors import ConfigError
from pipeline.tables import ConfigText, key_line

_KEYS = frozenset({"url", "ref", "path"})
_HELPER = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)::")
"""git's ``<transport>::<address>`` syntax for remote helpers (``fd::17`` waits on a descriptor, ``ext::`` runs a
command): not a repository address, refused."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The ``[upstream]`` section, validated."""

    url: str
    """As written in the configuration (for the lock and messages)."""
    location: str
    """What git fetches from: an absolute path for a local repository or bundle, else the URL."""
    ref: str = "HEAD"
    """Branch, tag or commit; ``HEAD`` is the upstream's default branch."""
    path: str = ""
    """Folder of the English pages inside the repository (posix, no leading/trailing ``/``; ``""`` = root)."""

    def repo_path(self, relative: str) -> str:
        """Repository path of a file given relative to ``path``."""
        return f"{self.path}/{relative}" if self.path else relative

    def relative(self, repo_path: str) -> str | None:
        """Path relative to ``path`` of a repository path, or None when outside it."""
        if not self.path:
            return repo_path
        prefix = self.path + "/"
        return repo_path[len(prefix) :] if repo_path.startswith(prefix) else None

    @classmethod
    def from_table(cls, table: dict[str, Any], src: ConfigText, root: Path) -> Settings:
        """Validate ``[upstream]``; a ``ConfigError`` at the offending line when something is off."""

        def error(key: str, message: str, hint: str) -> ConfigError:
            return ConfigError(message, src.path, upstream_line(src.text, key), hint)

        for key in sorted(table):
            if key not in _KEYS:
                raise error(key, f"unknown setting [upstream] {key!r}", "use url, ref and path")
        url = table.get("url")
        if not isinstance(url, str) or not url.strip():
            hint = "set url to the English site's git URL or a local path"
            raise error("url", "[upstream] url must be a non-empty string", hint)
        helper = _HELPER.match(url.strip())
        if helper:
            raise error(
                "url",
                f"[upstream] url uses git's '{helper.group(1).lower()}::' remote-helper transport, "
                "not a repository address",
                "use an https://, ssh://, git:// or file:// URL, host:path, or a local path",
            )
        ref = table.get("ref", "HEAD")
        if not isinstance(ref, str) or not ref.strip() or any(c.isspace() for c in ref) or ref.startswith("-"):
            hint = "use a name such as main, v1.2 or a commit id"
            raise error("ref", f"[upstream] ref = {ref!r} is not a branch, tag or commit", hint)
        raw_path = table.get("path", "")
        if not isinstance(raw_path, str):
            raise error("path", "[upstream] path must be a string", "use a folder such as src/posts")
        text = raw_path.strip().replace("\\", "/")
        pure = PurePosixPath(text)
        if text.startswith("/") or ".." in pure.parts or re.match(r"^[A-Za-z]:", text):
            raise error(
                "path",
                f"[upstream] path = {raw_path!r} points outside the upstream repository",
                "use a folder inside the repository, such as src/posts (no '..', no leading '/')",
            )
        folder = "/".join(p for p in pure.parts if p not in (".", ""))
        return cls(url=url, location=_location(root, url), ref=ref, path=folder)


UpstreamOptions = Settings
"""The name the workspace settings use for it."""


def upstream_line(text: str, key: str) -> int | None:
    """Line of ``[upstream] key`` in the configuration text."""
    return key_line(text, "upstream", key) or key_line(text, "tool.pipeline.git.upstream", key)


def _location(root: Path, url: str) -> str:
    """A local path (relative to the project) becomes absolute; URLs and ``host:path`` stay as they are."""
    if "://" in url:
        return url
    scp_like = re.match(r"^[^/\\]+:", url) and not re.match(r"^[A-Za-z]:[/\\]", url)
    if scp_like and not (root / url).exists():
        return url
    path = Path(url).expanduser()
    if not path.is_absolute():
        path = root / path
    return str(path.resolve())
