from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from catalog import converters  # noqa: F401 (registers the model slug converter)
from catalog.api import views
from catalog.http_cache import public_read

app_name = "api"
urlpatterns = [
    path("models/", views.ModelList.as_view(), name="model-list"),
    path("models/<model:slug>/", views.ModelDetail.as_view(), name="model-detail"),
    path("models/<model:slug>/history/", views.ModelHistory.as_view(), name="model-history"),
    path("licenses/", views.LicenseList.as_view(), name="license-list"),
    path("licenses/<licence:identifier>/", views.LicenseDetail.as_view(), name="license-detail"),
    path("organizations/", views.OrganizationList.as_view(), name="organization-list"),
    path(
        "organizations/<slug:slug>/", views.OrganizationDetail.as_view(), name="organization-detail"
    ),
    path("changes/", views.ChangeList.as_view(), name="change-list"),
    path("components/", views.ComponentList.as_view(), name="component-list"),
    path("frameworks/", views.FrameworkList.as_view(), name="framework-list"),
    path("dump/", views.Dump.as_view(), name="dump"),
    path("schema/", public_read()(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", views.docs, name="docs"),
    # [\s\S], not ".": a path holding a newline is no endpoint either, and answers in JSON too.
    re_path(r"^(?P<path>[\s\S]*)$", views.not_found),
]
