"""Compare, methodology, licences, organisations, changes, downloads and the chart, on the real
catalogue."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from catalog import components, frameworks
from catalog.frameworks import mof
from catalog.models import AIModel, Change, License, Organization, ScoreSnapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(client, real_catalogue_for_module, db):
    return client


# --- Every page of the catalogue renders ---------------------------------------------------------


def test_every_model_page_renders(site):
    for slug in AIModel.objects.published().values_list("slug", flat=True):
        response = site.get(f"/models/{slug}/")
        assert response.status_code == 200, slug
        assert "Cite this" in response.text


def test_every_licence_page_renders(site):
    for identifier in License.objects.values_list("identifier", flat=True):
        assert site.get(f"/licences/{identifier}/").status_code == 200, identifier


def test_every_organisation_page_renders(site):
    for slug in Organization.objects.values_list("slug", flat=True):
        assert site.get(f"/organisations/{slug}/").status_code == 200, slug


# --- Compare -------------------------------------------------------------------------------------


def test_compare_shows_two_models_side_by_side(site):
    response = site.get("/compare/", {"models": "olmo-7b,llama-3.1-8b"})
    assert response.status_code == 200
    text = response.text
    assert (
        '<th scope="col"><a href="/models/olmo-7b/">OLMo 7B</a></th><th scope="col"><a href="/models/llama-3.1-8b/">Llama 3.1 8B</a></th>'
        in text
    )
    assert "Open source AI" in text and "Restricted weights" in text
    for component in components.COMPONENTS:
        assert f'<th scope="row">{component.name}' in text


def test_compare_marks_the_rows_that_differ_in_words_and_shading(site):
    text = site.get("/compare/", {"models": "olmo-7b,llama-3.1-8b"}).text
    differing = re.findall(r'<tr class="differs">\s*<th scope="row">([^<]+)', text)
    assert "G7 label " in differing
    assert "Earlier headline label " in differing
    assert "Weights licence " in differing
    assert text.count('<span class="vh"> (differs)</span>') == len(differing)
    assert f"{len(differing)} rows differ" in text


def test_rows_that_agree_are_not_marked(site):
    text = site.get("/compare/", {"models": "olmo-7b,olmo-2-1124-7b"}).text
    row = text.split('<th scope="row">Organisation')[1].split("</tr>")[0]
    assert "differs" not in row


def test_compare_takes_up_to_four_models(site):
    slugs = "olmo-7b,llama-3.1-8b,gpt-4o,mistral-7b-v0.1"
    response = site.get("/compare/", {"models": slugs})
    assert response.status_code == 200
    assert response.text.count('<th scope="col"><a href="/models/') == 4


def test_the_picker_sends_repeated_models_and_is_redirected_to_the_shareable_url(site):
    response = site.get("/compare/?models=olmo-7b&models=llama-3.1-8b&models=&models=")
    assert response.status_code == 302
    assert response["Location"] == "/compare/?models=olmo-7b,llama-3.1-8b"


def test_repeats_and_spaces_are_tidied_in_the_url(site):
    response = site.get("/compare/", {"models": "olmo-7b, olmo-7b,gpt-4o"})
    assert response["Location"] == "/compare/?models=olmo-7b,gpt-4o"


def test_the_picker_keeps_the_chosen_models(site):
    text = site.get("/compare/", {"models": "olmo-7b,gpt-4o"}).text
    assert '<option value="olmo-7b" selected>' in text
    assert '<option value="gpt-4o" selected>' in text
    assert '<label for="pick-3">Model 3 (optional)</label>' in text


def test_one_model_is_not_enough(site):
    response = site.get("/compare/", {"models": "olmo-7b"})
    assert response.status_code == 400
    assert "Choose 2 to 4 models to compare; you chose 1." in response.text


def test_five_models_are_too_many(site):
    slugs = "olmo-7b,llama-3.1-8b,gpt-4o,mistral-7b-v0.1,phi-2"
    response = site.get("/compare/", {"models": slugs})
    assert response.status_code == 400
    assert "you chose 5" in response.text


def test_an_unknown_model_is_named(site):
    response = site.get("/compare/", {"models": "olmo-7b,no-such-model"})
    assert response.status_code == 400
    assert "No published model is called no-such-model." in response.text


def test_compare_with_nothing_chosen_shows_the_picker(site):
    response = site.get("/compare/")
    assert response.status_code == 200
    assert "Choose two to four models above" in response.text


# --- Methodology ---------------------------------------------------------------------------------


def test_the_methodology_page_lists_frameworks_components_and_clauses(site):
    text = site.get("/methodology/").text
    for framework in frameworks.FRAMEWORKS:
        assert (
            f'<a href="/methodology/{framework.ID}/">{framework.NAME}</a> (version {framework.VERSION})'
            in text
        )
    for component in components.COMPONENTS:
        assert component.name in text
        assert component.meaning.replace("'", "&#x27;") in text
    assert "User cap" in text and "Flow-down to derivatives" in text
    # The tie-breaks of selectors.ranked, in their order.
    assert (
        "Ties are broken, in this order, by the headline label (most open first), by the Openness "
        "Index (highest first), by the release date (newest first) and finally by the model's slug"
    ) in text


@pytest.mark.parametrize("framework", frameworks.FRAMEWORKS, ids=lambda f: f.ID)
def test_each_framework_page_has_its_rules_version_history_and_components(site, framework):
    response = site.get(f"/methodology/{framework.ID}/")
    assert response.status_code == 200
    text = response.text
    assert f"<h1>{framework.NAME}</h1>" in text
    for paragraph in framework.__doc__.strip().split("\n\n"):
        words = " ".join(paragraph.split())
        assert words.replace("'", "&#x27;").replace('"', "&quot;") in text
    for version, date, change in framework.CHANGES:
        change = change.replace("'", "&#x27;").replace('"', "&quot;")
        assert f'<th scope="row">{version}</th><td>{date}</td><td>{change}</td>' in text
    assert "Data processing code" in text


def test_the_mof_page_lists_every_class_and_its_components(site):
    text = site.get("/methodology/mof/").text
    for number, title, required, optional in mof.CLASSES:
        assert f"<h3>Class {number}: {title}</h3>" in text
        for component_id in (*required, *optional):
            assert components.get(component_id).name in text


def test_the_osaid_page_lists_its_four_criteria(site):
    text = site.get("/methodology/osaid/").text
    for criterion in ("data_information", "code", "parameters", "terms"):
        assert f'<code class="meta">{criterion}</code>' in text


def test_the_index_page_states_the_penalty(site):
    assert "less 1/8 for each restrictive clause" in site.get("/methodology/index/").text


def test_an_unknown_framework_is_a_404(site):
    assert site.get("/methodology/vibes/").status_code == 404


def test_about_the_data_gives_the_licence_and_a_citation(site):
    text = site.get("/about/data/").text
    assert "CC-BY-4.0" in text
    assert "Openness Scorecard dataset [Data set]" in text
    assert 'rel="license"' in text


# --- Licences and organisations ------------------------------------------------------------------


def test_the_licence_index_lists_every_licence_with_its_model_count(site):
    text = site.get("/licences/").text
    for lic in License.objects.all():
        assert f'<a href="/licences/{lic.identifier}/">{lic.identifier}</a>' in text
    row = text.split('<a href="/licences/LicenseRef-llama-3.1/">')[1].split("</tr>")[0]
    assert "mau cap" in row
    count = int(re.search(r'<td class="num">(\d+)</td>', row).group(1))
    assert (
        count
        == AIModel.objects.filter(assessments__license__identifier="LicenseRef-llama-3.1")
        .distinct()
        .count()
    )


def test_a_licence_page_gives_its_clauses_in_plain_words_and_its_models(site):
    response = site.get("/licences/LicenseRef-llama-3.1/")
    assert response.status_code == 200
    text = response.text
    assert "User cap: a separate licence is needed above 700,000,000 monthly active users" in text
    assert "(restricts use)" in text
    assert '<a href="/models/llama-3.1-8b/">Llama 3.1 8B</a>' in text
    assert "Final weights" in text  # which components are under it


def test_an_open_licence_page_shows_no_restriction_present(site):
    text = site.get("/licences/Apache-2.0/").text
    assert "(restricts use)" not in text
    assert '<a href="/models/olmo-7b/">OLMo 7B</a>' in text


def test_an_unknown_licence_is_a_404(site):
    assert site.get("/licences/No-Such-Licence/").status_code == 404


def test_the_organisation_index_counts_models_and_dates(site):
    text = site.get("/organisations/").text
    row = text.split('<a href="/organisations/meta/">Meta</a>')[1].split("</tr>")[0]
    count = AIModel.objects.published().filter(organization__slug="meta").count()
    assert f'<td class="num">{count}</td>' in row


def test_an_organisation_page_charts_its_models_over_time(site):
    response = site.get("/organisations/meta/")
    assert response.status_code == 200
    text = response.text
    assert 'aria-labelledby="org-title org-desc"' in text
    assert "Openness of Meta&#x27;s models over time" in text
    meta = AIModel.objects.published().filter(organization__slug="meta")
    assert text.count("<g><") == meta.count()
    for model in meta:
        assert f'<a href="/models/{model.slug}/">' in text
    assert 'href="/?organization=meta"' in text


def test_an_unknown_organisation_is_a_404(site):
    assert site.get("/organisations/no-such-org/").status_code == 404


# --- The chart -----------------------------------------------------------------------------------


def test_the_chart_has_a_mark_per_scored_model_and_a_key(site):
    response = site.get("/chart/")
    assert response.status_code == 200
    text = response.text
    scored = AIModel.objects.published().filter(current__isnull=False).count()
    assert text.count("<g><") == scored
    assert "<title>OLMo 7B (Allen Institute for AI), released 2024-02-01: Openness Index" in text
    for label in ("Open source AI", "Open weights", "Restricted weights", "Closed"):
        assert label in text
    assert "(circle)" in text and "(triangle)" in text


# --- Changes -------------------------------------------------------------------------------------


def test_the_changes_page_lists_changes_with_who_and_why(site):
    text = site.get("/changes/").text
    latest = Change.objects.order_by("-at", "-id").first()
    assert f'id="change-{latest.pk}"' in text
    assert latest.reason in text
    assert latest.actor in text


def test_the_changes_page_lists_score_changes_with_permalinks(site):
    text = site.get("/changes/").text
    newest = ScoreSnapshot.objects.order_by("-computed_at", "model__slug", "framework").first()
    assert f'href="/models/{newest.model.slug}/scores/{newest.key}/"' in text
    assert "first score" in text


def test_a_score_change_shows_what_it_replaced(site):
    model = AIModel.objects.get(slug="olmo-7b")
    current = ScoreSnapshot.objects.get(model=model, framework="label", is_current=True)
    ScoreSnapshot.objects.filter(pk=current.pk).update(is_current=False)
    ScoreSnapshot.objects.create(
        model=model, framework="label", version="9.9.9", key="label-later",
        computed_at=current.computed_at.replace(year=current.computed_at.year + 1),
        inputs_hash="y", is_current=True, verdict="Closed", score=0.0, result=current.result,
    )  # fmt: skip
    text = site.get("/changes/").text
    row = text.split('href="/models/olmo-7b/scores/label-later/"')[0].rsplit("<tr>", 1)[1]
    assert f"<td>{current.verdict}</td>" in row


def test_changes_to_draft_models_are_not_shown(site):
    model = AIModel.objects.get(slug="olmo-7b")
    change = Change.objects.filter(model=model).order_by("-at").first()
    AIModel.objects.filter(pk=model.pk).update(status=AIModel.Status.DRAFT)
    assert f'id="change-{change.pk}"' not in site.get("/changes/?page=1").text


def test_the_atom_feed_lists_the_latest_changes(site):
    response = site.get("/changes/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.find("a:title", ns).text == "Openness Scorecard: changes"
    entries = root.findall("a:entry", ns)
    assert len(entries) == min(50, Change.objects.count())
    latest = Change.objects.order_by("-at", "-id").first()
    first = entries[0]
    assert first.find("a:id", ns).text == f"tag:openness-scorecard,2026:change:{latest.pk}"
    assert latest.subject_key in first.find("a:title", ns).text
    assert latest.reason in first.find("a:summary", ns).text


def test_the_pages_link_to_the_feed(site):
    assert '<link rel="alternate" type="application/atom+xml"' in site.get("/").text


# --- Downloads -----------------------------------------------------------------------------------


def test_the_downloads_page_gives_dated_files_licence_and_citation(site):
    text = site.get("/downloads/").text
    assert re.search(r'download="openness-scorecard-\d{4}-\d{2}-\d{2}\.csv"', text)
    assert re.search(r'download="openness-scorecard-\d{4}-\d{2}-\d{2}\.json"', text)
    assert "CC-BY-4.0" in text
    assert "Openness Scorecard dataset [Data set]" in text


def test_the_csv_has_a_row_per_model_and_component(site):
    response = site.get("/downloads/openness-scorecard.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(
        r'attachment; filename="openness-scorecard-\d{4}-\d{2}-\d{2}\.csv"',
        response["Content-Disposition"],
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == AIModel.objects.published().count() * len(components.COMPONENTS)
    weights = next(r for r in rows if r["model"] == "olmo-7b" and r["component"] == "weights_final")
    assert weights["license"] == "Apache-2.0"
    assert weights["availability"] == "full"
    assert weights["label"] == "Open source AI"
    assert weights["evidence"].startswith("https://")
    assert 'rel="license"' in response["Link"]


def test_the_json_download_is_the_dump_with_licence_and_citation(site):
    response = site.get("/downloads/openness-scorecard.json")
    assert response.status_code == 200
    assert re.fullmatch(
        r'attachment; filename="openness-scorecard-\d{4}-\d{2}-\d{2}\.json"',
        response["Content-Disposition"],
    )
    data = json.loads(response.content)
    assert data["license"] == "CC-BY-4.0"
    assert "Openness Scorecard dataset [Data set]" in data["citation"]
    assert len(data["models"]) == AIModel.objects.published().count()
    assert data["models"][0]["assessments"]
    assert data["frameworks"] == frameworks.versions()


def test_the_downloads_answer_conditional_requests(site):
    first = site.get("/downloads/openness-scorecard.csv")
    again = site.get("/downloads/openness-scorecard.csv", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


# --- Every page: navigation and no outside assets ------------------------------------------------

PAGES = [
    "/", "/models/olmo-7b/", "/compare/?models=olmo-7b,gpt-4o", "/chart/", "/methodology/",
    "/methodology/osaid/", "/about/data/", "/licences/", "/licences/Apache-2.0/", "/organisations/",
    "/organisations/ai2/", "/changes/", "/downloads/", "/models/olmo-7b/correction/", "/api/",
]  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_skip_link_navigation_and_no_script_or_inline_style(site, path):
    response = site.get(path)
    assert response.status_code == 200
    text = response.text
    assert '<a class="skip" href="#main">Skip to content</a>' in text
    assert '<main id="main"' in text
    assert text.count('aria-current="page"') >= 1 or path == "/models/olmo-7b/correction/"
    assert "<script" not in text
    assert ' style="' not in text
    assert not re.search(r'<(img|link|script)[^>]+(src|href)="(https?:)?//', text)
