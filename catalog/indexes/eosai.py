"""The European Open Source AI Index: one YAML file per system in its public database repository.

Each file has `system` (name, link, basemodelname, endmodelname, endmodellicense, releasedate...),
`org`, and one mapping per openness dimension with `class` (open, partial or closed; empty when not
applicable), `link` and `notes`, as the repository's readme describes. The data is CC-BY-4.0:
attribution is a link to https://osai-index.eu/ and a citation of the index.
"""

import yaml

from catalog.indexes import (
    EOSAI,
    IndexObservation,
    MalformedEntry,
    github_blob_url,
    hf_repo_of,
    links,
)

# The dimensions in the order of the repository's readme: availability, documentation, access.
DIMENSIONS = (
    ("datasources_basemodel", "Base model data"),
    ("datasources_endmodel", "End model data"),
    ("weights_basemodel", "Base model weights"),
    ("weights_endmodel", "End model weights"),
    ("trainingcode", "Training code"),
    ("code", "Code documentation"),
    ("hardware_architecture", "Hardware architecture"),
    ("preprint", "Preprint"),
    ("paper", "Paper"),
    ("modelcard", "Model card"),
    ("datasheet", "Datasheet"),
    ("package", "Package"),
    ("api", "API"),
    ("licenses", "Licences"),
)
DIMENSION_NAMES = dict(DIMENSIONS)
CLASSES = ("open", "partial", "closed")


def is_entry_path(path):
    """Whether a path in the repository is one system's file (top-level YAML)."""
    return "/" not in path and path.endswith((".yaml", ".yml"))


def parse_entry(path, text, *, repository, commit, dated):
    """One file as an IndexObservation; MalformedEntry naming the file and field otherwise.

    `dated` is the date of the upstream commit read: the files carry no date of their own.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise MalformedEntry(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise MalformedEntry(f"{path}: expected a mapping at the top")
    system = data.get("system")
    if not isinstance(system, dict):
        raise MalformedEntry(f"{path}: system is missing")
    name = system.get("name")
    if not isinstance(name, str) or not name.strip():
        raise MalformedEntry(f"{path}: system.name is missing")
    dimensions = {}
    for key, _title in DIMENSIONS:
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise MalformedEntry(f"{path}: {key} must be a mapping with class, link and notes")
        grade = value.get("class")
        grade = grade.strip().lower() if isinstance(grade, str) else grade
        if grade in (None, ""):
            continue  # not applicable, as the readme says
        if grade not in CLASSES:
            raise MalformedEntry(f"{path}: {key}.class {grade!r} is not open, partial or closed")
        notes = value.get("notes")
        dimensions[key] = {
            "class": grade,
            "links": links(value.get("link")),
            "notes": notes.strip() if isinstance(notes, str) else "",
        }
    if not dimensions:
        raise MalformedEntry(f"{path}: no dimension has a class")
    counts = {grade: sum(d["class"] == grade for d in dimensions.values()) for grade in CLASSES}
    verdict = (
        f"{counts['open']} open, {counts['partial']} partial, {counts['closed']} closed "
        f"of {len(dimensions)} dimensions"
    )
    end_model = _text(system.get("endmodelname"))
    base_model = _text(system.get("basemodelname"))
    own_repos = [hf_repo_of(url) for url in links(system.get("link"))]
    own_repos += [
        hf_repo_of(url) for url in dimensions.get("weights_endmodel", {}).get("links", [])
    ]
    base_repos = [
        hf_repo_of(url) for url in dimensions.get("weights_basemodel", {}).get("links", [])
    ]
    own = tuple(dict.fromkeys(r for r in own_repos if r))
    return IndexObservation(
        source=EOSAI,
        key=path,
        name=name.strip(),
        verdict=verdict,
        url=github_blob_url(repository, commit, path),
        dated=dated,
        date_meaning="the date of the index's data read (its files carry no date of their own)",
        names=tuple(n for n in (name.strip(), end_model) if n),
        hf_repos=own,
        related_names=(base_model,) if base_model else (),
        related_hf_repos=tuple(dict.fromkeys(r for r in base_repos if r and r not in own)),
        details={
            "dimensions": dimensions,
            "counts": counts,
            "end_model": end_model,
            "base_model": base_model,
            "end_model_licence": _text(system.get("endmodellicense")),
            "release_date": _text(system.get("releasedate")),
            "organisation": _text((data.get("org") or {}).get("name"))
            if isinstance(data.get("org"), dict)
            else "",
        },
    )


def _text(value):
    return str(value).strip() if value not in (None, "") else ""
