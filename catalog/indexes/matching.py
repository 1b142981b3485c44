"""Which of our models an index entry speaks about: explicit rules, and a curator when unsure.

- The same Hugging Face repository as one of the entry's own: a match.
- The same name (letters and digits, case aside) as exactly one of our models: a match.
- Otherwise every model the entry may be (a repository or a name it mentions, such as its base
  model; a family of the same name; a model whose name starts with the entry's) is a candidate,
  and the entry stays unmatched until a curator confirms which.
"""

from dataclasses import dataclass

from catalog.indexes import normalised

HUB_REPO = "hub_repo"
NAME = "name"


@dataclass(frozen=True)
class ModelRef:
    slug: str
    name: str
    family: str
    hf_repos: tuple[str, ...]


@dataclass(frozen=True)
class Matching:
    slugs: tuple[str, ...]  # matched
    method: str | None  # HUB_REPO or NAME when matched
    candidates: tuple[str, ...]  # for a curator when nothing matched


def match(observation, models):
    """Match one IndexObservation against ModelRefs; pure, and the same answer every time."""
    models = sorted(models, key=lambda m: m.slug)
    own_repos = {repo.lower() for repo in observation.hf_repos}
    by_repo = [m for m in models if own_repos & {r.lower() for r in m.hf_repos}]
    if by_repo:
        return Matching(tuple(m.slug for m in by_repo), HUB_REPO, ())
    names = {normalised(n) for n in observation.names if normalised(n)}
    by_name = [m for m in models if names & {normalised(m.name), normalised(m.slug)}]
    if len(by_name) == 1:
        return Matching((by_name[0].slug,), NAME, ())
    related_repos = {repo.lower() for repo in observation.related_hf_repos}
    related_names = {normalised(n) for n in observation.related_names if normalised(n)}
    candidates = [
        m
        for m in models
        if m in by_name
        or related_repos & {r.lower() for r in m.hf_repos}
        or related_names & {normalised(m.name), normalised(m.slug)}
        or normalised(m.family) in names
        or any(normalised(m.name).startswith(n) for n in names)
    ]
    return Matching((), None, tuple(m.slug for m in candidates))
