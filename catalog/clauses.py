"""The licence clauses the Scorecard records: one registry, read by everything else.

Each clause is a field of `License` (the model declares the columns; their labels and help
texts come from here), a key of the API's `clauses`, a flag the frameworks read from
`LicenseTerms`, a value of the `restriction` filter and a row of the licence and methodology
pages. Adding a clause means adding it here, then the field, its migration and the
`LicenseTerms` attribute; the tests check that they agree. Plain data: no ORM, no HTTP.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Clause:
    flag: str  # the License field, the API key and the filter value
    name: str  # a few words, for filters and table headings
    description: str  # what it means, as a reader sees it; the user cap's holds "{mau_cap}"
    restricts_use: (
        bool  # restricts use, persons or fields of endeavour: OSAID and the labels forbid it
    )
    restrictive: bool = True  # a restriction the frameworks count; attribution is not one
    cap: bool = False  # a number (the user cap, present when set) rather than a yes/no flag

    def describe(self, mau_cap=None):
        """The description, with the licence's user cap when there is one to give."""
        cap = f"{mau_cap:,}" if mau_cap is not None else "a stated number of"
        return self.description.format(mau_cap=cap)

    def is_in(self, licence):
        """Whether `licence` (a License or a LicenseTerms) carries this clause."""
        value = getattr(licence, self.flag)
        return value is not None if self.cap else bool(value)


# In the order of the API's `clauses`; the restrictive ones in the order the pages list them.
CLAUSES = (
    Clause("mau_cap", "User cap",
           "User cap: a separate licence is needed above {mau_cap} monthly active users",
           restricts_use=True, cap=True),
    Clause("acceptable_use_policy", "Acceptable-use policy",
           "Acceptable-use policy restricts what the model may be used for",
           restricts_use=True),
    Clause("terms_changeable", "Terms changeable by licensor",
           "The licensor can change the terms or the use policy unilaterally",
           restricts_use=False),
    Clause("field_of_use", "Field-of-use limits",
           "Some fields of use are forbidden",
           restricts_use=True),
    Clause("no_improving_other_models", "No improving other models",
           "Outputs may not be used to improve other models",
           restricts_use=True),
    Clause("attribution", "Attribution",
           "Attribution or a notice is required",
           restricts_use=False, restrictive=False),
    Clause("name_prefix", "Name prefix on derivatives",
           "Derivatives must carry the licensor's name",
           restricts_use=False),
    Clause("litigation_termination", "Ends if you sue",
           "Suing the licensor ends the licence",
           restricts_use=False),
    Clause("geographic", "Geographic limits",
           "Some places or people are excluded",
           restricts_use=True),
    Clause("non_commercial", "Non-commercial only",
           "Commercial use is forbidden",
           restricts_use=True),
    Clause("revocable", "Revocable",
           "The licensor can revoke the licence",
           restricts_use=True),
    Clause("remote_restriction", "Remote restriction",
           "The licensor may restrict use remotely, for instance by updating the model",
           restricts_use=True),
    Clause("flow_down", "Flow-down to derivatives",
           "The use restrictions must be passed on to every derivative",
           restricts_use=False),
    Clause("covers_trained_models", "Binds models trained on outputs",
           "Models distilled from it or trained on its outputs are bound by its terms",
           restricts_use=False),
)  # fmt: skip

BY_FLAG = {clause.flag: clause for clause in CLAUSES}
FLAGS = tuple(BY_FLAG)
# The restrictive clauses, in the order the methodology page lists them: what binds a model.
RESTRICTIVE = tuple(clause for clause in CLAUSES if clause.restrictive)
RESTRICTIONS = tuple(clause.flag for clause in RESTRICTIVE)
# The clauses that restrict use, persons or fields of endeavour: what OSAID and the labels forbid.
USE_RESTRICTIONS = tuple(clause.flag for clause in CLAUSES if clause.restricts_use)
# The yes/no clauses (every one but the user cap).
BOOLEAN_FLAGS = tuple(clause.flag for clause in CLAUSES if not clause.cap)


def get(flag):
    """The clause with this flag; KeyError for an unknown one."""
    return BY_FLAG[flag]


def present_in(licence):
    """The restrictive clauses `licence` (a License or a LicenseTerms) carries, as flags."""
    return tuple(clause.flag for clause in RESTRICTIVE if clause.is_in(licence))


def in_order(flags):
    """The distinct restrictive flags among `flags`, in the registry's order."""
    present = set(flags)
    return tuple(flag for flag in RESTRICTIONS if flag in present)
