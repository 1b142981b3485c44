from django.urls import path

from catalog import converters, views  # noqa: F401 (registers the model slug converter)

app_name = "catalog"
urlpatterns = [
    path("", views.model_list, name="model-list"),
    path("api/", views.api_guide, name="api-guide"),
    path("models/<model:slug>/", views.model_detail, name="model-detail"),
    path("models/<model:slug>/scores/<str:key>/", views.snapshot, name="snapshot"),
]
