"""The pure pieces behind the pages: charts, badges, citations, comparison, display helpers."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from catalog import badges, charts, citations, comparison, components
from catalog.frameworks import label, mof, osaid
from catalog.templatetags import scorecard

SVG = "{http://www.w3.org/2000/svg}"


def point(day, score, verdict=label.OPEN_WEIGHTS, text="a model"):
    return charts.Point(day, score, verdict, text)


# --- Charts --------------------------------------------------------------------------------------


def test_the_openness_chart_is_well_formed_svg_with_a_title_and_description():
    svg = charts.openness_over_time(
        [point(datetime.date(2024, 1, 1), 50)], title="T", description="D", id_prefix="x"
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "x-title x-desc"
    assert root.find(f"{SVG}title").text == "T"
    assert root.find(f"{SVG}desc").text == "D"


def test_the_openness_chart_draws_one_mark_per_point_each_with_its_text():
    points = [
        point(datetime.date(2023, 3, 1), 90, label.OPEN_SOURCE, "first"),
        point(datetime.date(2024, 6, 1), 40, label.RESTRICTED_WEIGHTS, "second"),
        point(datetime.date(2025, 9, 1), 5, label.CLOSED, "third"),
    ]
    root = ET.fromstring(charts.openness_over_time(points, title="T", description="D"))
    marks = root.findall(f"{SVG}g")
    assert sorted(g.find(f"{SVG}title").text for g in marks) == ["first", "second", "third"]


def test_labels_differ_in_shape_as_well_as_colour():
    shapes = {shape for _, shape in charts.LABEL_STYLE.values()}
    colours = {colour for colour, _ in charts.LABEL_STYLE.values()}
    assert len(shapes) == len(colours) == 4
    svg = charts.openness_over_time(
        [point(datetime.date(2024, 1, 1), 50, verdict) for verdict in charts.LABEL_ORDER],
        title="T", description="D",
    )  # fmt: skip
    assert "<circle" in svg and "<rect" in svg and "<path" in svg


def test_a_higher_score_is_drawn_higher_and_a_later_date_further_right():
    svg = charts.openness_over_time(
        [point(datetime.date(2020, 1, 1), 10, text="low"), point(datetime.date(2024, 1, 1), 90, text="high")],
        title="T", description="D",
    )  # fmt: skip
    root = ET.fromstring(svg)
    where = {}
    for g in root.findall(f"{SVG}g"):
        rect = g.find(f"{SVG}rect")
        where[g.find(f"{SVG}title").text] = (float(rect.get("x")), float(rect.get("y")))
    assert where["high"][0] > where["low"][0]
    assert where["high"][1] < where["low"][1]


def test_chart_text_is_escaped():
    svg = charts.openness_over_time(
        [point(datetime.date(2024, 1, 1), 50, text="<script>alert(1)</script> & co")],
        title="A <b>title</b>", description="D & E",
    )  # fmt: skip
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    ET.fromstring(svg)


def test_an_empty_chart_says_so():
    svg = charts.openness_over_time([], title="T", description="D")
    assert "No scored models yet" in svg
    ET.fromstring(svg)


def test_scores_outside_0_to_100_stay_inside_the_plot():
    frame = charts.Frame(800, 360)
    assert frame.y(150) == frame.y(100)
    assert frame.y(-5) == frame.y(0)


def test_the_year_axis_labels_each_year_in_range():
    svg = charts.openness_over_time(
        [point(datetime.date(2020, 6, 1), 50), point(datetime.date(2023, 6, 1), 60)],
        title="T", description="D",
    )  # fmt: skip
    for year in ("2021", "2022", "2023"):
        assert f">{year}</text>" in svg


def test_the_history_chart_steps_from_one_score_to_the_next():
    t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    svg = charts.score_history(
        [point(t0, 20, text="then"), point(t0 + datetime.timedelta(days=10), 60, text="now")],
        title="T", description="D",
    )  # fmt: skip
    root = ET.fromstring(svg)
    line = next(p for p in root.findall(f"{SVG}path") if p.get("stroke") == "#24292f")
    # Move, then a horizontal segment at the old score before the vertical step to the new one.
    assert re.fullmatch(r"M[\d.]+ [\d.]+L[\d.]+ [\d.]+L[\d.]+ [\d.]+L[\d.]+ [\d.]+", line.get("d"))
    assert [g.find(f"{SVG}title").text for g in root.findall(f"{SVG}g")] == ["then", "now"]


def test_a_history_of_one_snapshot_draws_one_mark():
    t0 = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    root = ET.fromstring(charts.score_history([point(t0, 20)], title="T", description="D"))
    assert len(root.findall(f"{SVG}g")) == 1


def test_the_legend_has_a_mark_for_each_label():
    rows = charts.legend()
    assert [verdict for verdict, *_ in rows] == list(charts.LABEL_ORDER)
    for _, _, _, mark in rows:
        assert 'aria-hidden="true"' in mark


# --- Badges --------------------------------------------------------------------------------------


def contrast(hex_a, hex_b):
    def luminance(colour):
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(hex_a), luminance(hex_b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_white_badge_text_meets_aa_contrast_on_every_background():
    for colour in (*badges.LABEL_COLOURS.values(), badges.GREY, badges.LEFT_COLOUR):
        assert contrast("#ffffff", colour) >= 4.5, colour


def test_chart_marks_meet_the_3_to_1_contrast_for_graphics():
    for colour, _ in charts.LABEL_STYLE.values():
        assert contrast("#ffffff", colour) >= 3, colour


@pytest.mark.parametrize(
    ("framework", "scores", "right"),
    [
        ("label", {"label_verdict": label.OPEN_SOURCE}, "Open source AI"),
        ("osaid", {"osaid_verdict": osaid.CONFORMS}, "conforms"),
        ("mof", {"mof_verdict": "Class II"}, "Class II"),
        ("index", {"index_verdict": "72.5", "index_score": 72.5}, "72.5 / 100"),
        ("label", {}, "not scored"),
    ],
)
def test_a_badge_says_the_framework_and_its_verdict(framework, scores, right):
    assert badges.badge_for(framework, scores).right == right


def test_an_unknown_badge_framework_is_refused():
    with pytest.raises(ValueError):
        badges.badge_for("vibes", {})


def test_the_font_can_draw_every_verdict_and_score():
    verdicts = [
        *label.RANK, osaid.CONFORMS, osaid.DOES_NOT_CONFORM, "Class I", "Class II", "Class III",
        mof.UNCLASSIFIED, "100.0 / 100", "0.0 / 100", "not scored", "Openness Index", "OSAID 1.0",
        "MOF 1.0", "openness",
    ]  # fmt: skip
    for text in verdicts:
        assert "?" not in badges.png_text(text), text


def test_every_glyph_is_five_by_seven():
    for ch, glyph in badges.FONT.items():
        assert len(glyph) == badges.GLYPH_H, ch
        assert all(len(row) == badges.GLYPH_W and set(row) <= {"#", "."} for row in glyph), ch


def test_glyphs_are_distinct_so_text_reads_back_unambiguously():
    glyphs = list(badges.FONT.values())
    assert len(set(glyphs)) == len(glyphs)


def test_the_png_encoder_writes_the_signature_and_chunks_in_order():
    data = badges.encode_png([b"\x00\x00\x00" * 3, b"\xff\xff\xff" * 3])
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert data.index(b"IHDR") < data.index(b"IDAT") < data.index(b"IEND")
    assert data.endswith(b"IEND\xaeB`\x82")  # IEND's fixed CRC


def test_the_svg_badge_escapes_its_text():
    svg = badges.svg(badges.Badge("a<b", "c&d", "#000000"))
    assert "a&lt;b" in svg and "c&amp;d" in svg
    ET.fromstring(svg)


def test_the_svg_badge_is_as_wide_as_its_two_halves():
    badge = badges.Badge("openness", "Open weights", "#0a58b5")
    root = ET.fromstring(badges.svg(badge))
    rects = root.findall(f"{SVG}rect")
    assert int(root.get("width")) == int(rects[0].get("width")) + int(rects[1].get("width"))


# --- Citations -----------------------------------------------------------------------------------

ITEM = citations.Citable(
    model_slug="llama-3.1-8b",
    model_name="Llama 3.1 8B",
    framework_name="Headline label",
    version="1.0.0",
    verdict="Restricted weights",
    computed_at=datetime.datetime(2026, 11, 3, 9, 0, tzinfo=datetime.UTC),
    url="https://scorecard.example/models/llama-3.1-8b/scores/label-1/",
)


def test_apa_names_the_publisher_date_model_verdict_rules_and_permalink():
    assert citations.apa(ITEM) == (
        "Openness Scorecard. (2026, November 3). Llama 3.1 8B: Restricted weights "
        "(Headline label 1.0.0) [Data set]. https://scorecard.example/models/llama-3.1-8b/scores/label-1/"
    )


def test_bibtex_is_a_misc_entry_with_a_stable_key():
    text = citations.bibtex(ITEM)
    assert text.startswith("@misc{opennessscorecard:llama-3.1-8b:20261103,\n")
    assert "  author = {{Openness Scorecard}},\n" in text
    assert "  year = {2026},\n  month = nov,\n" in text
    assert (
        "howpublished = {\\url{https://scorecard.example/models/llama-3.1-8b/scores/label-1/}}"
        in text
    )
    assert text.endswith("}")


def test_bibtex_escapes_special_characters_in_titles():
    item = citations.Citable(**{**ITEM.__dict__, "model_name": "R&D_model #1 {x} 50%"})
    assert r"R\&D\_model \#1 \{x\} 50\%" in citations.bibtex(item)


# --- Comparison and display helpers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "slugs"),
    [
        (["a,b,c"], ["a", "b", "c"]),
        (["a", "b", ""], ["a", "b"]),
        (["a, a ,b"], ["a", "b"]),
        ([], []),
        ([",,"], []),
    ],
)
def test_compare_reads_slugs_in_order_without_repeats(values, slugs):
    assert comparison.parse_slugs(values) == slugs


def test_a_row_differs_only_when_its_cells_differ():
    same = comparison.Row("x", (comparison.Cell("a"), comparison.Cell("a")))
    other = comparison.Row("x", (comparison.Cell("a", "open"), comparison.Cell("a", "partial")))
    assert not same.differs
    assert other.differs


@pytest.mark.parametrize(
    ("count", "words"),
    [(7_000_000_000, "7B"), (1_500_000_000, "1.5B"), (405_000_000_000, "405B"),
     (350_000_000, "350M"), (1_000_000_000_000, "1T"), (None, "–")],
)  # fmt: skip
def test_parameter_counts_in_words(count, words):
    assert scorecard.parameters(count) == words


def test_every_component_state_has_a_symbol_and_words():
    for state, (css, symbol, words) in scorecard.STATES.items():
        assert css.startswith("s-") and symbol and words, state


def test_matrix_cells_carry_words_for_every_component():
    states = [(component, "open") for component in components.COMPONENTS]
    html = scorecard.matrix_cells(states)
    assert html.count('<span class="vh">open</span>') == len(components.COMPONENTS)


def test_a_url_becomes_a_link_and_other_text_stays_text():
    assert scorecard.link_if_url("https://x.example/a") == (
        '<a href="https://x.example/a" rel="nofollow noopener">https://x.example/a</a>'
    )
    assert scorecard.link_if_url("read from the PDF") == "read from the PDF"
