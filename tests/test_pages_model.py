"""A model's page, its dated score permalinks, and its badges."""

import datetime
import re
import struct
import zlib

import pytest
from django.template.defaultfilters import capfirst
from django.utils.formats import localize

from catalog import badges
from catalog.http_cache import shared_cache_control
from catalog.models import AIModel, Assessment, HubRecord, License, Organization, ScoreSnapshot
from catalog.templatetags.scorecard import percent

pytestmark = pytest.mark.django_db

CHAT = "/models/example-7b-chat/"
BASE = "/models/example-base-7b/"


@pytest.fixture
def scored(client, catalogue_with_scores):
    return client


def test_a_model_page_shows_its_facts(scored):
    response = scored.get(BASE)
    assert response.status_code == 200
    assert "<h1>Example Base 7B</h1>" in response.text
    assert '<a href="/organisations/example-lab/">Example Lab</a>' in response.text
    assert "2024-01-15" in response.text
    assert "7B (7,000,000,000)" in response.text
    assert "A base model for tests." in response.text


def test_the_page_shows_the_label_and_the_reasons_behind_it(scored):
    text = scored.get(CHAT).text
    assert '<span class="pill big pill-closed">Weights not released</span>' in text
    assert "Final weights are not released." in text
    assert "Permalink to this dated score" in text


def test_each_framework_shows_its_verdict_criteria_and_permalink(scored):
    text = scored.get(CHAT).text
    model = AIModel.objects.get(slug="example-7b-chat")
    for snapshot in ScoreSnapshot.objects.filter(model=model, is_current=True):
        assert f'href="/models/example-7b-chat/scores/{snapshot.key}/"' in text
        for criterion in snapshot.result["criteria"]:
            assert criterion["reason"].replace("'", "&#x27;") in text
    assert "Open Source AI Definition 1.0" in text
    assert "Model Openness Framework 1.0" in text
    assert "Verdict: <strong>does not conform</strong>" in text
    assert 'Class III</th><td class="num">' in text  # MOF progress per class


def test_the_mof_and_index_cards_tabulate_their_figures(scored):
    text = scored.get(BASE).text
    current = ScoreSnapshot.objects.filter(model__slug="example-base-7b", is_current=True)
    mof = current.get(framework="mof").result["details"]["progress"]
    groups = current.get(framework="index").result["details"]["groups"]
    assert mof and groups
    assert '<caption class="vh">Progress towards each MOF class</caption>' in text
    for number, share in mof.items():
        assert (
            f'<tr><th scope="row">Class {number}</th><td class="num">{percent(share)}</td></tr>'
            in text
        )
    assert '<caption class="vh">Openness Index by group</caption>' in text
    for group, value in groups.items():
        row = (
            f'<tr><th scope="row">{capfirst(group)}</th><td class="num">{localize(value)}</td></tr>'
        )
        assert row in text


def test_criteria_say_passed_or_failed_in_words_as_well_as_symbols(scored):
    text = scored.get(CHAT).text
    assert '<span class="vh">passed:</span>' in text
    assert '<span class="vh">failed:</span>' in text


def test_the_component_grid_has_evidence_licence_and_date_verified_for_each_cell(scored):
    text = scored.get(CHAT).text
    assert text.count('<tbody class="group-rows">') == 4
    assert "Final weights" in text
    assert '<a href="https://example.org/architecture" rel="nofollow noopener">' in text
    assert (
        '<a href="/licences/LicenseRef-example-community/">LicenseRef-example-community</a>' in text
    )
    assert "2026-02-03 by second-curator" in text  # a cell's own verifier
    assert "2026-01-02 by test-curator" in text
    assert "Not verified." in text  # notes
    assert (
        '<span class="state s-partial"><span aria-hidden="true">◐</span> partly open</span>' in text
    )


def test_the_licence_restrictions_are_in_plain_words(scored):
    text = scored.get(CHAT).text
    assert "User cap: a separate licence is needed above 700,000,000 monthly active users" in text
    assert "Acceptable-use policy restricts what the model may be used for" in text


