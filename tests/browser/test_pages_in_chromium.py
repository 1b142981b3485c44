"""The public pages in a real headless Chromium: the reader's journeys, accessibility, screenshots.

Drives Debian's Chromium through Playwright (never a downloaded browser) against the project served
on loopback with the real catalogue. axe-core comes from the pinned axe-playwright-python package
and is injected by the test. Screenshots of every page type at 1280 and 375 pixels wide go to
var/screenshots/. Without Chromium these tests fail; they are never skipped.
"""

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import axe_playwright_python
import pytest
from playwright.sync_api import expect

from catalog.models import AIModel, CorrectionRequest, ScoreSnapshot
from tests.browser.conftest import RECORD_CSP_VIOLATIONS, SHOTS

pytestmark = pytest.mark.django_db

AXE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
WIDTHS = (1280, 375)

PAGE_TYPES = {
    "home": "/",
    "home-filtered": "/?g7=weights-available-ai&ordering=-index",
    "model": "/models/llama-3.1-8b/",
    "snapshot": None,  # the permalink of a dated score, looked up in the database
    "compare": "/compare/?models=olmo-7b,llama-3.1-8b,gpt-4o",
    "chart": "/chart/",
    "methodology": "/methodology/",
    "framework": "/methodology/mof/",
    "framework-g7": "/methodology/g7/",
    "framework-eu-ai-act": "/methodology/eu_ai_act/",
    "about-data": "/about/data/",
    "licences": "/licences/",
    "licence": "/licences/LicenseRef-llama-3.1/",
    "organisations": "/organisations/",
    "organisation": "/organisations/meta/",
    "changes": "/changes/",
    "corrections": "/corrections/",
    "model-fine-tune": "/models/nous-hermes-llama2-13b/",
    "downloads": "/downloads/",
    "correction": "/models/olmo-7b/correction/",
    "api-guide": "/api/",
}


@pytest.fixture
def page(browser, live_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_site)
    requested = []
    context.on("request", lambda request: requested.append(request.url))
    context.set_default_timeout(10_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    tab = context.new_page()
    tab.requested = requested
    yield tab
    context.close()


def serious_violations(page):
    """axe-core's serious and critical findings on the page as it is now."""
    page.evaluate(AXE)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:5]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def directory_slugs(page):
    return page.locator("td.pick input[name=models]").evaluate_all("els => els.map(e => e.value)")


def query(page):
    return parse_qs(urlsplit(page.url).query, keep_blank_values=True)


# --- Every page type: accessible, photographed, self-contained -----------------------------------


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_each_page_type_is_accessible_and_photographed_at_two_widths(page, live_site, name):
    path = PAGE_TYPES[name]
    if path is None:
        snapshot = ScoreSnapshot.objects.filter(
            model__slug="llama-3.1-8b", framework="mof", is_current=True
        ).get()
        path = f"/models/llama-3.1-8b/scores/{snapshot.key}/"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto(path)
        assert response.status == 200, path
        assert page.locator("h1").count() == 1
        # Every page works under the Content-Security-Policy: nothing it holds is blocked.
        assert page.evaluate("window.cspViolations") == [], (name, width)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        assert serious_violations(page) == [], (name, width)
        # Nothing wider than the screen but the tables that scroll in their own region.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, (name, width, overflow)
    outside = [url for url in page.requested if not url.startswith(live_site)]
    assert outside == [], "the site must work air-gapped"


def test_the_screenshots_are_all_there(page):
    # Runs after the parametrised test above in file order; checks nothing was skipped.
    missing = [
        f"{name}-{width}.png"
        for name in PAGE_TYPES
        for width in WIDTHS
        if not (SHOTS / f"{name}-{width}.png").exists()
    ]
    assert missing == []


# --- The reader's journeys -----------------------------------------------------------------------


def test_filtering_the_directory_by_the_g7_label(page):
    page.goto("/")
    page.get_by_role("checkbox", name="Weights not released").check()
    page.get_by_role("button", name="Show models").click()
    page.wait_for_url(re.compile(r"g7=weights-not-released"))
    assert query(page) == {"g7": ["weights-not-released"], "ordering": ["-g7"]}
    pills = page.locator("table.directory tbody .pill").all_inner_texts()
    assert pills and all(text.strip().endswith("Weights not released") for text in pills)
    assert page.get_by_role("checkbox", name="Weights not released").is_checked()


def test_filtering_by_organisation_under_more_filters(page):
    page.goto("/")
    page.get_by_text("More filters").click()
    page.get_by_label("Organisation", exact=True).select_option("meta")
    page.get_by_role("button", name="Show models").click()
    page.wait_for_url(re.compile(r"organization=meta"))
    slugs = directory_slugs(page)
    expected = set(
        AIModel.objects.published().filter(organization__slug="meta").values_list("slug", flat=True)
    )
    assert set(slugs) == expected
    page.get_by_role("link", name=re.compile("remove the filter Organisation")).click()
    assert "organization" not in query(page)


def test_sorting_by_clicking_a_column_header(page):
    page.goto("/")
    page.get_by_role("link", name="Index", exact=True).click()
    page.wait_for_url(re.compile(r"ordering=-index"))
    scores = [float(s) for s in page.locator("table.directory tbody td.num").all_inner_texts()]
    assert scores == sorted(scores, reverse=True)
    header = page.locator("th[aria-sort]")
    expect(header).to_have_attribute("aria-sort", "descending")
    page.get_by_role("link", name="Index", exact=True).click()
    page.wait_for_url(re.compile(r"ordering=index"))
    scores = [float(s) for s in page.locator("table.directory tbody td.num").all_inner_texts()]
    assert scores == sorted(scores)


