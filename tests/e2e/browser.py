"""How the browser tests launch Debian's Chromium (Playwright cannot download its own browsers here).

browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
"""

from __future__ import annotations

CHROMIUM = "/usr/bin/chromium"
# Headless as root in a container: no sandbox, no GPU, and nothing that calls out to Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