def test_a_model_with_no_restriction_says_so(scored):
    assert "No licence on any released component restricts use" in scored.get(BASE).text


def test_restrictions_inherited_from_a_base_model_name_it(scored):
    community = License.objects.get(identifier="LicenseRef-example-community")
    Assessment.objects.filter(model__slug="example-base-7b", component="weights_final").update(
        availability="full", license=community
    )
    other = Organization.objects.create(slug="other-lab", name="Other Lab", kind="company")
    AIModel.objects.filter(slug="example-7b-chat").update(organization=other)
    text = scored.get(CHAT).text
    assert (
        'inherited from the base model <a href="/models/example-base-7b/">example-base-7b</a>'
        in text
    )


def test_lineage_links_the_base_and_the_derivatives(scored):
    chat = scored.get(CHAT).text
    assert (
        '<ol class="lineage"><li><a href="/models/example-base-7b/">Example Base 7B</a></li><li>Example Chat 7B</li></ol>'
        in chat
    )
    base = scored.get(BASE).text
    assert '<a href="/models/example-7b-chat/">Example Chat 7B</a>' in base
    assert "is not built on another model" in base


def test_a_model_with_no_hub_record_says_so_and_names_its_repositories(scored):
    text = scored.get(BASE).text
    assert "No hub has been read for this model yet." in text
    assert "example-lab/Example-Base-7B (Hugging Face)" in text


def test_hub_records_show_what_the_hub_last_said_and_when(scored):
    HubRecord.objects.create(
        model=AIModel.objects.get(slug="example-base-7b"),
        hub="huggingface",
        repo_id="example-lab/Example-Base-7B",
        canonical_id="example-lab/Example-Base-7B-v2",
        status="ok",
        sha="0123456789abcdef0123",
        license_tag="apache-2.0",
        gated="manual",
        last_modified=datetime.datetime(2026, 3, 4, tzinfo=datetime.UTC),
        fetched_at=datetime.datetime(2026, 11, 20, 8, 30, tzinfo=datetime.UTC),
    )
    text = scored.get(BASE).text
    assert "Hugging Face Hub: example-lab/Example-Base-7B-v2" in text
    assert "apache-2.0" in text
    assert "<td>manual</td>" in text
    assert "2026-03-04" in text
    assert "2026-11-20 08:30 UTC" in text
    assert "No hub has been read" not in text


def test_the_score_history_is_a_chart_and_a_table_of_permalinks(scored):
    model = AIModel.objects.get(slug="example-7b-chat")
    old = ScoreSnapshot.objects.get(model=model, framework="index", is_current=True)
    ScoreSnapshot.objects.create(
        model=model, framework="index", version="0.9.0", key="index-0.9.0-old",
        computed_at=old.computed_at - datetime.timedelta(days=30), inputs_hash="x",
        is_current=False, verdict="12.0", score=12.0, result={**old.result, "verdict": "12.0"},
    )  # fmt: skip
    text = scored.get(CHAT).text
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart"' in text
    assert 'role="img" aria-labelledby="history-title history-desc"' in text
    assert "Openness Index of Example Chat 7B over time" in text
    assert text.count("<title>20") == 2  # one mark per index snapshot
    assert 'href="/models/example-7b-chat/scores/index-0.9.0-old/"' in text
    assert "(superseded)" in text


def test_cite_this_gives_the_permalink_apa_and_bibtex(scored):
    text = scored.get(CHAT).text
    snapshot = ScoreSnapshot.objects.get(
        model__slug="example-7b-chat", framework="g7", is_current=True
    )
    permalink = f"http://testserver/models/example-7b-chat/scores/{snapshot.key}/"
    assert f'<a href="{permalink}">{permalink}</a>' in text
    day = snapshot.computed_at
    assert (
        f"Openness Scorecard. ({day.year}, {day:%B} {day.day}). Example Chat 7B: Weights not released (G7 shared language for AI openness {snapshot.version}) [Data set]. {permalink}"
        in text
    )
    assert f"@misc{{opennessscorecard:example-7b-chat:{day:%Y%m%d}," in text
    assert f"howpublished = {{\\url{{{permalink}}}}}" in text


