"""What every browser test shares: Debian's Chromium driven by Playwright (never a downloaded
browser), and a script that records what the Content-Security-Policy blocks."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "var" / "screenshots"

# Runs in every document before its own scripts: the browser fires this event for each thing the
# policy blocks, inline scripts and style attributes included, whether or not the console says so.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.cspViolations.push(
        `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
        `at ${event.sourceFile}:${event.lineNumber}`
    );
});
"""


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), (
        f"The browser tests need Debian's Chromium at {CHROMIUM}: apt-get install chromium"
    )
    # Playwright's synchronous API keeps an event loop on this thread; the tests' own database
    # checks are plain synchronous code, so Django's guard against async contexts is lifted.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield chromium
            chromium.close()
