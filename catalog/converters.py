from django.urls import register_converter


class ModelSlugConverter:
    """Model slugs may hold dots (`llama-3.1-8b`), which Django's `slug` converter refuses."""

    regex = r"[a-z0-9][a-z0-9.\-]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(ModelSlugConverter, "model")