def test_the_badge_embed_code_has_svg_and_png(scored):
    text = scored.get(CHAT).text
    assert '<img src="/badge/example-7b-chat.svg" alt="G7 openness: Weights not released">' in text
    assert (
        "[![G7 openness: Weights not released](http://testserver/badge/example-7b-chat.png)](http://testserver/models/example-7b-chat/)"
        in text
    )
    assert (
        "&lt;a href=&quot;http://testserver/models/example-7b-chat/&quot;&gt;&lt;img src=&quot;http://testserver/badge/example-7b-chat.svg&quot;"
        in text
    )


def test_the_page_links_to_its_json(scored):
    text = scored.get(CHAT).text
    assert 'href="/api/v1/models/example-7b-chat/"' in text
    assert (
        '<link rel="alternate" type="application/json" href="/api/v1/models/example-7b-chat/">'
        in text
    )
    assert 'href="/api/v1/models/example-7b-chat/history/"' in text


def test_the_page_links_to_the_correction_form_and_carries_no_csrf_token(scored):
    response = scored.get(CHAT)
    text = response.text
    assert '<a href="/models/example-7b-chat/correction/">Suggest a correction to' in text
    assert "csrfmiddlewaretoken" not in text
    assert "<form" not in text.split('id="correction"')[1]
    assert "csrftoken" not in response.cookies
    assert response["Cache-Control"].startswith("public, max-age=")


def test_an_unscored_model_page_says_so(client, fixture_catalogue):
    from catalog.sync import load_catalogue

    load_catalogue(fixture_catalogue)  # no commit here, so the scorer never runs
    response = client.get(CHAT)
    assert response.status_code == 200
    assert "Not scored yet" in response.text
    assert "nothing dated to cite" in response.text


def test_a_draft_or_unknown_model_is_a_404(scored):
    AIModel.objects.filter(slug="example-7b-chat").update(status=AIModel.Status.DRAFT)
    assert scored.get(CHAT).status_code == 404
    assert scored.get("/models/no-such-model/").status_code == 404


def test_model_pages_use_no_script_and_no_inline_style(scored):
    text = scored.get(CHAT).text
    assert "<script" not in text
    assert ' style="' not in text


# --- The dated permalink -------------------------------------------------------------------------


def test_a_snapshot_permalink_shows_the_verdict_reasons_and_citation(scored):
    snapshot = ScoreSnapshot.objects.get(
        model__slug="example-7b-chat", framework="osaid", is_current=True
    )
    response = scored.get(f"/models/example-7b-chat/scores/{snapshot.key}/")
    assert response.status_code == 200
    assert "<h1>Example Chat 7B: does not conform</h1>" in response.text
    assert f"Open Source AI Definition 1.0</strong> version {snapshot.version}" in response.text
    assert "This is the current score." in response.text
    assert snapshot.result["criteria"][0]["reason"].replace("'", "&#x27;") in response.text
    assert "@misc{" in response.text


def test_a_superseded_snapshot_says_so(scored):
    snapshot = ScoreSnapshot.objects.get(
        model__slug="example-7b-chat", framework="osaid", is_current=True
    )
    ScoreSnapshot.objects.filter(pk=snapshot.pk).update(is_current=False)
    text = scored.get(f"/models/example-7b-chat/scores/{snapshot.key}/").text
    assert "This score has been superseded" in text


def test_an_unknown_snapshot_key_is_a_404(scored):
    assert scored.get("/models/example-7b-chat/scores/no-such-key/").status_code == 404


# --- Badges --------------------------------------------------------------------------------------


