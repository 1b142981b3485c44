"""OSI's published outcomes of the OSAID 1.0 validation phase, kept in osi_validation.yaml.

OSI publishes them as one paragraph of https://opensource.org/ai, not as data; the YAML file
records that paragraph's list with its source, the commit of OSI's website repository it was
read from, and the date. `parse` reads it into observations, one per system.
"""

import hashlib
from pathlib import Path

import yaml

from catalog.indexes import OSI, IndexObservation, MalformedEntry

DATA_FILE = Path(__file__).with_name("osi_validation.yaml")
OUTCOMES = {
    "conforms": "Conforms",
    "would conform with other licence terms": "Would conform with other licence terms",
    "does not conform": "Does not conform",
}


def read_data_file(path=DATA_FILE):
    """(revision, text): the file's text and the SHA-256 that stands for its revision."""
    text = Path(path).read_text(encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest(), text


def parse(text, *, file_name="osi_validation.yaml"):
    """Observations for every system in OSI's list; MalformedEntry when the file is not right."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise MalformedEntry(f"{file_name}: not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise MalformedEntry(f"{file_name}: expected a mapping at the top")
    source = data.get("source")
    if not isinstance(source, str) or not source.startswith("https://"):
        raise MalformedEntry(f"{file_name}: source must be the https URL of OSI's page")
    as_of = data.get("as_of")
    if not hasattr(as_of, "isoformat"):
        raise MalformedEntry(f"{file_name}: as_of must be a date (YYYY-MM-DD)")
    systems = data.get("systems")
    if not isinstance(systems, list) or not systems:
        raise MalformedEntry(f"{file_name}: systems must be a non-empty list")
    observations, seen = [], set()
    for number, system in enumerate(systems, start=1):
        where = f"{file_name}: systems[{number}]"
        if not isinstance(system, dict):
            raise MalformedEntry(f"{where}: expected a mapping")
        name, outcome = system.get("name"), system.get("outcome")
        if not isinstance(name, str) or not name.strip():
            raise MalformedEntry(f"{where}: name is missing")
        if outcome not in OUTCOMES:
            raise MalformedEntry(
                f"{where} ({name}): outcome {outcome!r} is not one of {', '.join(OUTCOMES)}"
            )
        if name in seen:
            raise MalformedEntry(f"{where}: {name} is listed twice")
        seen.add(name)
        observations.append(
            IndexObservation(
                source=OSI,
                key=name,
                name=name,
                verdict=outcome,
                url=source,
                dated=as_of,
                date_meaning=data.get("date_meaning", ""),
                names=(name,),
                details={
                    "organisation": system.get("organisation", ""),
                    "note": data.get("note", ""),
                },
            )
        )
    return observations
