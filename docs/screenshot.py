"""Make ``docs/dashboard.png``: the dashboard of the sample site, as headless Chromium shows it.

.venv/bin/python docs/screenshot.py      (or: make screenshot)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from pipeline.cli.main import main

REPO = Path(__file__).resolve().parent.parent
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def run() -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not found (apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        html = Path(tmp) / "report.html"
        code = main(["--root", str(REPO), "-q", "report", "--html", str(html)])
        if code:
            return code
        with sync_playwright() as p:
            context = p.chromium.launch_persistent_context(
                str(Path(tmp) / "profile"),
                executable_path=chromium,
                args=ARGS,
                headless=True,
                viewport={"width": 1100, "height": 800},
            )
            page = context.new_page()
            page.goto(html.as_uri())
            page.screenshot(path=str(REPO / "docs" / "dashboard.png"), full_page=True)
            context.close()
    print("wrote docs/dashboard.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