def decode_png(data):
    """(width, height, rows of RGB bytes) of an 8-bit RGB PNG, checking every chunk's CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", None
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, kind
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        position += 12 + length
    width, height, depth, colour, *_ = header
    assert (depth, colour) == (8, 2)
    raw = zlib.decompress(idat)
    stride = 1 + width * 3
    rows = [raw[n * stride : (n + 1) * stride] for n in range(height)]
    assert all(row[0] == 0 for row in rows)
    return width, height, [row[1:] for row in rows]


def read_png_text(rows, x0, count):
    """Read `count` characters back out of the pixels, glyph by glyph, with the badge's font."""
    white = b"\xff\xff\xff"
    text = ""
    for index in range(count):
        left = x0 + index * badges.ADVANCE
        ink = tuple(
            "".join(
                "#" if rows[badges.PNG_PAD_Y + y * badges.SCALE][(left + x * badges.SCALE) * 3 : (left + x * badges.SCALE) * 3 + 3] == white else "."
                for x in range(badges.GLYPH_W)
            )
            for y in range(badges.GLYPH_H)
        )  # fmt: skip
        matches = [ch for ch, glyph in badges.FONT.items() if glyph == ink]
        text += matches[0] if matches else "�"
    return text


def test_the_svg_badge_shows_the_label(scored):
    response = scored.get("/badge/example-7b-chat.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Cache-Control"] == shared_cache_control()
    body = response.content.decode()
    assert body.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert ">G7 openness</text>" in body
    assert ">Weights not released</text>" in body
    assert 'fill="#59636e"' in body


@pytest.mark.parametrize(
    ("framework", "right"),
    [
        ("osaid", "does not conform"),
        ("mof", "Unclassified"),
        ("label", "Closed"),
        ("g7", "Weights not released"),
    ],
)
def test_the_svg_badge_of_each_framework(scored, framework, right):
    body = scored.get("/badge/example-7b-chat.svg", {"framework": framework}).content.decode()
    assert f">{right}</text>" in body


def test_the_index_badge_shows_the_score_out_of_100(scored):
    score = AIModel.objects.get(slug="example-7b-chat").current.index_score
    body = scored.get("/badge/example-7b-chat.svg", {"framework": "index"}).content.decode()
    assert f">{score:.1f} / 100</text>" in body


