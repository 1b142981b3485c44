"""The public form: a reader's suggested correction, queued for a curator."""

from django import forms

from catalog import components
from catalog.models import CorrectionRequest


class CorrectionForm(forms.ModelForm):
    """What a reader proposes for one component, with evidence; changes nothing by itself."""

    # A honeypot: hidden from people by the stylesheet and from assistive technology, left empty
    # by anyone filling the form in by hand. A post that fills it is dropped without a word.
    website = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = CorrectionRequest
        fields = [
            "component",
            "proposed_availability",
            "proposed_license",
            "evidence_url",
            "explanation",
            "contact",
        ]
        labels = {
            "component": "Component",
            "proposed_availability": "What was released (proposed)",
            "proposed_license": "Licence (proposed)",
            "evidence_url": "Evidence URL",
            "explanation": "What is wrong, in a few words",
            "contact": "Your email or handle (optional)",
        }
        help_texts = {
            "proposed_license": "An SPDX id such as Apache-2.0, or the licence's name.",
            "evidence_url": "Required: a primary source, such as the licence file, model card or repository.",
            "contact": "Only the curators see it, to ask you a question about the correction.",
        }
        widgets = {
            "evidence_url": forms.URLInput(attrs={"placeholder": "https://"}),
            "explanation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["component"].choices = [("", "Choose a component")] + [
            (c.id, c.name) for c in components.COMPONENTS
        ]
        self.fields["proposed_availability"].choices = [("", "No change proposed")] + list(
            components.AVAILABILITY_CHOICES
        )
        self.fields["proposed_license"].max_length = 200

    @property
    def is_spam(self):
        return bool(self.data.get("website"))

    def clean(self):
        cleaned = super().clean()
        if (
            not cleaned.get("proposed_availability")
            and not cleaned.get("proposed_license", "").strip()
        ):
            raise forms.ValidationError(
                "Propose what was released, a licence, or both: otherwise there is nothing to correct.",
                code="nothing_proposed",
            )
        return cleaned
