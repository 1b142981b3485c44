"""API v1 against the real catalogue: every endpoint, filter, ordering, the 304 path, errors."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import AnonRateThrottle

from catalog import selectors
from catalog.api import serializers, views
from catalog.indexes import importer
from catalog.models import AIModel, Assessment, IndexEntry, IndexMatch, License, ScoreSnapshot

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
        # An MIT fine-tune is still bound by its base model's Llama 2 licence.
        ({"restriction": "mau_cap"}, "nous-hermes-llama2-13b", "olmo-7b"),
        ({"restriction": ["mau_cap", "acceptable_use_policy"]}, "nous-hermes-llama2-13b", None),
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
        ({"restriction": "evil"}, "restriction"),
        ({"modality": "smell"}, "modality"),
        ({"kind": "sentient"}, "kind"),
        ({"kind": ["chat", "sentient"]}, "kind"),
        ({"size": "huge"}, "size"),
        ({"release_year": "twenty"}, "release_year"),
        ({"released_after": "2024-13-01"}, "released_after"),
        ({"released_before": "2024-02-30"}, "released_before"),
        ({"released_before": "last year"}, "released_before"),
        ({"release_year": "²⁰²⁴"}, "release_year"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page_size": "²"}, "page_size"),
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
    assert set(body["scores"]) == {"g7", "label", "osaid", "mof", "index", "eu_ai_act"}
    # An inherited Llama licence denies the EU AI Act exemption, whatever the card states.
    assert body["eu_ai_act"] == "Exemption does not apply"
    eu = body["scores"]["eu_ai_act"]
    assert "inherited from llama-3.3-70b-instruct" in eu["criteria"][0]["reason"]
    assert "not legal advice" in eu["details"]["not_legal_advice"]
    assert body["eu_ai_act_facts"] == {}
    osaid = body["scores"]["osaid"]
    assert osaid["verdict"] == "does not conform"
    assert osaid["permalink"].startswith(
        "http://testserver/models/deepseek-r1-distill-llama-70b/scores/"
    )
    assert any(not c["passed"] for c in osaid["criteria"])
    llama = api.get("/api/v1/models/llama-3.3-70b-instruct/").json()
    assert "deepseek-r1-distill-llama-70b" in llama["derivatives"]


def test_it_shows_only_http_evidence_written_before_every_entry_point_checked_it(api):
    Assessment.objects.filter(
        model__slug="deepseek-r1-distill-llama-70b", component="weights_final"
    ).update(evidence=["javascript:alert(1)", "ftp://example.org/w", "https://example.org/w"])
    body = api.get("/api/v1/models/deepseek-r1-distill-llama-70b/").json()
    weights = next(a for a in body["assessments"] if a["component"] == "weights_final")
    assert weights["evidence"] == ["https://example.org/w"]
    dump = api.get("/api/v1/dump/").json()
    model = next(m for m in dump["models"] if m["slug"] == "deepseek-r1-distill-llama-70b")
    weights = next(a for a in model["assessments"] if a["component"] == "weights_final")
    assert weights["evidence"] == ["https://example.org/w"]


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
    assert {row["framework"] for row in history["results"]} == {
        "g7",
        "label",
        "osaid",
        "mof",
        "index",
        "eu_ai_act",
    }
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


@pytest.mark.parametrize(
    "path", ["/api/v1/organizations/a%0Ab/", "/api/v1/models/a%0Ab/", "/api/v1/nothing%0A/"]
)
def test_a_path_with_a_newline_is_a_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


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
    assert set(frameworks) == {"g7", "label", "osaid", "mof", "index", "eu_ai_act"}
    assert frameworks["eu_ai_act"]["version"] == "1.0.0"
    assert frameworks["eu_ai_act"]["name"] == "EU AI Act open-source exemption"
    assert [c["id"] for c in frameworks["eu_ai_act"]["criteria"]][-2:] == [
        "systemic_risk",
        "training_summary",
    ]
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

    from catalog import history, publishing

    assessment = Assessment.objects.get(model__slug="olmo-7b", component="doc_sample_outputs")
    before = history.state_of(assessment)
    assessment.note = "Checked again."
    with django_capture_on_commit_callbacks(execute=True):
        assessment.save()
        history.record(assessment, before=before, actor="alice", reason="Recheck")
        publishing.evidence_changed(publishing.models_scored_from(assessment))
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


# --- Ordering follows the verdicts ---------------------------------------------------------------

LABEL_RANKS = {"Open source AI": 3, "Open weights": 2, "Restricted weights": 1, "Closed": 0}
ORDER_KEYS = {
    "label": lambda row: LABEL_RANKS[row["label"]],
    "osaid": lambda row: 1 if row["osaid"] == "conforms" else 0,
    "mof": lambda row: round(sum(row["mof_progress"].values()), 4),
}


@pytest.mark.parametrize("field", list(ORDER_KEYS))
@pytest.mark.parametrize("descending", [True, False])
def test_ordering_by_a_verdict_puts_the_models_in_its_order(api, field, descending):
    ordering = f"-{field}" if descending else field
    rows = api.get("/api/v1/models/", {"page_size": 200, "ordering": ordering}).json()["results"]
    keys = [ORDER_KEYS[field](row) for row in rows]
    assert len(set(keys)) > 1
    assert keys == sorted(keys, reverse=descending)


def test_ties_on_a_verdict_are_broken_the_same_way_every_time(api):
    first = slugs(api.get("/api/v1/models/", {"page_size": 200, "ordering": "osaid"}))
    second = slugs(api.get("/api/v1/models/", {"page_size": 200, "ordering": "osaid"}))
    assert first == second


# --- Restrictions as the scorer sees them --------------------------------------------------------


@pytest.mark.parametrize("flag", ["mau_cap", "acceptable_use_policy", "non_commercial"])
def test_the_restriction_filter_agrees_with_the_restriction_analysis(api, flag):
    from catalog import selectors
    from catalog.frameworks.restrictions import restrictions_of

    published = {m.pk: m.slug for m in AIModel.objects.published()}
    evidence = selectors.evidence_by_model_id(list(published))
    bound = {
        published[pk]
        for pk, model_evidence in evidence.items()
        if flag in {r.flag for r in restrictions_of(model_evidence)}
    }
    assert bound
    assert set(slugs(api.get("/api/v1/models/", {"page_size": 200, "restriction": flag}))) == bound


def test_a_base_model_of_the_same_organisation_binds_nothing(api):
    # DeepSeek-R1 (MIT) is built on DeepSeek's own V3: as licensor of both, DeepSeek may grant it
    # other terms, so the V3 licence's use policy does not bind R1.
    found = slugs(
        api.get("/api/v1/models/", {"page_size": 200, "restriction": "acceptable_use_policy"})
    )
    assert "deepseek-v3" in found
    assert "deepseek-r1" not in found


def _cold_queries(api, path):
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        found = slugs(api.get(path))
    return found, len(queries)


def test_the_restriction_filter_runs_the_same_queries_however_many_models(api):
    from catalog.scoring import rescore

    path = "/api/v1/models/?restriction=mau_cap&q=llama&page_size=200"
    before, few = _cold_queries(api, path)
    base = AIModel.objects.get(slug="nous-hermes-llama2-13b")
    assessments = list(base.assessments.all())
    clones = []
    for number in range(20):
        clone = AIModel.objects.get(pk=base.pk)
        clone.pk, clone.slug, clone.name = None, f"llama-clone-{number}", f"Llama clone {number}"
        clone.save()
        for assessment in assessments:
            assessment.pk, assessment.model = None, clone
            assessment.save()
        clones.append(clone.pk)
    rescore(clones)
    after, many = _cold_queries(api, path)
    assert len(after) == len(before) + 20
    assert many == few


def test_the_restrictions_are_worked_out_once_for_each_data_version(
    api, django_capture_on_commit_callbacks, settings
):
    from catalog import history, publishing

    settings.PAGE_CACHE_SECONDS = 0  # count the queries of an answer, not of a cached one
    api.get("/api/v1/models/?q=llama&restriction=mau_cap")
    api.get("/api/v1/models/?q=llama")  # both totals counted once, as the restrictions were
    with CaptureQueriesContext(connection) as unfiltered:
        assert slugs(api.get("/api/v1/models/?q=llama"))
    with CaptureQueriesContext(connection) as filtered:
        assert slugs(api.get("/api/v1/models/?q=llama&restriction=mau_cap"))
    assert len(filtered) == len(unfiltered)
    restricted = "/api/v1/models/?q=olmo&restriction=mau_cap"
    assert slugs(api.get(restricted)) == []
    # A recorded change to the evidence is a new data version, and the restrictions follow it.
    weights = Assessment.objects.get(model__slug="olmo-7b", component="weights_final")
    before = history.state_of(weights)
    weights.license = License.objects.get(identifier="LicenseRef-llama-2")
    with django_capture_on_commit_callbacks(execute=True):
        weights.save()
        history.record(weights, before=before, actor="alice", reason="Relicensed")
        publishing.evidence_changed(publishing.models_scored_from(weights))
    assert "olmo-7b" in slugs(api.get(restricted))


def test_a_filter_naming_an_unknown_organisation_or_licence_is_a_404_that_names_it(api):
    # Well-formed, so not a 400: the organisation or licence asked for does not exist.
    response = api.get("/api/v1/models/", {"organization": "nobody"})
    assert response.status_code == 404
    assert response.json() == {"organization": ["unknown organisation 'nobody'"]}
    response = api.get("/api/v1/models/", {"organization": ["meta", "nobody"]})
    assert response.status_code == 404
    response = api.get("/api/v1/models/", {"license": "WTFPL-9"})
    assert response.status_code == 404
    assert response.json() == {"license": ["unknown licence 'WTFPL-9'"]}
    # An organisation with nothing published is known: it simply matches nothing.
    from catalog.models import Organization

    Organization.objects.create(slug="quiet-lab", name="Quiet Lab", kind="academic")
    assert slugs(api.get("/api/v1/models/", {"organization": "quiet-lab"})) == []


def test_a_page_past_the_end_is_a_404_and_the_last_page_has_a_name(api):
    assert api.get("/api/v1/licenses/", {"page": 99}).status_code == 404
    last = api.get("/api/v1/models/", {"page": "last", "page_size": 50})
    assert last.status_code == 200
    assert last.json()["next"] is None


# --- Constant queries on every list ---------------------------------------------------------------

LISTS = [
    "/api/v1/models/",
    "/api/v1/models/?label=restricted-weights&ordering=-index",
    "/api/v1/models/?organization=meta&license=LicenseRef-llama-2",
    "/api/v1/models/?restriction=mau_cap&restriction=acceptable_use_policy",
    "/api/v1/models/?q=llama&ordering=mof",
    "/api/v1/models/olmo-7b/history/",
    "/api/v1/licenses/",
    "/api/v1/organizations/",
    "/api/v1/changes/",
    "/api/v1/changes/?model=olmo-7b",
]


@pytest.mark.parametrize("path", LISTS)
def test_every_list_runs_the_same_queries_for_one_row_or_a_page_of_them(api, path):
    joiner = "&" if "?" in path else "?"
    api.get(path)  # warms the data version, computed once per change
    with CaptureQueriesContext(connection) as one:
        response = api.get(f"{path}{joiner}page_size=1")
    assert len(response.json()["results"]) == 1
    with CaptureQueriesContext(connection) as page:
        response = api.get(f"{path}{joiner}page_size=200")
    assert len(response.json()["results"]) > 1
    assert len(one) == len(page), path


def test_the_dump_runs_the_same_queries_however_many_models(api):
    def dump_queries():
        from django.core.cache import cache

        from catalog.data_version import forget_version_reads

        cache.clear()
        forget_version_reads()
        with CaptureQueriesContext(connection) as queries:
            body = api.get("/api/v1/dump/").json()
        return len(body["models"]), len(queries)

    count, many = dump_queries()
    # Models that are nobody's base and have none keep the lineage's depth as it was.
    standalone = AIModel.objects.filter(base_model__isnull=True, derivatives__isnull=True)
    AIModel.objects.filter(pk__in=list(standalone.values_list("pk", flat=True)[:20])).update(
        status=AIModel.Status.DRAFT
    )
    fewer, few = dump_queries()
    assert fewer == count - 20
    assert few == many


# --- Conditional requests -------------------------------------------------------------------------

DATA_ENDPOINTS = [
    "/api/v1/models/",
    "/api/v1/models/olmo-7b/",
    "/api/v1/models/olmo-7b/?as_of=2030-01-01",
    "/api/v1/models/olmo-7b/history/",
    "/api/v1/licenses/",
    "/api/v1/licenses/Apache-2.0/",
    "/api/v1/organizations/",
    "/api/v1/organizations/ai2/",
    "/api/v1/changes/",
    "/api/v1/components/",
    "/api/v1/frameworks/",
    "/api/v1/dump/",
]


@pytest.mark.parametrize("path", DATA_ENDPOINTS)
def test_every_endpoint_answers_304_to_either_validator(api, path):
    first = api.get(path)
    assert first.status_code == 200
    etag, modified = first["ETag"], first["Last-Modified"]
    by_etag = api.get(path, HTTP_IF_NONE_MATCH=etag)
    assert by_etag.status_code == 304
    assert by_etag.content == b""
    assert api.get(path, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert api.get(path, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


UNKNOWN_ITEMS = [
    "/api/v1/models/no-such-model/",
    "/api/v1/models/no-such-model/history/",
    "/api/v1/licenses/NOPE-1.0/",
    "/api/v1/organizations/nobody/",
]


@pytest.mark.parametrize("path", UNKNOWN_ITEMS)
def test_an_unknown_item_is_a_404_whatever_validator_is_sent(api, path):
    assert api.get(path, HTTP_IF_NONE_MATCH="*").status_code == 404
    assert api.get(path, HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT").status_code == 404
    response = api.get(path)
    assert response.status_code == 404
    assert "ETag" not in response


def test_a_draft_is_unknown_to_conditional_requests_too(api):
    AIModel.objects.filter(slug="olmo-7b").update(status=AIModel.Status.DRAFT)
    assert api.get("/api/v1/models/olmo-7b/", HTTP_IF_NONE_MATCH="*").status_code == 404


def test_an_existing_item_matches_any_etag(api):
    assert api.get("/api/v1/models/olmo-7b/", HTTP_IF_NONE_MATCH="*").status_code == 304


# --- Throttling -----------------------------------------------------------------------------------


def test_a_changed_forwarded_for_header_does_not_reset_the_anonymous_count(api, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute", raising=False)
    codes = [
        api.get("/api/v1/components/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(4)
    ]
    assert codes == [200, 200, 200, 429]


# --- Hub facts ------------------------------------------------------------------------------------


def _hub_record(slug, repo_id, **values):
    from catalog.models import HubRecord

    return HubRecord.objects.create(
        model=AIModel.objects.get(slug=slug), hub="huggingface", repo_id=repo_id, **values
    )


def test_the_detail_says_what_each_hub_last_said(api):
    fetched = datetime.datetime(2026, 12, 1, 6, 30, tzinfo=datetime.UTC)
    _hub_record(
        "olmo-7b", "allenai/OLMo-7B", canonical_id="allenai/OLMo-7B-hf", status="ok",
        sha="a" * 40, last_modified=datetime.datetime(2024, 7, 16, tzinfo=datetime.UTC),
        gated="", license_tag="apache-2.0", checkpoint_branches=["step1000", "step2000"],
        fetched_at=fetched, raw={"model_info": {"big": "x" * 1000}}, files=["model.safetensors"],
    )  # fmt: skip
    _hub_record(
        "olmo-7b", "allenai/OLMo-7B-old", status="error", gated="manual", error_count=2,
        last_error="TransientHubError: 503", fetched_at=fetched,
    )  # fmt: skip
    body = api.get("/api/v1/models/olmo-7b/").json()
    assert body["hub_records"] == [
        {
            "hub": "huggingface",
            "repo_id": "allenai/OLMo-7B",
            "canonical_id": "allenai/OLMo-7B-hf",
            "status": "ok",
            "sha": "a" * 40,
            "last_modified": "2024-07-16T00:00:00Z",
            "gated": "",
            "license_tag": "apache-2.0",
            "checkpoint_branch_count": 2,
            "fetched_at": "2026-12-01T06:30:00Z",
            "error": "",
        },
        {
            "hub": "huggingface",
            "repo_id": "allenai/OLMo-7B-old",
            "canonical_id": "",
            "status": "error",
            "sha": "",
            "last_modified": None,
            "gated": "manual",
            "license_tag": "",
            "checkpoint_branch_count": 0,
            "fetched_at": "2026-12-01T06:30:00Z",
            "error": "TransientHubError: 503",
        },
    ]
    assert api.get("/api/v1/models/llama-2-7b/").json()["hub_records"] == []


def test_hub_facts_take_one_query_however_many_records(api, settings):
    settings.PAGE_CACHE_SECONDS = 0  # count the queries of an answer, not of a cached one
    _hub_record("olmo-7b", "allenai/OLMo-7B")
    api.get("/api/v1/models/olmo-7b/")  # warms the data version, computed once per change
    with CaptureQueriesContext(connection) as one:
        api.get("/api/v1/models/olmo-7b/")
    for number in range(5):
        _hub_record("olmo-7b", f"allenai/OLMo-7B-{number}")
    with CaptureQueriesContext(connection) as six:
        body = api.get("/api/v1/models/olmo-7b/").json()
    assert len(body["hub_records"]) == 6
    assert len(one) == len(six)
    hub_queries = [q["sql"] for q in six.captured_queries if "catalog_hubrecord" in q["sql"]]
    assert all('"raw"' not in sql and '"files"' not in sql for sql in hub_queries)


def test_a_hub_read_gives_the_detail_and_the_dump_new_validators(api):
    record = _hub_record(
        "olmo-7b", "allenai/OLMo-7B", fetched_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    detail, dump = api.get("/api/v1/models/olmo-7b/"), api.get("/api/v1/dump/")
    # A refresh that finds nothing new records no change, but the facts' fetched_at moves on.
    record.fetched_at = datetime.datetime.now(datetime.UTC)
    record.save()
    again = api.get("/api/v1/models/olmo-7b/", HTTP_IF_NONE_MATCH=detail["ETag"])
    assert again.status_code == 200
    assert again.json()["hub_records"][0]["fetched_at"] == record.fetched_at.isoformat().replace(
        "+00:00", "Z"
    )
    dump_again = api.get("/api/v1/dump/", HTTP_IF_NONE_MATCH=dump["ETag"])
    assert dump_again.status_code == 200
    olmo = next(m for m in dump_again.json()["models"] if m["slug"] == "olmo-7b")
    assert olmo["hub_records"][0]["fetched_at"] == again.json()["hub_records"][0]["fetched_at"]
    # Other models' details are not disturbed by it.
    other = api.get("/api/v1/models/llama-2-7b/")
    assert (
        api.get("/api/v1/models/llama-2-7b/", HTTP_IF_NONE_MATCH=other["ETag"]).status_code == 304
    )


# --- The detail: built as plain data, in a fixed number of queries --------------------------------


def test_a_list_row_is_byte_for_byte_what_its_serializer_declares_for_every_model(api, rf):
    request = rf.get("/api/v1/models/")
    render = JSONRenderer().render
    rows = list(selectors.ranking().order_by("slug"))
    assert any(row.base_model for row in rows) and any(row.mof_progress for row in rows)
    for row in rows:
        declared = serializers.ModelListSerializer(row, context={"request": request}).data
        assert render(serializers.model_list_data(row, request)) == render(declared), row.slug


def test_the_detail_is_byte_for_byte_what_its_serializer_declares_for_every_model(api, rf):
    importer.import_index("osi")  # matches in another index
    # OSI's verdict on Pythia, matched against a model we find otherwise: a difference, explained.
    IndexMatch.objects.create(
        entry=IndexEntry.objects.get(source="osi", name="Pythia"),
        model=AIModel.objects.get(slug="llama-2-7b"),
    )
    _hub_record(
        "olmo-7b", "allenai/OLMo-7B", canonical_id="allenai/OLMo-7B-hf", status="ok",
        sha="a" * 40, last_modified=datetime.datetime(2024, 7, 16, tzinfo=datetime.UTC),
        checkpoint_branches=["step1000"], fetched_at=datetime.datetime.now(datetime.UTC),
    )  # fmt: skip
    request = rf.get("/api/v1/models/")
    render = JSONRenderer().render
    for as_of in (None, datetime.date(2030, 1, 1)):
        details = views.details_of(selectors.detail_rows().order_by("slug"), as_of)
        for detail in details:
            declared = serializers.ModelDetailSerializer(detail, context={"request": request})
            served = serializers.model_detail_data(detail, request)
            assert render(served) == render(declared.data), detail.slug
    # Every part of the detail is there for some model, so each was compared.
    parts = (
        "lineage", "derivatives", "restrictions", "release_licenses", "corrections", "scores",
        "hub_records", "other_indexes", "eu_ai_act_facts",
    )  # fmt: skip
    for part in parts:
        assert any(getattr(detail, part) for detail in details), part
    assert any(a.pins for detail in details for a in detail.assessments)
    assert any(d["differences"] for detail in details for d in detail.other_indexes)


def test_a_model_detail_is_built_in_a_fixed_number_of_queries(
    api, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # built on every request, as after a data change
    importer.import_index("osi")
    api.get("/api/v1/models/olmo-7b/")  # works out the licences' terms, kept for the data version
    # When a hub last read it with the data version (its validators), the model with its
    # scores, its assessments with their licences, and its current snapshots.
    with django_assert_num_queries(4):
        assert api.get("/api/v1/models/claude-3.5-sonnet/").status_code == 200
    # One more for each kind of record it has: its correction, other indexes' entries, hub
    # records and derivatives.
    olmo = AIModel.objects.get(slug="olmo-7b")
    _hub_record("olmo-7b", "allenai/OLMo-7B")
    AIModel.objects.filter(slug="pythia-12b").update(base_model=olmo)
    with django_assert_num_queries(8):
        body = api.get("/api/v1/models/olmo-7b/").json()
    assert all(body[part] for part in ("corrections", "other_indexes", "hub_records"))
    assert body["derivatives"] == ["pythia-12b"]
    # However many of them.
    for number in range(3):
        _hub_record("olmo-7b", f"allenai/OLMo-7B-{number}")
    AIModel.objects.filter(slug="pythia-6.9b").update(base_model=olmo)
    with django_assert_num_queries(8):
        body = api.get("/api/v1/models/olmo-7b/").json()
    assert (len(body["hub_records"]), len(body["derivatives"])) == (4, 2)
    # A fine-tune's ancestors: their rows and their assessments, two more.
    with django_assert_num_queries(4 + 1 + 2):
        api.get("/api/v1/models/deepseek-r1-distill-llama-70b/")


def test_a_retired_machine_read_entry_redirects_to_the_detail_of_the_curated_one(api):
    curated = AIModel.objects.get(slug="olmo-7b")
    AIModel.objects.create(
        slug="allenai-olmo-7b", name="allenai/OLMo-7B", organization=curated.organization,
        family="OLMo-7B", release_date=curated.release_date, modality="text", kind="unknown",
        review_status=AIModel.ReviewStatus.MACHINE_READ, status=AIModel.Status.RETIRED,
        merged_into=curated,
    )  # fmt: skip
    response = api.get("/api/v1/models/allenai-olmo-7b/")
    olmo = "http://testserver/api/v1/models/olmo-7b/"
    assert (response.status_code, response["Location"]) == (301, olmo)
    assert api.get(response["Location"]).json()["slug"] == "olmo-7b"
    # The query goes along; the page moved the same way.
    moved = api.get("/api/v1/models/allenai-olmo-7b/", {"as_of": "2030-01-01"})
    assert moved["Location"] == f"{olmo}?as_of=2030-01-01"
    assert api.get("/models/allenai-olmo-7b/")["Location"] == "/models/olmo-7b/"
    # A retired entry merged into nothing, like any unknown slug, is not found.
    AIModel.objects.filter(slug="allenai-olmo-7b").update(merged_into=None)
    assert api.get("/api/v1/models/allenai-olmo-7b/").status_code == 404


# --- Frameworks with their criteria ---------------------------------------------------------------


def test_each_framework_lists_its_criteria(api):
    frameworks = {f["id"]: f for f in api.get("/api/v1/frameworks/").json()}
    osaid = {c["id"]: c for c in frameworks["osaid"]["criteria"]}
    assert list(osaid) == ["data_information", "code", "parameters", "terms"]
    assert "code_training" in osaid["code"]["components"]
    assert osaid["code"]["mof_class"] is None and osaid["code"]["group"] is None
    mof = {c["id"]: c for c in frameworks["mof"]["criteria"]}
    assert mof["class_III:weights_final"]["mof_class"] == "III"
    assert mof["class_I:data_pretraining"]["mof_class"] == "I"
    assert mof["class_II:code_libraries (optional)"]["optional"] is True
    assert mof["class_II:code_training"]["optional"] is False
    index = {c["id"]: c for c in frameworks["index"]["criteria"]}
    assert index["data:data_pretraining"]["group"] == "data"
    assert index["terms"]["group"] == "terms"
    assert {c["group"] for c in index.values()} == {"model", "code", "data", "docs", "terms"}
    assert len(index) == 21  # every component, and the licence terms
    assert frameworks["mof"]["version"] == frameworks["mof"]["versions"][-1]["version"]
    assert frameworks["mof"]["versions"][0] == {
        "version": "1.0.0",
        "date": "2026-11-23",
        "change": "First rules, after MOF 1.0 and the Model Openness Tool.",
    }


def test_every_criterion_in_every_score_is_defined_by_its_framework(api):
    defined = {
        f["id"]: {c["id"]: c for c in f["criteria"]} for f in api.get("/api/v1/frameworks/").json()
    }
    seen = set()
    for model in api.get("/api/v1/dump/").json()["models"]:
        for framework_id, score in model["scores"].items():
            for criterion in score["criteria"]:
                definition = defined[framework_id].get(criterion["id"])
                assert definition is not None, (model["slug"], framework_id, criterion["id"])
                if criterion["components"] and definition["components"]:
                    assert set(criterion["components"]) <= set(definition["components"])
                seen.add((framework_id, criterion["id"]))
    # And no framework defines a criterion that no result ever uses.
    unused = {(f, c) for f, criteria in defined.items() for c in criteria} - seen
    assert unused == set()


def test_an_answer_is_kept_until_the_data_changes(api, django_capture_on_commit_callbacks):
    from catalog import history, publishing

    first = api.get("/api/v1/models/olmo-7b/")
    with CaptureQueriesContext(connection) as again:
        second = api.get("/api/v1/models/olmo-7b/")
    assert second.json() == first.json()
    # Only the validators' own lookup: no assessments, scores or licences are read.
    assert not any("catalog_assessment" in q["sql"] for q in again.captured_queries)
    model = AIModel.objects.get(slug="olmo-7b")
    before = history.state_of(model)
    model.description = "Changed."
    with django_capture_on_commit_callbacks(execute=True):
        model.save()
        history.record(model, before=before, actor="alice", reason="Shorter description")
        publishing.evidence_changed(publishing.models_scored_from(model))
    assert api.get("/api/v1/models/olmo-7b/").json()["description"] == "Changed."


@pytest.mark.parametrize(
    "since",
    ["0417-03-30T23:25:28+22:39", "0001-01-01T00:00:00+10:00", "9999-12-31T23:59:59-10:00"],
)
def test_any_rfc_3339_date_time_is_accepted_as_a_lower_bound(api, since):
    assert api.get("/api/v1/models/", {"updated_since": since}).status_code == 200
    assert api.get("/api/v1/changes/", {"since": since}).status_code == 200


def test_the_schema_says_free_text_parameters_hold_no_nul_character():
    import yaml

    from tests.test_api_schema import SCHEMA

    spec = yaml.safe_load(SCHEMA.read_text())
    parameters = {
        (path, p["name"]): p["schema"]
        for path, operations in spec["paths"].items()
        for p in operations["get"].get("parameters", [])
    }
    for key in [("/api/v1/models/", "q"), ("/api/v1/changes/", "model")]:
        assert parameters[key]["pattern"] == "^[^\\u0000]*$", key
    for key in [("/api/v1/models/", "organization"), ("/api/v1/models/", "license")]:
        assert parameters[key]["items"]["pattern"] == "^[^\\u0000]*$", key