def test_the_png_badge_is_a_valid_png_whose_pixels_spell_the_label(scored):
    response = scored.get("/badge/example-7b-chat.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    width, height, rows = decode_png(response.content)
    badge = badges.Badge(
        "G7 openness", "Weights not released", badges.LABEL_COLOURS["Weights not released"]
    )
    assert (width, height) == (badges.png_width(badge), badges.PNG_HEIGHT)
    assert read_png_text(rows, badges.PNG_PAD_X, len("G7 openness")) == "G7 OPENNESS"
    right_x = len("G7 OPENNESS") * badges.ADVANCE - badges.SCALE + 3 * badges.PNG_PAD_X
    assert read_png_text(rows, right_x, len("Weights not released")) == "WEIGHTS NOT RELEASED"
    assert rows[0][-3:] == bytes.fromhex("59636e")  # the label's colour on the right


def test_the_png_badge_of_the_mof_framework(scored):
    _, _, rows = decode_png(scored.get("/badge/example-7b-chat.png?framework=mof").content)
    right_x = len("MOF 1.0") * badges.ADVANCE - badges.SCALE + 3 * badges.PNG_PAD_X
    assert read_png_text(rows, badges.PNG_PAD_X, 7) == "MOF 1.0"
    assert read_png_text(rows, right_x, len("Unclassified")) == "UNCLASSIFIED"


def test_an_unknown_badge_framework_is_a_400(scored):
    response = scored.get("/badge/example-7b-chat.svg", {"framework": "vibes"})
    assert response.status_code == 400
    assert b"framework must be one of: g7, label, osaid, mof, index" in response.content


def test_badges_of_unknown_or_draft_models_are_404(scored):
    assert scored.get("/badge/no-such-model.svg").status_code == 404
    AIModel.objects.filter(slug="example-7b-chat").update(status=AIModel.Status.DRAFT)
    assert scored.get("/badge/example-7b-chat.png").status_code == 404


def test_badges_answer_conditional_requests(scored):
    first = scored.get("/badge/example-7b-chat.svg")
    again = scored.get("/badge/example-7b-chat.svg", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_badge_of_an_unscored_model_says_not_scored(client, fixture_catalogue):
    from catalog.sync import load_catalogue

    load_catalogue(fixture_catalogue)
    body = client.get("/badge/example-7b-chat.svg").content.decode()
    assert ">not scored</text>" in body


def test_the_history_table_gives_times_to_the_minute(scored):
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}</time>", scored.get(CHAT).text)


def test_it_links_only_http_evidence_written_before_every_entry_point_checked_it(scored):
    Assessment.objects.filter(model__slug="example-base-7b", component="weights_final").update(
        evidence=["javascript:alert(1)", "ftp://example.org/w", "https://example.org/weights"]
    )
    response = scored.get(BASE)
    assert 'href="https://example.org/weights"' in response.text
    assert "javascript:alert(1)" not in response.text
    assert "ftp://example.org/w" not in response.text


def test_the_model_pages_links_are_what_reverse_gives(scored):
    from django.urls import reverse

    from catalog import model_page

    links = model_page.links()
    for snapshot in ScoreSnapshot.objects.select_related("model"):
        slug = snapshot.model.slug
        assert links.model(slug) == reverse("catalog:model-detail", args=[slug])
        assert links.snapshot(slug, snapshot.key) == reverse(
            "catalog:snapshot", args=[slug, snapshot.key]
        )
        assert links.framework(snapshot.framework) == reverse(
            "catalog:framework", args=[snapshot.framework]
        )
    for identifier in License.objects.values_list("identifier", flat=True):
        assert links.licence(identifier) == reverse("catalog:licence", args=[identifier])


def test_the_eu_ai_act_card_shows_every_kind_of_fact_escaped(scored):
    AIModel.objects.filter(slug="example-base-7b").update(
        eu_ai_act_facts={
            "training_compute": {
                "flop": 1.5e24,
                "source": "derived",
                "evidence": ["https://example.org/c"],
                "note": "6 × N × D",
            },  # fmt: skip
            "training_summary": {
                "published": False,
                "evidence": ["https://example.org/s?a=1&b=2"],
            },  # fmt: skip
            "monetised": {
                "value": None,
                "note": "Sold <b>via</b> an API",
                "evidence": ["https://example.org/1", "https://example.org/2"],
            },  # fmt: skip
        }
    )
    text = scored.get(BASE).text
    assert (
        "<p>Training compute: 1.5 × 10^24 FLOP, derived from the developer's figures "
        '(<a href="https://example.org/c" rel="nofollow noopener">source</a>). 6 × N × D.</p>'
    ) in text
    assert (
        "<p>Training-content summary: not published "
        '(<a href="https://example.org/s?a=1&amp;b=2" rel="nofollow noopener">source</a>).</p>'
    ) in text
    assert (
        '<p>Monetised: maybe (<a href="https://example.org/1" rel="nofollow noopener">source 1</a>, '
        '<a href="https://example.org/2" rel="nofollow noopener">source 2</a>). '
        "Sold &lt;b&gt;via&lt;/b&gt; an API.</p>"
    ) in text


def test_the_eu_ai_act_card_says_what_is_not_known(scored):
    AIModel.objects.filter(slug="example-base-7b").update(
        eu_ai_act_facts={"monetised": {"value": True, "evidence": []}}
    )
    text = scored.get(BASE).text
    assert "<p>Training compute: not known.</p>" in text
    assert "<p>Training-content summary: not known.</p>" in text
    assert "<p>Monetised: yes.</p>" in text  # no empty brackets where there is no evidence
