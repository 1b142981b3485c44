"""Every answer says whether a cache may keep it: public reads for a short shared max-age with
validators tied to the data version, anything personal never."""

import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils.http import http_date
from rest_framework.authtoken.models import Token
from rest_framework.throttling import AnonRateThrottle

from catalog import data_version, http_cache
from catalog.models import AIModel, HubRecord, ScoreSnapshot

pytestmark = pytest.mark.django_db

# Every named route of the site but the admin, with an address that answers 200.
PUBLIC = {
    "catalog:model-list": "/",
    "catalog:api-guide": "/api/",
    "catalog:model-detail": "/models/example-7b-chat/",
    "catalog:snapshot": "/models/example-7b-chat/scores/{key}/",
    "catalog:compare": "/compare/?models=example-base-7b,example-7b-chat",
    "catalog:chart": "/chart/",
    "catalog:methodology": "/methodology/",
    "catalog:framework": "/methodology/osaid/",
    "catalog:about-data": "/about/data/",
    "catalog:licences": "/licences/",
    "catalog:licence": "/licences/Apache-2.0/",
    "catalog:organisations": "/organisations/",
    "catalog:organisation": "/organisations/example-lab/",
    "catalog:changes": "/changes/",
    "catalog:changes-feed": "/changes/feed/",
    "catalog:corrections-log": "/corrections/",
    "catalog:corrections-feed": "/corrections/feed/",
    "catalog:concordance": "/concordance/",
    "catalog:downloads": "/downloads/",
    "catalog:download-csv": "/downloads/openness-scorecard.csv",
    "catalog:download-json": "/downloads/openness-scorecard.json",
    "catalog:badge-svg": "/badge/example-7b-chat.svg",
    "catalog:badge-png": "/badge/example-7b-chat.png",
    "api:model-list": "/api/v1/models/",
    "api:model-detail": "/api/v1/models/example-7b-chat/",
    "api:model-history": "/api/v1/models/example-7b-chat/history/",
    "api:license-list": "/api/v1/licenses/",
    "api:license-detail": "/api/v1/licenses/Apache-2.0/",
    "api:organization-list": "/api/v1/organizations/",
    "api:organization-detail": "/api/v1/organizations/example-lab/",
    "api:change-list": "/api/v1/changes/",
    "api:component-list": "/api/v1/components/",
    "api:framework-list": "/api/v1/frameworks/",
    "api:dump": "/api/v1/dump/",
    "api:schema": "/api/v1/schema/",
}
# Routes whose answers are personal, or carry a one-time CSP nonce, or are not reads.
PERSONAL = {
    "catalog:correction": "/models/example-7b-chat/correction/",
    "catalog:correction-sent": "/models/example-7b-chat/correction/sent/",
    "api:docs": "/api/v1/docs/",
    "health": "/health/",
    "webhook-huggingface": "/hooks/huggingface",
    "api:None": "/api/v1/no-such-endpoint/",
}
PRIVATE = "private, no-store"