def test_sorting_with_the_sort_menu(page):
    page.goto("/")
    page.get_by_label("Sort by").select_option("-release_date")
    page.get_by_role("button", name="Show models").click()
    page.wait_for_url(re.compile(r"ordering=-release_date"))
    newest = AIModel.objects.published().order_by("-release_date", "slug").first()
    assert directory_slugs(page)[0] == newest.slug


def test_searching_the_directory(page):
    page.goto("/")
    page.get_by_label("Search names, families, organisations").fill("olmo")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=olmo"))
    slugs = directory_slugs(page)
    assert slugs and all(slug.startswith("olmo") for slug in slugs)
    expect(page.get_by_label("Search names, families, organisations")).to_have_value("olmo")


def test_paging_through_the_directory(page):
    page.goto("/?ordering=name")
    first = directory_slugs(page)
    page.get_by_role("link", name="Next page").click()
    page.wait_for_url(re.compile(r"page=2"))
    assert query(page)["ordering"] == ["name"]
    assert not set(first) & set(directory_slugs(page))


def test_comparing_models_ticked_in_the_directory(page):
    page.goto("/")
    page.get_by_role("checkbox", name="Compare OLMo 7B", exact=True).check()
    page.get_by_role("checkbox", name="Compare Llama 3.1 8B", exact=True).check()
    page.get_by_role("button", name="Compare the models ticked").click()
    page.wait_for_url(re.compile(r"/compare/\?models="))
    assert set(query(page)["models"][0].split(",")) == {"olmo-7b", "llama-3.1-8b"}
    expect(page.get_by_role("columnheader", name="OLMo 7B")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Llama 3.1 8B")).to_be_visible()
    assert page.locator("tr.differs").count() > 0


def test_changing_a_comparison_with_the_picker(page):
    page.goto("/compare/?models=olmo-7b,llama-3.1-8b")
    page.get_by_label("Model 3 (optional)").select_option("gpt-4o")
    page.get_by_role("button", name="Compare", exact=True).click()
    page.wait_for_url(re.compile(r"gpt-4o"))
    assert query(page)["models"] == ["olmo-7b,llama-3.1-8b,gpt-4o"]


def test_opening_a_model_from_the_directory(page):
    page.goto("/")
    page.get_by_role("link", name="OLMo 7B", exact=True).click()
    page.wait_for_url(re.compile(r"/models/olmo-7b/$"))
    expect(page.locator("h1")).to_have_text("OLMo 7B")
    badge = page.locator(".badge-preview img")
    expect(badge).to_have_attribute("alt", "G7 openness: Open Source AI with Open Data")
    assert badge.evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.locator("svg.chart").count() == 1


def test_submitting_a_correction(page):
    page.goto("/models/olmo-7b/")
    page.get_by_role("link", name="Suggest a correction to OLMo 7B").click()
    form = page.locator("form.correction-form")
    form.get_by_label("Component").select_option("doc_model_card")
    form.get_by_label("What was released (proposed)").select_option("partial")
    form.get_by_label("Evidence URL").fill("https://example.org/olmo-card")
    form.get_by_label("What is wrong, in a few words").fill("The card moved.")
    form.get_by_role("button", name="Send the correction to the curators").click()
    page.wait_for_url(re.compile(r"/models/olmo-7b/correction/sent/$"))
    expect(page.locator("h1")).to_have_text("Thank you")
    suggestion = CorrectionRequest.objects.get(
        model__slug="olmo-7b", evidence_url="https://example.org/olmo-card"
    )
    assert (suggestion.component, suggestion.proposed_availability) == ("doc_model_card", "partial")
    assert suggestion.status == "open"
    suggestion.delete()


def test_a_refused_correction_keeps_what_was_typed(page):
    page.goto("/models/olmo-7b/")
    page.get_by_role("link", name="Suggest a correction to OLMo 7B").click()
    form = page.locator("form.correction-form")
    form.get_by_label("Component").select_option("weights_final")
    form.get_by_label("Evidence URL").fill("https://example.org/evidence")
    form.get_by_label("What is wrong, in a few words").fill("Something is off.")
    form.get_by_role("button", name="Send the correction to the curators").click()
    page.wait_for_url(re.compile(r"/models/olmo-7b/correction/$"))
    expect(page.get_by_role("alert").first).to_contain_text("Your suggestion was not sent")
    expect(page.get_by_text("Propose what was released, a licence, or both")).to_be_visible()
    expect(page.get_by_label("Evidence URL")).to_have_value("https://example.org/evidence")
    expect(page.get_by_label("What is wrong, in a few words")).to_have_value("Something is off.")
    expect(page.get_by_label("Component")).to_have_value("weights_final")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "correction-refused-1280.png"), full_page=True)
    assert serious_violations(page) == []
    assert not CorrectionRequest.objects.filter(
        evidence_url="https://example.org/evidence"
    ).exists()


def test_the_skip_link_is_the_first_stop_and_visible_on_focus(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_the_directory_works_with_javascript_turned_off(browser, live_site):
    context = browser.new_context(java_script_enabled=False, base_url=live_site)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    try:
        tab.goto("/")
        tab.get_by_role("checkbox", name="Open Weights AI").check()
        tab.get_by_label("Sort by").select_option("-index")
        tab.get_by_role("button", name="Show models").click()
        tab.wait_for_url(re.compile(r"g7=open-weights-ai"))
        assert query(tab)["ordering"] == ["-index"]
        tab.locator("td.pick input").nth(0).check()
        tab.locator("td.pick input").nth(1).check()
        tab.get_by_role("button", name="Compare the models ticked").click()
        tab.wait_for_url(re.compile(r"/compare/\?models=[^&]+,[^&]+$"))
        assert tab.locator("table.compare-table").count() == 1
    finally:
        context.close()
