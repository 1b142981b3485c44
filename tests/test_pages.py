"""The home page: the ranked directory, its filters, sorting, pagination, caching and queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog import data_version
from catalog.models import AIModel, Change

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(client, real_catalogue_for_module, db):
    return client


def row_slugs(response):
    """The models listed on a directory page, in order (from their compare checkboxes)."""
    return re.findall(r'id="cmp-([a-z0-9.\-]+)"', response.text)


def api_slugs(client, params):
    response = client.get("/api/v1/models/", {**params, "page_size": 50})
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_the_home_page_lists_published_models_with_links(site):
    response = site.get("/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert '<a href="/models/olmo-7b/">OLMo 7B</a>' in response.text
    count = AIModel.objects.published().count()
    assert count > 50
    assert f"{count} models; showing 1 to 50" in response.text


def test_the_default_order_is_the_apis_default_order(site):
    assert row_slugs(site.get("/")) == api_slugs(site, {})


def test_open_source_models_come_first_and_closed_last(site):
    slugs = row_slugs(site.get("/", {"ordering": "-label"}))
    labels = dict(AIModel.objects.values_list("slug", "current__label_verdict"))
    ranks = {"Open source AI": 3, "Open weights": 2, "Restricted weights": 1, "Closed": 0}
    seen = [ranks[labels[slug]] for slug in slugs]
    assert seen == sorted(seen, reverse=True)
    assert seen[0] == 3


def test_each_row_shows_label_index_osaid_mof_and_twenty_component_cells(site):
    response = site.get("/", {"q": "OLMo 7B", "organization": "ai2", "release_year": "2024"})
    row = response.text.split('id="cmp-olmo-7b"')[1].split("</tr>")[0]
    assert "Open Source AI with Open Data" in row
    assert "conforms" in row
    assert re.search(r'<td class="num">\d+\.\d</td>', row)
    assert "Unclassified" in row or "Class" in row
    assert (
        len(re.findall(r'<td class="m s-[a-z]+"><span class="vh">[a-z ]+</span></td>', row)) == 20
    )


def test_a_restriction_filter_that_matches_nothing_shows_an_empty_directory(site):
    response = site.get("/", {"restriction": "revocable"})
    assert response.status_code == 200
    assert row_slugs(response) == []
    body = site.get("/api/v1/models/", {"restriction": "revocable"})
    assert body.status_code == 200
    assert (body.json()["count"], body.json()["results"]) == (0, [])


def test_component_cells_say_their_state_in_words_not_only_colour(site):
    text = site.get("/").text
    for words in ("open", "partly open", "closed", "unknown"):
        assert f'<span class="vh">{words}</span>' in text
    # The key explains every symbol in words.
    assert "not applicable" in text


@pytest.mark.parametrize(
    "params",
    [
        {"organization": "meta"},
        {"label": "closed"},
        {"label": ["open-source-ai", "closed"]},
        {"osaid": "conforms"},
        {"mof_class": "unclassified"},
        {"license": "LicenseRef-llama-2"},
        {"restriction": "mau_cap"},
        {"modality": "code"},
        {"kind": "chat"},
        {"size": "over-100b"},
        {"release_year": "2024"},
        {"q": "llama"},
        {"ordering": "-index"},
        {"ordering": "mof"},
        {"ordering": "-osaid"},
        {"ordering": "label"},
        {"ordering": "release_date"},
        {"ordering": "-name"},
        {"label": "restricted-weights", "ordering": "-index"},
    ],
)
def test_every_filter_and_ordering_gives_the_same_models_as_the_api(site, params):
    response = site.get("/", params)
    assert response.status_code == 200
    slugs = row_slugs(response)
    assert slugs, params
    assert slugs == api_slugs(site, params)


def test_filtering_by_label_shows_only_that_label(site):
    slugs = row_slugs(site.get("/", {"label": "closed"}))
    assert "gpt-4o" in slugs
    assert "olmo-7b" not in slugs


def test_search_finds_a_model_by_name(site):
    response = site.get("/", {"q": "olmo"})
    slugs = row_slugs(response)
    assert "olmo-7b" in slugs
    assert not any(slug.startswith("llama") for slug in slugs)
    assert 'value="olmo"' in response.text  # the search box keeps what was typed


def test_the_filter_form_shows_the_filters_in_use(site):
    text = site.get("/", {"g7": "weights-not-released", "organization": "openai"}).text
    assert '<input type="checkbox" name="g7" value="weights-not-released" checked>' in text
    assert '<option value="openai" selected>' in text
    assert '<details class="more-filters" open>' in text


def test_each_filter_in_use_has_a_link_that_removes_it(site):
    text = site.get(
        "/", {"g7": ["weights-not-released", "open-weights-ai"], "ordering": "-index"}
    ).text
    assert 'href="?g7=open-weights-ai&amp;ordering=-index"' in text
    assert 'href="?g7=weights-not-released&amp;ordering=-index"' in text
    assert 'remove<span class="vh"> the filter G7 label: Weights not released</span>' in text
    # The earlier headline label is still a filter of its own.
    closed = site.get("/", {"label": "closed"}).text
    assert 'remove<span class="vh"> the filter Earlier headline label: Closed</span>' in closed


def test_empty_form_fields_are_dropped_from_the_shared_url(site):
    response = site.get("/?q=&label=closed&organization=&ordering=-index")
    assert response.status_code == 302
    assert response["Location"] == "/?label=closed&ordering=-index"


def test_a_form_with_nothing_chosen_redirects_to_the_plain_home_page(site):
    response = site.get("/?q=&organization=")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_bad_filter_value_is_a_400_naming_the_parameter(site):
    response = site.get("/", {"label": "mostly-open"})
    assert response.status_code == 400
    assert "That filter cannot be applied" in response.text
    assert "label: &#x27;mostly-open&#x27; is not one of" in response.text
    assert row_slugs(response) == []


def test_an_unknown_licence_filter_is_a_400(site):
    response = site.get("/", {"license": "WTFPL-9"})
    assert response.status_code == 400
    assert "unknown licence" in response.text


def test_an_unknown_organisation_filter_is_a_400_as_in_the_api(site):
    response = site.get("/", {"organization": "nobody"})
    assert response.status_code == 400
    assert "organization: unknown organisation &#x27;nobody&#x27;" in response.text
    assert row_slugs(response) == []


def test_the_restriction_filter_counts_what_a_base_model_imposes(site):
    # Nous-Hermes is MIT on its own card, but built on Llama 2 and bound by its user cap.
    found = row_slugs(site.get("/", {"restriction": "mau_cap", "q": "llama"}))
    assert "nous-hermes-llama2-13b" in found
    assert "llama-2-7b" in found


def test_no_match_says_so_with_a_way_back(site):
    response = site.get("/", {"q": "zzzz-no-such-model"})
    assert response.status_code == 200
    assert "No model matches these filters" in response.text


def test_the_sort_headers_mark_the_current_order_and_flip_it(site):
    text = site.get("/", {"ordering": "-index", "label": "closed"}).text
    assert (
        '<th scope="col" rowspan="2" class="num" aria-sort="descending"><a href="?label=closed&amp;ordering=index">Index</a></th>'
        in text
    )
    assert '<a href="?label=closed&amp;ordering=-mof">MOF</a>' in text
    assert text.count("aria-sort=") == 1


def test_the_sort_select_offers_every_framework(site):
    text = site.get("/").text
    for value in ("-g7", "-label", "-index", "-osaid", "-mof", "-release_date", "name"):
        assert f'<option value="{value}"' in text
    assert '<option value="-g7" selected>' in text


def test_pages_of_fifty_with_links_that_keep_the_filters(site):
    first = site.get("/", {"ordering": "name"})
    assert len(row_slugs(first)) == 50
    assert 'href="?ordering=name&amp;page=2"' in first.text
    second = site.get("/", {"ordering": "name", "page": "2"})
    assert len(row_slugs(second)) == AIModel.objects.published().count() - 50
    assert not set(row_slugs(first)) & set(row_slugs(second))
    assert 'href="?ordering=name&amp;page=1"' in second.text


def test_a_page_past_the_end_shows_the_last_page(site):
    response = site.get("/", {"page": "99"})
    assert response.status_code == 200
    assert "page 2 of 2" in response.text


def test_each_row_can_be_ticked_for_comparison(site):
    text = site.get("/").text
    assert '<form method="get" action="/compare/" class="compare-form">' in text
    assert '<label for="cmp-olmo-7b" class="vh">Compare OLMo 7B</label>' in text


def test_the_page_links_to_the_same_list_as_json(site):
    text = site.get("/", {"label": "closed"}).text
    assert 'href="/api/v1/models/?label=closed"' in text


def test_drafts_are_not_listed(site):
    AIModel.objects.filter(slug="olmo-7b").update(status=AIModel.Status.DRAFT)
    data_version.bump_data_version()
    assert "olmo-7b" not in row_slugs(site.get("/", {"organization": "ai2"}))


def test_the_page_is_cached_until_the_data_changes(site):
    assert "OLMo 7B" in site.get("/", {"organization": "ai2"}).text
    # A write that bypasses the history does not bump the data version: the cached page stands.
    AIModel.objects.filter(slug="olmo-7b").update(name="Renamed Model")
    assert "OLMo 7B" in site.get("/", {"organization": "ai2"}).text
    # Any recorded change moves the data version on.
    Change.objects.create(
        subject="model", subject_key="olmo-7b", action="updated", actor="t", reason="t"
    )
    data_version.bump_data_version()
    text = site.get("/", {"organization": "ai2"}).text
    assert "Renamed Model" in text
    assert "OLMo 7B</a>" not in text


def test_the_cache_key_includes_the_query_string(site):
    assert "gpt-4o" in row_slugs(site.get("/", {"label": "closed"}))
    assert "gpt-4o" not in row_slugs(site.get("/", {"label": "open-source-ai"}))


def test_a_cached_page_is_served_with_one_query_for_the_data_version(site):
    site.get("/", {"label": "closed"})
    with CaptureQueriesContext(connection) as queries:
        response = site.get("/", {"label": "closed"})
    assert response.status_code == 200
    assert "gpt-4o" in row_slugs(response)
    assert len(queries) == 1
    assert 'FROM "catalog_dataversion"' in queries[0]["sql"]


def test_the_page_carries_an_etag_and_answers_304(site):
    first = site.get("/", {"label": "closed"})
    assert first["ETag"]
    assert first["Last-Modified"]
    again = site.get("/", {"label": "closed"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""
    other = site.get("/", {"label": "open-weights"}, HTTP_IF_NONE_MATCH=first["ETag"])
    assert other.status_code == 200


def test_the_page_works_without_javascript_or_outside_assets(site):
    text = site.get("/").text
    assert "<script" not in text
    assert ' style="' not in text
    assert not re.search(r'(src|href)="(https?:)?//(?!creativecommons\.org)', text)
    assert '<link rel="stylesheet" href="/static/css/site.css">' in text


def test_only_get_and_head_are_allowed(site):
    assert site.post("/").status_code == 405
    assert site.head("/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/models/llama-3.3-70b-instruct/scores/label-1.0-a%00b/",
        "/licences/MIT%00/",
        "/organisations/meta%00/",
        "/methodology/label%00/",
        "/api/v1/licenses/MIT%00/",
        "/api/v1/models/llama-3.3-70b-instruct%00/",
    ],
)
def test_a_nul_byte_in_a_path_segment_is_a_404_not_a_500(site, path):
    assert site.get(path).status_code == 404


@pytest.mark.parametrize(
    "models",
    [
        "llama-3.3-70b-instruct,olmo-2-1124-13b%00",
        "llama-3.3-70b-instruct%00,olmo-2-1124-13b",
        ",".join(f"model-{n}" for n in range(5000)),
    ],
)
def test_a_comparison_of_malformed_or_too_many_slugs_is_a_400_not_a_500(site, models):
    response = site.get(f"/compare/?models={models}")
    assert response.status_code == 400
    assert "Choose 2 to 4 models" in response.text or "No published model is called" in (
        response.text
    )
