"""When the English of each page last changed, for the dashboard: upstream history when there is one.

With ``[upstream]``, the English comes from another repository; the date ``source/`` was committed
in this one says when someone pulled, not when the English changed. So the upstream's own history
(the cache, up to the commit in ``pipeline.lock``) decides; without a pull yet, nothing does.
"""

from __future__ import annotations

import git

from pipeline.git import upstream
from pipeline.git.lock import read_lock
from pipeline.workspace.settings import Config


def upstream_changes(cfg: Config, pages: dict[str, str]) -> dict[str, str]:
    """Per page name: date (``YYYY-MM-DD``) of the last upstream commit, up to the locked one, that changed it.

    ``pages`` maps each page's path relative to the source folder (``news/spring.md``) to its name.
    Empty when ``[upstream]`` is not set or not pulled yet (no lock or no cache).
    """
    if not upstream.configured(cfg):
        return {}
    lock = read_lock(cfg)
    repo = upstream.open_cache(cfg)
    if lock is None or repo is None:
        return {}
    up = upstream.settings(cfg)
    names = {up.repo_path(rel): name for rel, name in pages.items()}
    try:
        with repo:
            log = str(
                repo.git.log("--format=%x00%cs", "--name-only", "--no-renames", lock.commit, "--", up.path or ".")
            )
    except git.GitCommandError:
        return {}
    from pipeline.git.history import newest_dates

    return newest_dates(log, names)
