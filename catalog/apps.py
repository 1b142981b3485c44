from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "catalog"
    verbose_name = "Catalogue"

    def ready(self):
        from django.contrib.auth.models import User
        from django.db.models.signals import m2m_changed

        from catalog.roles import make_role_members_staff

        m2m_changed.connect(make_role_members_staff, sender=User.groups.through)
