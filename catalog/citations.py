"""Ready-made citations of a dated score: APA and BibTeX text from plain values."""

import datetime
import re
from dataclasses import dataclass

PUBLISHER = "Openness Scorecard"
DATA_LICENSE = "CC-BY-4.0"


@dataclass(frozen=True)
class Citable:
    """One dated snapshot of one framework's verdict on one model."""

    model_slug: str
    model_name: str
    framework_name: str
    version: str
    verdict: str
    computed_at: datetime.datetime
    url: str  # the snapshot's permalink, absolute


def apa(item):
    """APA 7 reference for a data set entry, e.g.

    Openness Scorecard. (2026, November 23). OLMo 7B: Open source AI (Headline label 1.0.0)
    [Data set]. https://…/models/olmo-7b/scores/label-…/
    """
    day = item.computed_at
    return (
        f"{PUBLISHER}. ({day.year}, {day:%B} {day.day}). {item.model_name}: {item.verdict} "
        f"({item.framework_name} {item.version}) [Data set]. {item.url}"
    )


_BIBTEX_SPECIAL = re.compile(r"([&%$#_{}])")


def _bibtex_escape(text):
    text = text.replace("\\", r"\textbackslash{}").replace("~", r"\textasciitilde{}")
    text = text.replace("^", r"\textasciicircum{}")
    return _BIBTEX_SPECIAL.sub(r"\\\1", text)


def bibtex_key(item):
    slug = re.sub(r"[^A-Za-z0-9.\-]", "-", item.model_slug)
    return f"opennessscorecard:{slug}:{item.computed_at:%Y%m%d}"


def bibtex(item):
    day = item.computed_at
    month = day.strftime("%b").lower()
    title = _bibtex_escape(
        f"{item.model_name}: {item.verdict} ({item.framework_name} {item.version})"
    )
    return (
        f"@misc{{{bibtex_key(item)},\n"
        f"  author = {{{{{PUBLISHER}}}}},\n"
        f"  title = {{{{{title}}}}},\n"
        f"  year = {{{day.year}}},\n"
        f"  month = {month},\n"
        f"  howpublished = {{\\url{{{item.url}}}}},\n"
        f"  note = {{Score computed {day:%Y-%m-%d}; data licensed {DATA_LICENSE}}},\n"
        "}"
    )
