"""The interactive API docs in a real headless Chromium, under the site's Content-Security-Policy.

Redoc renders the committed schema from local static files; a policy that blocked its styles or
its search worker would leave the reader with "Something went wrong". Drives Debian's Chromium
through Playwright, as test_pages_in_chromium does; never skipped.
"""

import re

import pytest
import yaml
from playwright.sync_api import expect

from tests.browser.conftest import RECORD_CSP_VIOLATIONS, ROOT

pytestmark = pytest.mark.django_db

SUMMARIES = [
    operation["summary"]
    for operations in yaml.safe_load((ROOT / "openapi.yaml").read_text())["paths"].values()
    for operation in operations.values()
]
# Redoc always shows its maker's logo from its CDN; the policy stops the browser fetching it (the
# site works air-gapped) and reports that, which is the one report expected.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture
def docs(browser, live_site):
    """The docs page once Redoc has rendered, with what the console and the policy reported."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_site)
    context.set_default_timeout(15_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    answered = []
    context.on("response", lambda response: answered.append(response.url))
    tab = context.new_page()
    console = []
    tab.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    errors = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    response = tab.goto("/api/v1/docs/")
    assert response.status == 200
    tab.answered, tab.console_messages, tab.page_errors = answered, console, errors
    yield tab
    context.close()


def test_the_docs_render_every_operation(docs):
    expect(docs.locator("h1").first).to_contain_text("Openness Scorecard API")
    expect(docs.get_by_text("Something went wrong")).to_have_count(0)
    assert len(SUMMARIES) == 11
    for summary in SUMMARIES:
        heading = docs.get_by_role("heading", name=re.compile(rf"\b{re.escape(summary)}$"))
        expect(heading).to_have_count(1)
    expect(
        docs.get_by_text("Published models with their headline scores, filtered and ranked.")
    ).to_be_visible()


def test_the_docs_break_no_content_security_policy_rule(docs, live_site):
    expect(docs.get_by_text("Published models with their headline scores")).to_be_visible()
    # Search runs in Redoc's web worker: typing a word lists matching operations.
    docs.get_by_placeholder("Search...").fill("history")
    expect(docs.locator("[role=search] li").first).to_be_visible()
    violations = docs.evaluate("window.cspViolations")
    assert [v.split(" at ")[0] for v in violations] == [f"img-src blocked {REDOC_LOGO}"]
    csp_messages = [
        m for m in docs.console_messages if "Content Security Policy" in m and REDOC_LOGO not in m
    ]
    assert csp_messages == []
    assert docs.page_errors == []
    # The search worker is made from a blob: URL of this page; nothing is fetched from outside.
    assert [url for url in docs.answered if not url.startswith((live_site, "blob:"))] == []


def test_the_policy_is_relaxed_for_the_docs_only(client):
    docs = client.get("/api/v1/docs/")["Content-Security-Policy"]
    guide = client.get("/api/")["Content-Security-Policy"]
    assert "worker-src 'self' blob:" in docs
    assert re.search(r"style-src 'self' 'nonce-[^']+' 'sha256-", docs)
    assert "unsafe-inline" not in docs and "unsafe-eval" not in docs
    assert "blob:" not in guide and "sha256-" not in guide
