from django.urls import path

from catalog import converters, feeds, views  # noqa: F401 (registers the model slug converter)
from catalog.http_cache import public_read

app_name = "catalog"
urlpatterns = [
    path("", views.model_list, name="model-list"),
    path("api/", views.api_guide, name="api-guide"),
    path("models/<model:slug>/", views.model_detail, name="model-detail"),
    path("models/<model:slug>/scores/<snapshot:key>/", views.snapshot, name="snapshot"),
    path("models/<model:slug>/correction/", views.correction, name="correction"),
    path("models/<model:slug>/correction/sent/", views.correction_sent, name="correction-sent"),
    path("compare/", views.compare, name="compare"),
    path("chart/", views.chart, name="chart"),
    path("methodology/", views.methodology, name="methodology"),
    path("methodology/<str:framework_id>/", views.framework_page, name="framework"),
    path("about/data/", views.about_data, name="about-data"),
    path("concordance/", views.concordance, name="concordance"),
    path("licences/", views.licence_list, name="licences"),
    path("licences/<licence:identifier>/", views.licence_detail, name="licence"),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("changes/", views.changes, name="changes"),
    path("changes/feed/", public_read()(feeds.ChangesFeed()), name="changes-feed"),
    path("corrections/", views.corrections_log, name="corrections-log"),
    path("corrections/feed/", public_read()(feeds.CorrectionsFeed()), name="corrections-feed"),
    path("downloads/", views.downloads, name="downloads"),
    path("downloads/openness-scorecard.csv", views.download_csv, name="download-csv"),
    path("downloads/openness-scorecard.json", views.download_json, name="download-json"),
    path("badge/<model:slug>.svg", views.badge_svg, name="badge-svg"),
    path("badge/<model:slug>.png", views.badge_png, name="badge-png"),
]
