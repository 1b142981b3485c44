"""The roles: curators edit the evidence and work the queues; administrators also manage users."""

from django.db import migrations

CURATOR_PERMISSIONS = {
    "catalog": {
        "aimodel": ["view", "add", "change"],
        "assessment": ["view", "change"],
        "organization": ["view", "add", "change"],
        "license": ["view", "add", "change"],
        "change": ["view"],
        "discrepancy": ["view", "change"],
        "correctionrequest": ["view", "change"],
        "hubrecord": ["view"],
        "scoresnapshot": ["view"],
    },
}
ADMINISTRATOR_EXTRA = {
    "auth": {
        "user": ["view", "add", "change", "delete"],
        "group": ["view", "add", "change", "delete"],
    },
    "authtoken": {
        "token": ["view", "add", "change", "delete"],
        "tokenproxy": ["view", "add", "delete"],
    },
    "catalog": {"aimodel": ["delete"], "organization": ["delete"], "license": ["delete"]},
}


def permissions(apps, spec):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    found = []
    for app_label, models in spec.items():
        for model, actions in models.items():
            for action in actions:
                found += list(
                    Permission.objects.filter(
                        content_type__app_label=app_label, codename=f"{action}_{model}"
                    )
                )
    return found


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    curators, _ = Group.objects.get_or_create(name="Curators")
    curators.permissions.set(permissions(apps, CURATOR_PERMISSIONS))
    administrators, _ = Group.objects.get_or_create(name="Administrators")
    administrators.permissions.set(
        permissions(apps, CURATOR_PERMISSIONS) + permissions(apps, ADMINISTRATOR_EXTRA)
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Curators", "Administrators"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_organization_hf_authors"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
