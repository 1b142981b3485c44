"""API v1 against the real catalogue: every endpoint, filter, ordering, the 304 path, errors."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import AnonRateThrottle

from catalog.models import AIModel, Assessment, ScoreSnapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, real_catalogue_for_module, db):
    return client


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_the_model_list_carries_every_headline_field(api):
    response = api.get("/api/v1/models/", {"page_size": 200})
    body = response.json()
    assert body["count"] == AIModel.objects.published().count()
    olmo = next(row for row in body["results"] if row["slug"] == "olmo-7b")
    assert olmo["organization"] == {"slug": "ai2", "name": "Allen Institute for AI"}
    assert olmo["label"] == "Open source AI"
    assert olmo["osaid"] == "conforms"
    assert isinstance(olmo["openness_index"], float)
    assert set(olmo["mof_progress"]) == {"I", "II", "III"}
    assert olmo["weights_license"] == "Apache-2.0"
    assert olmo["release_date"] == "2024-02-01"
    assert olmo["url"] == "http://testserver/api/v1/models/olmo-7b/"
    assert "id" not in olmo and "pk" not in olmo


def test_the_default_order_puts_open_source_first_and_closed_last(api):
    rows = api.get("/api/v1/models/", {"page_size": 200}).json()["results"]
    labels = [row["label"] for row in rows]
    ranks = {"Open source AI": 3, "Open weights": 2, "Restricted weights": 1, "Closed": 0}
    assert [ranks[label] for label in labels] == sorted(
        (ranks[name] for name in labels), reverse=True
    )


@pytest.mark.parametrize("field", ["index", "osaid", "mof", "label"])
def test_ordering_by_each_framework(api, field):
    rows = api.get("/api/v1/models/", {"page_size": 200, "ordering": f"-{field}"}).json()["results"]
    key = {"index": "openness_index"}.get(field)
    if key:
        values = [row[key] for row in rows]
        assert values == sorted(values, reverse=True)
    ascending = slugs(api.get("/api/v1/models/", {"page_size": 200, "ordering": field}))
    assert len(ascending) == len(rows)


def test_ordering_by_date_and_name(api):
    rows = api.get("/api/v1/models/", {"page_size": 200, "ordering": "release_date"}).json()[
        "results"
    ]
    dates = [row["release_date"] for row in rows]
    assert dates == sorted(dates)
    names = slugs(api.get("/api/v1/models/", {"page_size": 200, "ordering": "-name"}))
    assert names[0] != names[-1]


@pytest.mark.parametrize(
    ("params", "expected_in", "expected_out"),
    [
        ({"organization": "meta"}, "llama-2-7b", "olmo-7b"),
        ({"label": "closed"}, "gpt-4o", "olmo-7b"),
        ({"label": ["open-source-ai", "closed"]}, "claude-3.5-sonnet", "llama-3-8b"),
        ({"osaid": "conforms"}, "pythia-12b", "grok-1"),
        ({"mof_class": "unclassified"}, "gpt-4o", None),
        ({"license": "LicenseRef-llama-2"}, "llama-2-70b-chat", "llama-3-8b"),
        ({"restriction": "mau_cap"}, "qwen2.5-72b", "qwen2.5-7b"),
        ({"restriction": "non_commercial"}, "command-r-plus", "gpt-oss-20b"),
        ({"modality": "code"}, "starcoder2-15b", "llama-2-7b"),
        ({"kind": "chat"}, "llama-2-70b-chat", "llama-2-70b"),
        ({"size": "over-100b"}, "llama-3.1-405b", "pythia-6.9b"),
        ({"release_year": "2023"}, "llama-2-7b", "llama-3-8b"),
        ({"released_after": "2025-01-01"}, "gpt-oss-20b", "llama-2-7b"),
        ({"released_before": "2020-01-01"}, "t5-11b", "llama-2-7b"),
        ({"q": "pythia"}, "pythia-12b", "llama-2-7b"),
        ({"q": "Allen Institute"}, "olmo-7b", "pythia-12b"),
    ],
)
def test_each_filter(api, params, expected_in, expected_out):
    found = slugs(api.get("/api/v1/models/", {"page_size": 200, **params}))
    assert expected_in in found
    if expected_out:
        assert expected_out not in found


def test_updated_since(api):
    future = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).isoformat()
    assert slugs(api.get("/api/v1/models/", {"updated_since": future})) == []
    assert len(slugs(api.get("/api/v1/models/", {"updated_since": "2000-01-01"}))) == 50


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"label": "open"}, "label"),
        ({"osaid": "yes"}, "osaid"),
        ({"mof_class": "IV"}, "mof_class"),
        ({"license": "WTFPL"}, "license"),
        ({"restriction": "evil"}, "restriction"),
        ({"modality": "smell"}, "modality"),
        ({"size": "huge"}, "size"),
        ({"release_year": "twenty"}, "release_year"),
        ({"released_after": "2024-13-01"}, "released_after"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"ordering": "popularity"}, "ordering"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "10000"}, "page_size"),
        ({"q": "x" * 201}, "q"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(api, params, parameter):
    response = api.get("/api/v1/models/", params)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_page_size_is_capped_and_pages_link_onwards(api):
    body = api.get("/api/v1/models/", {"page_size": 10}).json()
    assert len(body["results"]) == 10
    assert "page=2" in body["next"]
    assert api.get("/api/v1/models/", {"page": 99}).status_code == 404


def test_the_list_runs_a_constant_number_of_queries(api):
    api.get("/api/v1/models/")  # warms the data version, computed once per change
    with CaptureQueriesContext(connection) as few:
        api.get("/api/v1/models/", {"page_size": 5})
    with CaptureQueriesContext(connection) as many:
        api.get("/api/v1/models/", {"page_size": 200})
    assert len(few) == len(many)


def test_the_detail_has_everything_the_model_page_has(api):
    body = api.get("/api/v1/models/deepseek-r1-distill-llama-70b/").json()
    assert body["base_model"] == "llama-3.3-70b-instruct"
    assert body["lineage"] == ["llama-3.3-70b-instruct"]
    assert body["label"] == "Restricted weights"
    assert len(body["assessments"]) == 20
    weights = next(a for a in body["assessments"] if a["component"] == "weights_final")
    assert weights["license"]["id"] == "MIT"
    assert weights["evidence"][0].startswith("https://")
    inherited = [r for r in body["restrictions"] if r["inherited_from"] == "llama-3.3-70b-instruct"]
    assert {r["flag"] for r in inherited} >= {"mau_cap", "acceptable_use_policy"}
    assert set(body["scores"]) == {"label", "osaid", "mof", "index"}
    osaid = body["scores"]["osaid"]
    assert osaid["verdict"] == "does not conform"
    assert osaid["permalink"].startswith(
        "http://testserver/models/deepseek-r1-distill-llama-70b/scores/"
    )
    assert any(not c["passed"] for c in osaid["criteria"])
    llama = api.get("/api/v1/models/llama-3.3-70b-instruct/").json()
    assert "deepseek-r1-distill-llama-70b" in llama["derivatives"]


def test_the_permalink_of_a_score_resolves(api):
    permalink = api.get("/api/v1/models/olmo-7b/").json()["scores"]["osaid"]["permalink"]
    page = api.get(permalink.replace("http://testserver", ""))
    assert page.status_code == 200
    assert "conforms" in page.text


def test_history_and_as_of(api):
    model = AIModel.objects.get(slug="olmo-7b")
    old = ScoreSnapshot.objects.filter(model=model)
    old.update(computed_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    history = api.get("/api/v1/models/olmo-7b/history/").json()
    assert {row["framework"] for row in history["results"]} == {"label", "osaid", "mof", "index"}
    assert all(row["computed_at"].startswith("2025-01-01") for row in history["results"])
    assert api.get("/api/v1/models/olmo-7b/", {"as_of": "2024-12-31"}).json()["scores"] == {}
    then = api.get("/api/v1/models/olmo-7b/", {"as_of": "2025-06-01"}).json()
    assert then["as_of"] == "2025-06-01"
    assert then["scores"]["label"]["verdict"] == "Open source AI"
    assert api.get("/api/v1/models/olmo-7b/", {"as_of": "June"}).status_code == 400


def test_unknown_slugs_are_404(api):
    assert api.get("/api/v1/models/no-such-model/").status_code == 404
    assert api.get("/api/v1/models/no-such-model/history/").status_code == 404
    assert api.get("/api/v1/licenses/NOPE-1.0/").status_code == 404
    assert api.get("/api/v1/organizations/nobody/").status_code == 404


def test_drafts_are_not_in_the_api(api):
    AIModel.objects.filter(slug="olmo-7b").update(status=AIModel.Status.DRAFT)
    assert "olmo-7b" not in slugs(api.get("/api/v1/models/", {"page_size": 200}))
    assert api.get("/api/v1/models/olmo-7b/").status_code == 404


def test_licences_organisations_components_frameworks_changes(api):
    llama = api.get("/api/v1/licenses/LicenseRef-llama-2/").json()
    assert llama["clauses"]["mau_cap"] == 700_000_000
    assert llama["kind"] == "restricted"
    assert llama["spdx"] is False
    assert api.get("/api/v1/licenses/Apache-2.0/").json()["kind"] == "open"
    assert api.get("/api/v1/licenses/").json()["count"] >= 30
    assert api.get("/api/v1/organizations/meta/").json()["name"] == "Meta"
    components = api.get("/api/v1/components/").json()
    assert [c["id"] for c in components][:2] == ["architecture", "weights_final"]
    assert len(components) == 20
    frameworks = {f["id"]: f for f in api.get("/api/v1/frameworks/").json()}
    assert set(frameworks) == {"label", "osaid", "mof", "index"}
    assert frameworks["osaid"]["versions"][0]["version"] == "1.0.0"
    changes = api.get("/api/v1/changes/", {"model": "olmo-7b"}).json()
    assert changes["count"] == 21  # the model and its 20 assessments
    assert changes["results"][0]["actor"] == "catalogue"
    assert api.get("/api/v1/changes/", {"since": "never"}).status_code == 400


def test_the_dump_holds_the_whole_dataset(api):
    response = api.get("/api/v1/dump/")
    body = response.json()
    assert body["license"] == "CC-BY-4.0"
    assert len(body["models"]) == AIModel.objects.published().count()
    assert len(body["models"][0]["assessments"]) == 20
    assert response["ETag"]


def test_a_matching_etag_gets_a_304_and_a_change_a_new_etag(
    api, django_capture_on_commit_callbacks
):
    first = api.get("/api/v1/models/olmo-7b/")
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    assert api.get("/api/v1/models/olmo-7b/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert api.get("/api/v1/models/olmo-7b/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    # A different query is a different representation.
    assert api.get("/api/v1/models/", HTTP_IF_NONE_MATCH=etag).status_code == 200

    from catalog import history

    assessment = Assessment.objects.get(model__slug="olmo-7b", component="doc_sample_outputs")
    before = history.snapshot(assessment)
    assessment.note = "Checked again."
    with django_capture_on_commit_callbacks(execute=True):
        assessment.save()
        history.record(assessment, before=before, actor="alice", reason="Recheck")
    again = api.get("/api/v1/models/olmo-7b/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again["ETag"] != etag


def test_reads_are_open_to_other_origins(api):
    response = api.get("/api/v1/models/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]


def test_anonymous_clients_are_throttled_with_retry_after(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    codes = [api.get("/api/v1/components/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = api.get("/api/v1/components/")
    assert 0 < int(limited["Retry-After"]) <= 60


def test_a_token_gets_its_own_higher_rate(api, monkeypatch, django_user_model):
    from rest_framework.authtoken.models import Token

    from catalog.api.throttling import TokenRateThrottle as UserRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "rate", "2/minute", raising=False)
    monkeypatch.setattr(UserRateThrottle, "rate", "5/minute", raising=False)
    token = Token.objects.create(user=django_user_model.objects.create_user("consumer"))
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    codes = [api.get("/api/v1/components/", **auth).status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]
    assert api.get("/api/v1/components/", HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_the_api_guide_and_docs_are_served_without_any_outside_asset(client):
    guide = client.get("/api/")
    assert guide.status_code == 200
    assert "curl 'http://testserver/api/v1/models/" in guide.text
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in docs.text
    assert "https://" not in docs.text and "http://" not in docs.text.replace(
        "http://testserver", ""
    )
    assert (
        client.get("/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js").status_code
        == 200
    )
    schema = client.get("/api/v1/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content


@pytest.mark.parametrize(
    "parameter", ["organization", "license", "q", "released_after", "ordering"]
)
def test_a_nul_character_is_a_400_not_a_500(api, parameter):
    response = api.get("/api/v1/models/", {parameter: "a\x00b"})
    assert response.status_code == 400
    assert list(response.json()) == [parameter]
    assert api.get("/api/v1/changes/", {"model": "a\x00b"}).status_code == 400
