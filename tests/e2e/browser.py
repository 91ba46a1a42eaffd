"""Real-browser tests: Playwright drives Debian's Chromium (/usr/bin/chromium, installed by
.ci/install-browser; `playwright install` is never used) against pytest-django's live server. Modules
mark themselves with `BROWSER_MARKS`, so they are skipped with the reason when Chromium is missing; the
`browser` fixture is in tests/e2e/conftest.py."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
RESULTS = Path(__file__).resolve().parents[2] / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason=f"Chromium not found at {CHROMIUM} (run .ci/install-browser)"
    ),
]
