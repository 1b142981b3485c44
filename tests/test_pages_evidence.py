"""What a reader checks a verdict against: effective licences, pins, release licences, the
corrections log and the accuracy section, on pages and in the API, with the real catalogue."""

import xml.etree.ElementTree as ET

import pytest

from catalog.models import Correction

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(client, real_catalogue_for_module, db):
    return client


def test_a_fine_tunes_page_shows_the_licence_that_binds_it_and_what_its_card_states(site):
    text = site.get("/models/nous-hermes-llama2-13b/").text
    row = text.split('<th scope="row">Final weights</th>')[1].split("</tr>")[0]
    assert ">LicenseRef-llama-2</a>" in row
    assert "inherited from the base model" in row
    assert "its card states MIT" in row


def test_a_component_under_the_release_licence_says_so(site):
    text = site.get("/models/amber-7b/").text
    assert "under the release's Apache-2.0" in text
    assert '<h2 id="release-licences">Release licences</h2>' in text


def test_pins_link_the_file_read_at_its_commit(site):
    text = site.get("/models/amber-7b/").text
    assert 'href="https://github.com/LLM360/amber-data-prep/blob/' in text
    assert "LLM360/amber-data-prep LICENSE at" in text


def test_a_gate_is_named_beside_the_availability(site):
    assert "(click-through gate)" in site.get("/models/mixtral-8x7b-v0.1/").text
    assert "(approval gate)" in site.get("/models/llama-3.1-8b/").text


def test_the_api_gives_the_effective_licence_with_its_origin_and_the_pins(site):
    body = site.get("/api/v1/models/nous-hermes-llama2-13b/").json()
    weights = next(a for a in body["assessments"] if a["component"] == "weights_final")
    assert weights["license"]["id"] == "MIT"
    assert weights["effective_license"]["id"] == "LicenseRef-llama-2"
    assert weights["effective_license"]["origin"] == "base"
    assert weights["effective_license"]["inherited_from"] == "llama-2-13b"
    amber = site.get("/api/v1/models/amber-7b/").json()
    kinds = {entry["kind"] for entry in amber["release_licenses"]}
    assert {"code", "weights"} <= kinds
    data_prep = next(a for a in amber["assessments"] if a["component"] == "code_data_processing")
    assert data_prep["pins"][0]["url"].startswith("https://github.com/LLM360/amber-data-prep/")
    assert amber["corrections"]
    assert amber["headline"] == "Open Source AI with Open Data"


def test_the_corrections_log_lists_every_correction_with_its_reason(site):
    text = site.get("/corrections/").text
    assert "Corrections" in text
    assert f"({Correction.objects.count()} in all)" in text
    assert "amber-data-prep" in text or "2024-05-09" in text
    # Licence corrections are listed too.
    assert 'href="/licences/LicenseRef-llama-3.2/"' in text or "?page=2" in text


def test_the_corrections_feed_is_atom(site):
    response = site.get("/corrections/feed/")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert entries
    assert "Why:" in entries[0].find("{http://www.w3.org/2005/Atom}summary").text


def test_the_data_page_states_how_the_catalogue_is_audited(site):
    text = site.get("/about/data/").text
    assert '<h2 id="accuracy">' in text
    assert "The last audit" in text
    assert "Corrections published" in text
    assert 'href="/corrections/"' in text


def test_the_g7_methodology_page_cites_the_text_and_works_examples(site):
    text = site.get("/methodology/g7/").text
    assert "https://g7.utoronto.ca/ict/260529-vision.html" in text
    assert "Weights Available AI" in text
    assert 'href="/models/olmo-7b/"' in text
    assert 'href="/models/gpt-4o/"' in text
