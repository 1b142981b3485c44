"""What a Hugging Face repository shows about each component, read by machine.

One pure function, `read_components`, turns the facts of a repo (as a HubRecord or a listing
entry holds them) into an observation per component the Hub can speak for; every other component
stays unknown. Refreshes reconcile these with the assessments, and machine-read entries are
created from them, so both read the Hub the same way.

What the Hub shows, and what it is taken to mean:
- weights in any format (hubs/weights.py): final weights released, under the repo's licence tag,
  gated as the Hub says (components.gated_availability: `auto` is full availability behind a
  click-through, `manual` is partial behind an approval);
- checkpoint branches: intermediate weights, the same way;
- a config.json or modelling code: the architecture, under the repo's licence;
- a README: the model card;
- datasets named by the card: the data the model was trained on is named and published in part
  (which share of the training data they are, the Hub does not say): pre-training data for an
  original model, fine-tuning data for a derivative.
"""

from dataclasses import dataclass

from catalog import components

ARCHITECTURE_FILES = ("config.json", "params.json", "model_index.json")


@dataclass(frozen=True)
class Observed:
    """What the Hub shows of one component.

    `license_key` is the Hub's licence key (its tag, or the card's licence name for `other`),
    None when the component has no licence of its own to state. `binding` says whether the
    observation is strong enough to put before a curator as a discrepancy with a curated
    assessment; otherwise it only fills assessments the Hub already speaks for.
    """

    availability: str
    license_key: str | None
    access: str | None
    evidence: tuple[str, ...]
    note: str
    binding: bool = False


def licence_key(license_tag, license_name):
    """The key a Hub licence is matched by: the tag, or the card's name for `other`."""
    if license_tag == "other" and license_name:
        return license_name
    return license_tag or None


def read_components(
    *, endpoint, repo_id, gated, license_key, files, weight_files, weight_formats,
    datasets, base_models, checkpoint_branches,
):  # fmt: skip
    """{component id: Observed} for the components this repository's facts speak for."""
    url = f"{endpoint.rstrip('/')}/{repo_id}"
    availability, access = components.gated_availability(gated)
    gate = {
        components.ACCESS_CLICK_THROUGH: ", behind a click-through that grants access at once",
        components.ACCESS_APPROVAL: ", behind a gate where each request must be approved",
    }.get(access, "")
    found = {}
    if weight_files:
        formats = ", ".join(weight_formats) or "weights"
        found["weights_final"] = Observed(
            availability, license_key, access, (url,),
            f"Weights published on the Hugging Face Hub as {repo_id} ({formats}){gate}.",
            binding=True,
        )  # fmt: skip
        if checkpoint_branches:
            found["weights_intermediate"] = Observed(
                availability, license_key, access, (f"{url}/tree/{checkpoint_branches[0]}",),
                f"{len(checkpoint_branches)} intermediate checkpoints published as branches of "
                f"{repo_id}{gate}.",
                binding=True,
            )  # fmt: skip
    names = {path.rsplit("/", 1)[-1] for path in files}
    code = [path for path in files if path.endswith(".py") and "modeling" in path]
    if names & set(ARCHITECTURE_FILES) or code:
        shown = sorted(names & set(ARCHITECTURE_FILES)) + code[:3]
        found["architecture"] = Observed(
            components.FULL, license_key, access, (f"{url}/blob/main/{shown[0]}",),
            f"The architecture is defined by {', '.join(shown)} in {repo_id}.",
        )  # fmt: skip
    if "README.md" in files:
        found["doc_model_card"] = Observed(
            components.FULL, license_key, access, (f"{url}/blob/main/README.md",),
            f"The model card is the README of {repo_id}.",
        )  # fmt: skip
    if datasets:
        component = "data_finetuning" if base_models else "data_pretraining"
        root = endpoint.rstrip("/")
        found[component] = Observed(
            components.PARTIAL, None, None,
            tuple(f"{root}/datasets/{dataset}" for dataset in datasets[:20]),
            f"The model card of {repo_id} names {len(datasets)} dataset"
            f"{'s' if len(datasets) != 1 else ''} on the Hub ({', '.join(datasets[:5])}"
            f"{', ...' if len(datasets) > 5 else ''}); whether they are all of its "
            f"{'fine-tuning' if base_models else 'training'} data is not shown.",
        )  # fmt: skip
    return found
