"""The catalogue's audits: how it was checked against primary sources, and what was found.

Kept as data beside the catalogue (catalog/data/audits.yaml) and shown on the data page, so a
reader citing a verdict can see how often the evidence is re-checked and how often it was wrong.
"""

import functools
from dataclasses import dataclass

import yaml
from django.conf import settings

AUDITS_FILE = "audits.yaml"


@dataclass(frozen=True)
class Audit:
    date: str
    scope: str
    method: str
    entries: int
    errors: dict  # kind of error -> number found
    corrections: int

    @property
    def errors_found(self):
        return sum(self.errors.values())


@functools.cache
def published():
    """Every audit, newest first; none when the file is absent."""
    path = settings.CATALOG_DIR / AUDITS_FILE
    if not path.exists():
        return ()
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    audits = [
        Audit(
            date=str(entry["date"]),
            scope=entry["scope"],
            method=entry["method"],
            entries=entry["entries"],
            errors=dict(entry["errors"]),
            corrections=entry["corrections"],
        )  # fmt: skip
        for entry in entries
    ]
    return tuple(sorted(audits, key=lambda audit: audit.date, reverse=True))
