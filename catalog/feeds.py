"""Atom feeds: changes to the evidence base, and the public corrections log."""

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from catalog import selectors

FEED_SIZE = 50


class ChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Openness Scorecard: changes"
    subtitle = "Every change to the evidence base: who changed what, when and why."
    author_name = "Openness Scorecard"

    def link(self):
        return reverse("catalog:changes")

    def items(self):
        return selectors.recent_changes()[:FEED_SIZE]

    def item_title(self, change):
        return f"{change.get_action_display().capitalize()} {change.get_subject_display()} {change.subject_key}"

    def item_description(self, change):
        fields = ", ".join(change.changed_fields)
        return f"{change.reason} (by {change.actor}{'; fields: ' + fields if fields else ''})"

    def item_link(self, change):
        if change.model_id and change.model is not None:
            return reverse("catalog:model-detail", args=[change.model.slug])
        if change.subject == change.Subject.LICENSE:
            return reverse("catalog:licence", args=[change.subject_key])
        if change.subject == change.Subject.ORGANIZATION:
            return reverse("catalog:organisation", args=[change.subject_key])
        return reverse("catalog:changes")

    def item_guid(self, change):
        return f"tag:openness-scorecard,2026:change:{change.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.at

    def item_updateddate(self, change):
        return change.at

    def item_author_name(self, change):
        return change.actor


class CorrectionsFeed(Feed):
    feed_type = Atom1Feed
    title = "Openness Scorecard: corrections"
    subtitle = "Every correction of a verdict-relevant fact: date, before, after and reason."
    author_name = "Openness Scorecard"

    def link(self):
        return reverse("catalog:corrections-log")

    def items(self):
        return selectors.corrections_log(limit=FEED_SIZE)

    def item_title(self, correction):
        what = correction.model.name if correction.model_id else correction.license.identifier
        return f"{what}: {correction.subject.replace('_', ' ')} corrected"

    def item_description(self, correction):
        return f"Was: {correction.before}. Now: {correction.after}. Why: {correction.reason}"

    def item_link(self, correction):
        if correction.model_id:
            return reverse("catalog:model-detail", args=[correction.model.slug]) + "#corrections"
        return reverse("catalog:licence", args=[correction.license.identifier])

    def item_guid(self, correction):
        return f"tag:openness-scorecard,2026:correction:{correction.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, correction):
        return datetime.datetime.combine(correction.date, datetime.time(), tzinfo=datetime.UTC)
