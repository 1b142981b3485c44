from django.urls import path

from catalog import converters, feeds  # noqa: F401 (registers the model slug converter)
from catalog.http_cache import public_read
from catalog.views import (
    changes,
    compare,
    corrections,
    directory,
    downloads,
    licences,
    methodology,
    model,
)

app_name = "catalog"
urlpatterns = [
    path("", directory.model_list, name="model-list"),
    path("api/", methodology.api_guide, name="api-guide"),
    path("models/<model:slug>/", model.model_detail, name="model-detail"),
    path("models/<model:slug>/scores/<snapshot:key>/", model.snapshot, name="snapshot"),
    path("models/<model:slug>/correction/", corrections.correction, name="correction"),
    path(
        "models/<model:slug>/correction/sent/", corrections.correction_sent, name="correction-sent"
    ),
    path("compare/", compare.compare, name="compare"),
    path("chart/", licences.chart, name="chart"),
    path("methodology/", methodology.methodology, name="methodology"),
    path("methodology/<str:framework_id>/", methodology.framework_page, name="framework"),
    path("about/data/", methodology.about_data, name="about-data"),
    path("concordance/", methodology.concordance, name="concordance"),
    path("licences/", licences.licence_list, name="licences"),
    path("licences/<licence:identifier>/", licences.licence_detail, name="licence"),
    path("organisations/", licences.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", licences.organisation_detail, name="organisation"),
    path("changes/", changes.changes, name="changes"),
    path("changes/feed/", public_read()(feeds.ChangesFeed()), name="changes-feed"),
    path("corrections/", changes.corrections_log, name="corrections-log"),
    path("corrections/feed/", public_read()(feeds.CorrectionsFeed()), name="corrections-feed"),
    path("downloads/", downloads.downloads, name="downloads"),
    path("downloads/openness-scorecard.csv", downloads.download_csv, name="download-csv"),
    path("downloads/openness-scorecard.json", downloads.download_json, name="download-json"),
    path("badge/<model:slug>.svg", downloads.badge_svg, name="badge-svg"),
    path("badge/<model:slug>.png", downloads.badge_png, name="badge-png"),
]