def route_names(patterns=None, namespace=None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            yield from route_names(pattern.url_patterns, pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


@pytest.fixture
def scored(client, catalogue_with_scores):
    return client


def address(name):
    path = PUBLIC[name]
    if "{key}" in path:
        snapshot = ScoreSnapshot.objects.filter(model__slug="example-7b-chat").first()
        path = path.format(key=snapshot.key)
    return path


def test_every_route_is_either_public_or_personal():
    assert set(route_names()) == set(PUBLIC) | set(PERSONAL)
    assert not set(PUBLIC) & set(PERSONAL)


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_every_public_read_may_be_kept_by_shared_caches_and_revalidated(scored, name):
    response = scored.get(address(name))
    assert response.status_code == 200
    assert response["Cache-Control"] == http_cache.shared_cache_control()
    assert response["Cache-Control"].startswith("public, max-age=60, stale-while-revalidate=")
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"]
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies
    again = scored.get(address(name), HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304
    assert again["Cache-Control"] == response["Cache-Control"]
    assert again["ETag"] == response["ETag"]


def test_the_last_modified_of_a_public_read_is_the_data_version(scored):
    response = scored.get("/licences/")
    assert response["Last-Modified"] == http_date(data_version.data_version().timestamp())


def test_a_model_page_is_last_modified_when_its_hub_was_last_read(scored):
    first = scored.get("/models/example-7b-chat/")
    read = data_version.data_version().replace(microsecond=0) + datetime.timedelta(hours=1)
    HubRecord.objects.create(
        model=AIModel.objects.get(slug="example-7b-chat"),
        hub=HubRecord.Hub.HUGGINGFACE,
        repo_id="example/chat",
        fetched_at=read,
    )
    second = scored.get("/models/example-7b-chat/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["Last-Modified"] == http_date(read.timestamp())
    assert second["ETag"] != first["ETag"]


def test_the_etag_names_the_host_as_pages_hold_absolute_links(scored):
    here = scored.get("/models/example-7b-chat/")
    there = scored.get("/models/example-7b-chat/", HTTP_HOST="localhost")
    assert 'href="http://localhost/badge/example-7b-chat.svg"' in there.text
    assert here["ETag"] != there["ETag"]


def test_the_model_page_is_kept_whole_in_the_cache_until_the_data_changes(
    scored, django_assert_max_num_queries
):
    first = scored.get("/models/example-7b-chat/")
    # Again: one query for its validators (the data version and the model's hub reads), none
    # for the page.
    with django_assert_max_num_queries(1):
        again = scored.get("/models/example-7b-chat/")
    assert again.content == first.content


def test_a_hub_read_rebuilds_only_the_model_pages_hub_records(
    scored, django_assert_max_num_queries
):
    first = scored.get("/models/example-7b-chat/")
    HubRecord.objects.create(
        model=AIModel.objects.get(slug="example-7b-chat"),
        hub=HubRecord.Hub.HUGGINGFACE,
        repo_id="example/chat-read",
        fetched_at=data_version.data_version() + datetime.timedelta(hours=1),
    )
    # Its validators, the model and its hub records: the rest is kept for the data version.
    with django_assert_max_num_queries(3):
        second = scored.get("/models/example-7b-chat/")
    assert "example/chat-read" in second.text and "example/chat-read" not in first.text
    before, after = first.text.split('<h2 id="hub">'), second.text.split('<h2 id="hub">')
    assert after[0] == before[0]
    assert (
        after[1].split('<h2 id="other-indexes">')[1]
        == before[1].split('<h2 id="other-indexes">')[1]
    )


def test_a_data_change_shows_on_a_model_page_at_once(scored, django_capture_on_commit_callbacks):
    from catalog import history, publishing

    scored.get("/models/example-7b-chat/")
    scored.get("/models/example-7b-chat/?utm_source=news")  # built from the kept fragments
    model = AIModel.objects.get(slug="example-7b-chat")
    before = history.state_of(model)
    model.name = "Example Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        model.save()
        history.record(model, before=before, actor="alice", reason="A new name")
        publishing.evidence_changed(publishing.models_scored_from(model))
    for path in ("/models/example-7b-chat/", "/models/example-7b-chat/?utm_source=news"):
        page = scored.get(path).text
        assert "<title>Example Renamed:" in page
        assert "Suggest a correction to Example Renamed" in page


@pytest.mark.parametrize("name", ["catalog:correction", "catalog:correction-sent", "api:docs"])
def test_pages_with_a_form_or_a_nonce_are_never_kept(scored, name):
    response = scored.get(PERSONAL[name])
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_the_health_check_is_never_kept(scored):
    response = scored.get("/health/")
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_an_unknown_address_is_not_kept(scored):
    assert scored.get("/api/v1/no-such-endpoint/")["Cache-Control"] == PRIVATE
    assert scored.get("/no-such-page/")["Cache-Control"] == PRIVATE


def test_a_token_holders_answer_is_private(scored):
    user = User.objects.create_user("reader")
    token = Token.objects.create(user=user)
    response = scored.get("/api/v1/models/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_a_bad_token_is_refused_and_not_kept(scored):
    response = scored.get("/api/v1/models/", HTTP_AUTHORIZATION="Token nonsense")
    assert response.status_code == 401
    assert response["Cache-Control"] == PRIVATE


def test_a_throttled_answer_is_not_kept(scored, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "rate", "1/minute", raising=False)
    assert scored.get("/api/v1/components/").status_code == 200
    response = scored.get("/api/v1/components/")
    assert response.status_code == 429
    assert response["Cache-Control"] == PRIVATE


def test_the_admin_is_never_kept(scored):
    staff = User.objects.create_user("curator", password="pw", is_staff=True, is_superuser=True)
    assert "no-store" in scored.get("/admin/login/")["Cache-Control"]
    signed_in = Client()
    signed_in.force_login(staff)
    response = signed_in.get("/admin/catalog/aimodel/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]


def test_a_public_page_read_with_a_session_stays_public(scored):
    # A curator signed in reads the same public page as anyone: nothing personal is on it.
    staff = User.objects.create_user("curator", is_staff=True)
    signed_in = Client()
    signed_in.force_login(staff)
    response = signed_in.get("/models/example-7b-chat/")
    assert response["Cache-Control"] == http_cache.shared_cache_control()
    assert "Cookie" not in response.get("Vary", "")


def test_a_write_is_never_kept(scored):
    response = scored.post("/models/example-7b-chat/correction/", {})
    assert response.status_code in (400, 403)
    assert response["Cache-Control"] == PRIVATE


def test_the_about_page_states_how_soon_a_change_is_public(scored):
    text = scored.get("/about/data/").text
    assert "public everywhere within 61 seconds of being saved" in text


def _rename_with_a_recorded_change(slug, name):
    from django.db import transaction

    from catalog import history, publishing

    with transaction.atomic():
        model = AIModel.objects.get(slug=slug)
        before = history.state_of(model)
        model.name = name
        model.save()
        history.record(model, before=before, actor="curator", reason="renamed")
        publishing.evidence_changed(publishing.models_scored_from(model))


def test_a_write_moves_the_etag_on_even_when_a_stalled_reader_caches_the_old_version(
    scored, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    first = scored.get("/api/v1/models/example-7b-chat/")
    old_version = data_version.data_version()
    with django_capture_on_commit_callbacks(execute=True):
        _rename_with_a_recorded_change("example-7b-chat", "Renamed During A Stall")
    # A reader that read the version before the write commits and stored it after (Redis
    # stalled in between) leaves the old version in the shared cache.
    cache.set("catalog:data-version", old_version, None)
    second = scored.get("/api/v1/models/example-7b-chat/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second.json()["name"] == "Renamed During A Stall"
    assert second["ETag"] != first["ETag"]


def test_a_write_moves_the_etag_on_when_the_cache_is_unreachable_at_commit(
    scored, django_capture_on_commit_callbacks, monkeypatch
):
    from django.core.cache import cache

    first = scored.get("/licences/")

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis stalled")

    with monkeypatch.context() as patch:
        patch.setattr(cache, "delete", unreachable)
        with django_capture_on_commit_callbacks(execute=False):
            _rename_with_a_recorded_change("example-7b-chat", "Renamed While Redis Stalled")
    second = scored.get("/licences/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert second["ETag"] != first["ETag"]


def test_a_write_rolled_back_leaves_the_data_version_as_it_was(scored):
    from django.db import transaction

    version = data_version.data_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        _rename_with_a_recorded_change("example-7b-chat", "Never Saved")
        raise RuntimeError("the write fails after its change was recorded")
    assert data_version.data_version() == version


def test_the_data_version_is_read_once_a_request(scored, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from catalog.models import DataVersion

    with CaptureQueriesContext(connection) as queries:
        scored.get("/", HTTP_IF_NONE_MATCH='"none"')
    table = DataVersion._meta.db_table
    assert sum(table in query["sql"] for query in queries.captured_queries) == 1


@pytest.mark.postgres  # SQLite has one writer at a time: there the version moves at each write
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_data_version_moves_when_a_write_commits_and_not_before():
    from django.db import transaction

    from catalog.models import Change

    version = data_version.data_version()
    with transaction.atomic():
        Change.objects.create(subject="model", subject_key="x", action="updated", actor="t")
        data_version.bump_data_version()
        data_version.bump_data_version()
        assert data_version.data_version() == version
    committed = data_version.data_version()
    assert committed > version
    with pytest.raises(RuntimeError), transaction.atomic():
        Change.objects.create(subject="model", subject_key="y", action="updated", actor="t")
        data_version.bump_data_version()
        raise RuntimeError("the write fails")
    assert data_version.data_version() == committed
