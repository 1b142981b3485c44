"""What other indexes say: OSI's OSAID validation, the European Open Source AI Index, the MOT.

One module per index (osi, eosai, mot) turns its published files into plain IndexObservations,
or raises MalformedEntry naming the file, the field and the problem; matching.py pairs an
observation with our models and concordance.py says where we differ and why. None of these
touches the database or the network: upstream.py reads the public repositories through the one
HTTP choke point (catalog.hubs.http_get) and importer.py writes what changed.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

OSI = "osi"
EOSAI = "eosai"
MOT = "mot"


class MalformedEntry(ValueError):
    """An upstream file or row that cannot be read: the message names it, the field, the problem."""


@dataclass(frozen=True)
class IndexObservation:
    """What one index says about one system, as published, with what identifies the system."""

    source: str
    key: str  # the upstream's own id: a file path, or the system's name in OSI's list
    name: str
    verdict: str  # their verdict, class or summary, in their terms
    url: str  # their entry
    dated: date | None  # their date for the entry
    date_meaning: str  # what that date is
    names: tuple[str, ...] = ()  # names of the system itself
    hf_repos: tuple[str, ...] = ()  # Hugging Face repos of the system itself
    related_names: tuple[str, ...] = ()  # names it mentions (a base model): candidates only
    related_hf_repos: tuple[str, ...] = ()  # repos it mentions (a base model): candidates only
    details: Mapping = field(default_factory=dict)  # everything else it says, as plain JSON


HF_HOSTS = {"huggingface.co", "www.huggingface.co", "hf.co"}
HF_NOT_REPOS = {"datasets", "spaces", "docs", "blog", "papers", "organizations", "collections"}


def hf_repo_of(url):
    """`owner/name` from a Hugging Face model URL, or None (datasets, spaces, other hosts)."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url.strip())
    if (parts.hostname or "").lower() not in HF_HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2 or segments[0] in HF_NOT_REPOS:
        return None
    return f"{segments[0]}/{segments[1]}"


def links(value):
    """The URLs of a field that holds one link or a list of them."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def normalised(name):
    """A name reduced to lower-case letters and digits: "Llama 2" and "Llama2" meet."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower())


def github_blob_url(repository, commit, path):
    return f"https://github.com/{repository}/blob/{commit}/{path}"
