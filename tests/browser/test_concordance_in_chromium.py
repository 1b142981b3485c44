"""The concordance page and a model's "What other indexes say" in Chromium, with axe-core.

The indexes are imported from the real upstream files in tests/fixtures/indexes/ (served by the
fake GitHub) into the real catalogue, and committed, so that the site on loopback sees them.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from catalog.indexes import importer
from catalog.models import AIModel, IndexEntry, IndexImport, IndexMatch
from tests.browser.conftest import RECORD_CSP_VIOLATIONS, SHOTS
from tests.browser.test_pages_in_chromium import serious_violations
from tests.fakehub import FakeHub

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "indexes"
COMMIT = "1" * 40


def fixture_files(folder):
    root = FIXTURES / folder
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def indexes(real_catalogue_for_module, django_db_blocker):
    from django.conf import settings

    saved = settings.INDEXES_GITHUB_API_URL, settings.INDEXES_ALLOWED_HOSTS
    with django_db_blocker.unblock(), FakeHub() as hub:
        settings.INDEXES_GITHUB_API_URL, settings.INDEXES_ALLOWED_HOSTS = hub.url, [hub.host]
        hub.add_github_snapshot(
            "Language-Technology-Assessment/main-database", "main", COMMIT,
            "2026-06-12T19:46:22Z", fixture_files("eosai"),
        )  # fmt: skip
        hub.add_github_snapshot(
            "lfai/model_openness_tool", "main", COMMIT, "2026-05-11T14:34:12Z",
            fixture_files("mot"),
        )  # fmt: skip
        importer.import_all()
        settings.INDEXES_GITHUB_API_URL, settings.INDEXES_ALLOWED_HOSTS = saved
        for source, name, slug in [
            ("osi", "Pythia", "pythia-6.9b"), ("osi", "OLMo", "olmo-7b"),
            ("osi", "Amber", "amber-7b"), ("eosai", "Pythia", "pythia-6.9b"),
        ]:  # fmt: skip
            IndexMatch.objects.get_or_create(
                entry=IndexEntry.objects.get(source=source, name=name),
                model=AIModel.objects.get(slug=slug),
            )
        yield
        IndexEntry.objects.all().delete()
        IndexImport.objects.all().delete()


@pytest.fixture
def page(browser, live_site, indexes):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_site)
    context.set_default_timeout(10_000)
    context.add_init_script(RECORD_CSP_VIOLATIONS)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("width", [1280, 375])
def test_the_concordance_page_is_accessible_at_two_widths(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto("/concordance/")
    assert response.status == 200
    expect(page.locator("h1")).to_have_text("What other indexes say")
    # OSI's twelve outcomes agree with ours; EOSAI and the MOT grade some components otherwise.
    expect(page.get_by_role("table")).to_contain_text("Why, by our criteria")
    assert page.evaluate("window.cspViolations") == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"concordance-{width}.png"), full_page=True)
    assert serious_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0


def test_from_a_model_page_to_every_disagreement_and_back(page):
    page.goto("/models/pythia-6.9b/")
    section = page.locator("#other-indexes + ul")
    expect(section).to_contain_text("OSI's OSAID 1.0 validation")
    expect(section).to_contain_text("Model Openness Tool")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Every disagreement with other indexes").click()
    expect(page).to_have_url(re.compile(r"/concordance/$"))
    page.get_by_role("link", name="Pythia 6.9B").first.click()
    expect(page.locator("h1")).to_contain_text("Pythia 6.9B")
    expect(page.locator("#other-indexes + ul")).to_contain_text("Model Openness Tool")
