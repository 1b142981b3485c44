"""Suggesting a correction: queued for a curator, CSRF-protected, rate-limited, with a honeypot."""

import pytest
from django.test import Client

from catalog.models import Assessment, Change, CorrectionRequest, ScoreSnapshot

pytestmark = pytest.mark.django_db

URL = "/models/example-7b-chat/correction/"
GOOD = {
    "component": "weights_final",
    "proposed_availability": "full",
    "proposed_license": "Apache-2.0",
    "evidence_url": "https://example.org/weights-are-out",
    "explanation": "The weights were released last week.",
    "contact": "reader@example.org",
    "website": "",
}


@pytest.fixture
def scored(client, catalogue_with_scores):
    return client


def test_a_good_suggestion_is_queued_and_the_reader_thanked(scored):
    response = scored.post(URL, GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/models/example-7b-chat/correction/sent/"
    suggestion = CorrectionRequest.objects.get()
    assert suggestion.model.slug == "example-7b-chat"
    assert suggestion.component == "weights_final"
    assert suggestion.proposed_availability == "full"
    assert suggestion.proposed_license == "Apache-2.0"
    assert suggestion.evidence_url == "https://example.org/weights-are-out"
    assert suggestion.explanation == "The weights were released last week."
    assert suggestion.contact == "reader@example.org"
    assert suggestion.status == CorrectionRequest.Status.OPEN
    thanks = scored.get(response["Location"])
    assert thanks.status_code == 200
    assert "is in the curators' queue" in thanks.text


def test_a_suggestion_changes_nothing_public(scored):
    before = list(Assessment.objects.order_by("pk").values())
    changes, snapshots = Change.objects.count(), ScoreSnapshot.objects.count()
    scored.post(URL, GOOD)
    assert list(Assessment.objects.order_by("pk").values()) == before
    assert Change.objects.count() == changes
    assert ScoreSnapshot.objects.count() == snapshots
    assert "reader@example.org" not in scored.get("/models/example-7b-chat/").text


def test_the_submitter_is_kept_as_a_hash_of_the_address_not_the_address(scored):
    scored.post(URL, GOOD, REMOTE_ADDR="203.0.113.9")
    submitter = CorrectionRequest.objects.get().submitter
    assert len(submitter) == 64
    assert "203.0.113.9" not in submitter


def test_a_licence_alone_is_enough(scored):
    response = scored.post(URL, {**GOOD, "proposed_availability": ""})
    assert response.status_code == 302
    assert CorrectionRequest.objects.get().proposed_availability == ""


def test_a_missing_evidence_url_is_refused_and_nothing_typed_is_lost(scored):
    response = scored.post(URL, {**GOOD, "evidence_url": ""})
    assert response.status_code == 400
    assert "Your suggestion was not sent" in response.text
    assert "This field is required." in response.text
    assert 'value="Apache-2.0"' in response.text
    assert 'value="reader@example.org"' in response.text
    assert "The weights were released last week.</textarea>" in response.text
    assert '<option value="weights_final" selected>' in response.text
    assert '<option value="full" selected>' in response.text
    assert CorrectionRequest.objects.count() == 0


def test_an_evidence_url_that_is_not_a_url_is_refused(scored):
    response = scored.post(URL, {**GOOD, "evidence_url": "my friend told me"})
    assert response.status_code == 400
    assert "Enter an http:// or https:// URL." in response.text
    assert 'value="my friend told me"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert CorrectionRequest.objects.count() == 0


@pytest.mark.parametrize(
    "url", ["ftp://example.org/licence.txt", "javascript:alert(1)", "file:///etc/passwd"]
)
def test_it_refuses_an_evidence_url_that_is_not_http_or_https(scored, url):
    response = scored.post(URL, {**GOOD, "evidence_url": url})
    assert response.status_code == 400
    assert "Enter an http:// or https:// URL." in response.text
    assert CorrectionRequest.objects.count() == 0


@pytest.mark.parametrize(
    "field, value, limit",
    [
        ("explanation", "x" * 2_000_000, 2000),
        ("contact", "x" * 201, 200),
        ("proposed_license", "x" * 201, 200),
        ("evidence_url", "https://example.org/" + "x" * 500, 500),
    ],
)
def test_it_refuses_oversized_text_with_a_form_error(scored, field, value, limit):
    response = scored.post(URL, {**GOOD, field: value})
    assert response.status_code == 400
    assert f"Ensure this value has at most {limit} characters" in response.text
    assert CorrectionRequest.objects.count() == 0


@pytest.mark.parametrize("field", ["explanation", "contact", "proposed_license", "evidence_url"])
def test_it_refuses_a_nul_byte_in_any_field_with_a_form_error(scored, field):
    response = scored.post(URL, {**GOOD, field: GOOD[field] + "\x00"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.text
    assert CorrectionRequest.objects.count() == 0


def test_proposing_nothing_is_refused_with_a_clear_reason(scored):
    response = scored.post(URL, {**GOOD, "proposed_availability": "", "proposed_license": "  "})
    assert response.status_code == 400
    assert "Propose what was released, a licence, or both" in response.text
    assert CorrectionRequest.objects.count() == 0


def test_an_unknown_component_is_refused(scored):
    response = scored.post(URL, {**GOOD, "component": "vibes"})
    assert response.status_code == 400
    assert "Select a valid choice." in response.text
    assert CorrectionRequest.objects.count() == 0


def test_the_honeypot_drops_the_post_without_saying_so(scored):
    response = scored.post(URL, {**GOOD, "website": "https://spam.example"})
    assert response.status_code == 302
    assert CorrectionRequest.objects.count() == 0


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(scored):
    text = scored.get(URL).text
    assert '<div class="honeypot" aria-hidden="true">' in text
    assert 'tabindex="-1"' in text
    assert "Leave this field empty" in text


def test_more_than_five_an_hour_from_one_address_are_refused_keeping_the_text(scored):
    for _ in range(5):
        assert scored.post(URL, GOOD, REMOTE_ADDR="198.51.100.7").status_code == 302
    response = scored.post(URL, GOOD, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "Too many suggestions from your address" in response.text
    assert 'value="https://example.org/weights-are-out"' in response.text
    assert CorrectionRequest.objects.count() == 5


def test_the_limit_is_per_address(scored):
    for _ in range(5):
        scored.post(URL, GOOD, REMOTE_ADDR="198.51.100.7")
    assert scored.post(URL, GOOD, REMOTE_ADDR="198.51.100.8").status_code == 302
    assert CorrectionRequest.objects.count() == 6


def test_the_limit_holds_with_redis_unreachable(scored, dead_cache):
    for _ in range(5):
        assert scored.post(URL, GOOD, REMOTE_ADDR="198.51.100.7").status_code == 302
    assert scored.post(URL, GOOD, REMOTE_ADDR="198.51.100.7").status_code == 429
    assert CorrectionRequest.objects.count() == 5


def test_behind_a_proxy_the_limit_counts_the_client_as_the_sign_in_lockout_does(scored, settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(5):
        response = scored.post(URL, GOOD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy)
        assert response.status_code == 302
    assert scored.post(URL, GOOD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy).status_code == 429
    # Another reader behind the same proxy is not locked out by the first.
    assert scored.post(URL, GOOD, HTTP_X_FORWARDED_FOR="198.51.100.8", **proxy).status_code == 302


def test_refused_posts_do_not_count_towards_the_limit(scored):
    for _ in range(6):
        scored.post(URL, {**GOOD, "evidence_url": ""}, REMOTE_ADDR="198.51.100.7")
    assert scored.post(URL, GOOD, REMOTE_ADDR="198.51.100.7").status_code == 302


def test_a_post_without_the_csrf_token_is_refused(catalogue_with_scores):
    client = Client(enforce_csrf_checks=True)
    assert client.post(URL, GOOD).status_code == 403
    assert CorrectionRequest.objects.count() == 0


def test_a_post_with_the_token_from_the_form_page_is_accepted(catalogue_with_scores):
    client = Client(enforce_csrf_checks=True)
    page = client.get(URL)
    token = page.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert client.post(URL, {**GOOD, "csrfmiddlewaretoken": token}).status_code == 302
    assert CorrectionRequest.objects.count() == 1


def test_the_form_page_is_never_kept_by_a_cache(scored):
    response = scored.get(URL)
    assert 'name="csrfmiddlewaretoken"' in response.text
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" in response["Vary"]


def test_the_form_page_can_preselect_a_component(scored):
    response = scored.get(URL, {"component": "doc_model_card"})
    assert response.status_code == 200
    assert '<option value="doc_model_card" selected>' in response.text
    assert "<h1>Suggest a correction to Example Chat 7B</h1>" in response.text


def test_every_field_has_a_label(scored):
    text = scored.get(URL).text
    for field in ("component", "proposed_availability", "proposed_license", "evidence_url",
                  "explanation", "contact", "website"):  # fmt: skip
        assert f'<label for="id_{field}">' in text


def test_corrections_to_draft_or_unknown_models_are_404(scored):
    assert scored.post("/models/no-such-model/correction/", GOOD).status_code == 404
    assert CorrectionRequest.objects.count() == 0


def test_only_get_and_post_are_allowed(scored):
    assert scored.put(URL).status_code == 405
