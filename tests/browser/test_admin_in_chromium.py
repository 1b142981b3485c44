"""The curators' admin in a real headless Chromium, under the site's Content-Security-Policy.

A curator signs in through the login form, opens a model's change page with its twenty inline
assessments and the two queues; the browser must report no CSP violation and no script error, and
the admin's scripts (licence autocomplete, action checkboxes) must have run. Same browser set-up
as test_pages_in_chromium.py; without Chromium these tests fail, they are never skipped.
"""

import pytest
from playwright.sync_api import expect

from catalog import components
from catalog.models import AIModel, CorrectionRequest, Discrepancy
from tests.browser.conftest import RECORD_CSP_VIOLATIONS, SHOTS

pytestmark = pytest.mark.django_db

CURATOR, PASSWORD = "carol-browser", "a-long-curator-password"


@pytest.fixture(scope="module")
def model_with_queues(real_catalogue_for_module, django_db_blocker):
    """A curator and one open item in each queue, committed so the served site sees them."""
    from django.contrib.auth.models import Group, User

    with django_db_blocker.unblock():
        user = User.objects.create_user(CURATOR, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name="Curators"))
        model = AIModel.objects.get(slug="olmo-7b")
        discrepancy = Discrepancy.objects.create(
            model=model, component="weights_final", field="availability",
            curated_value="full", hub_value="partial", message="The Hub says the repo is gated",
        )  # fmt: skip
        correction = CorrectionRequest.objects.create(
            model=model, component="code_training", proposed_availability="partial",
            evidence_url="https://example.org/olmo-training", explanation="Only part of it.",
        )  # fmt: skip
        yield model
        discrepancy.delete()
        correction.delete()
        user.delete()


@pytest.fixture
def curator_page(browser, live_site, model_with_queues):
    """A tab signed in as the curator, recording console errors, page errors and CSP reports."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_site)
    context.set_default_timeout(10_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda message: message.type == "error" and tab.errors.append(message.text))
    tab.on("pageerror", lambda error: tab.errors.append(str(error)))

    tab.goto("/admin/login/?next=/admin/")
    assert_clean(tab)
    tab.fill("#id_username", CURATOR)
    tab.fill("#id_password", PASSWORD)
    tab.click("input[type=submit]")
    tab.wait_for_url("**/admin/")
    yield tab
    context.close()


def assert_clean(tab):
    """Nothing blocked by the policy and no script error, on the page as it is now."""
    violations = tab.evaluate("window.cspViolations")
    assert violations == [], violations
    assert tab.errors == [], tab.errors


def open_admin_page(tab, path, shot):
    response = tab.goto(path)
    assert response.status == 200, path
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    tab.wait_for_load_state("load")
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"admin-{shot}.png"), full_page=True)


def test_the_model_change_page_renders_its_inline_assessments_under_csp(
    curator_page, model_with_queues
):
    tab = curator_page
    open_admin_page(tab, f"/admin/catalog/aimodel/{model_with_queues.pk}/change/", "model")
    rows = tab.locator("#assessments-group tr.form-row:not(.empty-form)")
    assert rows.count() == len(components.COMPONENT_IDS)
    assert rows.locator("select[name$='-availability']").count() == len(components.COMPONENT_IDS)
    assert tab.locator("textarea[name=change_reason]").is_visible()
    # The licence pickers are select2 widgets only when the admin's scripts ran.
    pickers = tab.locator("#assessments-group .select2-container")
    assert pickers.count() == len(components.COMPONENT_IDS)
    # A picker asks the admin's autocomplete view for licences and shows what it found.
    pickers.first.click()
    tab.locator(".select2-search__field").fill("Apache")
    expect(tab.locator(".select2-results__option", has_text="Apache-2.0").first).to_be_visible()
    tab.keyboard.press("Escape")
    # The release date's calendar is drawn by the admin's scripts as well.
    tab.locator("#calendarlink0").click()
    expect(tab.locator("#calendarbox0")).to_be_visible()
    assert_clean(tab)


@pytest.mark.parametrize("queue", ["discrepancy", "correctionrequest"])
def test_the_queues_work_under_csp(curator_page, queue):
    tab = curator_page
    open_admin_page(tab, f"/admin/catalog/{queue}/", queue)
    rows = tab.locator("#result_list tbody tr")
    assert rows.count() >= 1
    # actions.js marks a row as selected when its box is ticked.
    rows.first.locator("input.action-select").check()
    assert "selected" in rows.first.get_attribute("class")
    assert tab.locator("select[name=action]").is_visible()
    assert_clean(tab)
