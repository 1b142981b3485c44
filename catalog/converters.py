from django.urls import register_converter


class ModelSlugConverter:
    """Model slugs may hold dots (`llama-3.1-8b`), which Django's `slug` converter refuses."""

    regex = r"[a-z0-9][a-z0-9.\-]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class LicenceIdConverter(ModelSlugConverter):
    """An SPDX id or `LicenseRef-<key>` (see License's identifier constraint)."""

    regex = r"[A-Za-z0-9.\-+]+"


class SnapshotKeyConverter(ModelSlugConverter):
    """`<framework>-<version>-<timestamp>`, as the scorer names a snapshot."""

    regex = r"[A-Za-z0-9][A-Za-z0-9._\-]*"  # framework ids may hold an underscore (eu_ai_act)


register_converter(ModelSlugConverter, "model")
register_converter(LicenceIdConverter, "licence")
register_converter(SnapshotKeyConverter, "snapshot")
