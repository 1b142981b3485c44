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


def test_the_eu_ai_act_methodology_page_cites_articles_and_recitals_and_works_examples(site):
    text = site.get("/methodology/eu_ai_act/").text
    assert "Not legal advice." in text
    for cited in ("Art. 53(2)", "Art. 51(2)", "recital 102", "recital 103", "recital 104"):
        assert cited in text, cited
    assert "https://eur-lex.europa.eu/eli/reg/2024/1689/oj" in text
    assert "https://ai-act-law.eu/recital/103/" in text
    assert "Systemic risk presumed: no exemption" in text
    for slug in ("olmo-2-1124-7b", "llama-3.1-8b", "llama-3.1-405b", "gpt-oss-20b", "gpt-4o"):
        assert f'href="/models/{slug}/"' in text, slug


def test_the_directory_filters_and_the_comparison_shows_the_eu_ai_act_lens(site):
    text = site.get("/", {"eu_ai_act": "systemic-risk-presumed"}).text
    assert 'href="/models/llama-3.1-405b/"' in text
    assert 'href="/models/llama-3.1-8b/"' not in text
    assert '<option value="-eu_ai_act">' in site.get("/").text
    compare = site.get("/compare/", {"models": "olmo-2-1124-7b,llama-3.1-405b,gpt-4o"}).text
    assert "EU AI Act exemption" in compare
    assert "Exemption plausibly applies" in compare
    assert "3.8 × 10^25 FLOP (stated)" in compare
    assert "1.8 × 10^23 FLOP (derived)" in compare


def test_the_model_page_shows_the_eu_ai_act_facts_obligations_and_notice(site):
    text = site.get("/models/llama-3.1-405b/").text
    assert "Systemic risk presumed: no exemption" in text
    assert "3.8 × 10^25 FLOP, as the developer states" in text
    assert 'href="https://arxiv.org/abs/2407.21783"' in text
    assert "Art. 53(1)(c)" in text
    assert "not legal advice" in text
