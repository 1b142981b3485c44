"""Discovery: draft entries for the new model repos of the tracked Hugging Face accounts."""

import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog import history, publishing
from catalog.hubs import HubError, huggingface
from catalog.models import AIModel, Assessment, HubRecord, Organization
from catalog.refresh.dispatch import single_run
from catalog.sync import fill_missing_assessments

# The refresh's log lines keep one logger name, whichever step writes them.
logger = logging.getLogger("catalog.refresh")

DISCOVERY_LOCK = "lock:hub-discovery"
DISCOVERY_ACTOR = "hub-discovery"
# Longer than the discovery task may run (catalog/tasks.py), so a second one cannot start while
# the first still works; short enough that a killed run does not block the next scheduled one.
DISCOVERY_LOCK_SECONDS = 540


@dataclass
class Discovery:
    """What one discovery run did."""

    created: list = field(default_factory=list)  # slugs of the new drafts
    errors: list = field(default_factory=list)  # (author, message) for accounts not listed


def discover(now=None, max_new=50):
    """Create draft entries for new model repos of the tracked Hub accounts.

    Drafts carry every component as unknown and are never public until a curator reviews and
    publishes them. A repo the catalogue already names (in any letter case, or under the name
    the hub now gives it) is never drafted twice. An account that cannot be listed is reported
    and skipped. Returns a Discovery, or None when another discovery holds the lock.
    """
    with single_run(DISCOVERY_LOCK, seconds=DISCOVERY_LOCK_SECONDS) as held:
        if not held:
            return None
        return _discover(now or timezone.now(), max_new)


def _discover(now, max_new):
    known = set()
    for repos in AIModel.objects.values_list("hf_repos", flat=True):
        known.update(repo.casefold() for repo in repos)
    canonical_ids = HubRecord.objects.exclude(canonical_id="").values_list(
        "canonical_id", flat=True
    )
    known.update(repo.casefold() for repo in canonical_ids)
    discovery = Discovery()
    for org in Organization.objects.exclude(hf_authors=[]).order_by("slug"):
        for author in org.hf_authors:
            try:
                listing = huggingface.list_author_models(
                    author, endpoint=settings.HF_ENDPOINT, token=settings.HF_TOKEN,
                    allowed_hosts=settings.HUB_ALLOWED_HOSTS, timeout=settings.HUB_TIMEOUT,
                )  # fmt: skip
            except HubError as error:
                logger.warning("discovery could not list %s: %s", author, error)
                discovery.errors.append((author, f"{type(error).__name__}: {error}"))
                continue
            for repo_id, created_at, licence in listing:
                if repo_id.casefold() in known or len(discovery.created) >= max_new:
                    continue
                discovery.created.append(
                    _create_draft(org, author, repo_id, created_at, licence, now)
                )
                known.add(repo_id.casefold())
    return discovery


def _create_draft(org, author, repo_id, created_at, licence, now):
    name = repo_id.partition("/")[2]
    with transaction.atomic():
        model = AIModel.objects.create(
            slug=_free_slug(name),
            name=name,
            organization=org,
            family=name,
            release_date=(created_at or now).date(),
            modality=AIModel.Modality.OTHER,
            kind=AIModel.Kind.UNKNOWN,
            hf_repos=[repo_id],
            description=f"Discovered on the Hugging Face Hub as {repo_id}; "
            "not yet reviewed: modality, kind and every component are to be checked.",
            status=AIModel.Status.DRAFT,
        )
        reason = f"New repository {repo_id} of tracked account {author}" + (
            f", licence {licence} on the Hub" if licence else ""
        )
        history.record(model, before=None, actor=DISCOVERY_ACTOR, reason=reason)
        publishing.evidence_changed([model.pk])
        # The hub fills a draft's unknowns on its refreshes, until a curator takes them over.
        fill_missing_assessments(
            model, actor=DISCOVERY_ACTOR, reason=reason, assessed_at=now.date(),
            source=Assessment.Source.HUB,
        )  # fmt: skip
        # Due for the dispatcher now; the licence the listing shows is kept until it reads more.
        HubRecord.objects.create(
            model=model, hub=HubRecord.Hub.HUGGINGFACE, repo_id=repo_id, license_tag=licence or ""
        )
    return model.slug


def _free_slug(name):
    base = re.sub(r"[^a-z0-9.]+", "-", name.lower()).strip("-.") or "model"
    slug, number = base, 2
    while AIModel.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug
