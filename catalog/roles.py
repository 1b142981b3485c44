"""The roles (groups made by migration 0007): curators edit evidence, administrators also users.

The admin lets in only staff, so joining a role makes a user staff: a curator added to the group
can sign in at once, with nothing else to remember.
"""

from django.contrib.auth.models import Group, User

ROLE_GROUPS = ("Curators", "Administrators")


def make_role_members_staff(sender, instance, action, reverse, pk_set, **kwargs):
    """m2m_changed receiver for User.groups, from either side (user.groups, group.user_set)."""
    if action != "post_add":
        return
    if reverse:
        if instance.name in ROLE_GROUPS:
            User.objects.filter(pk__in=pk_set, is_staff=False).update(is_staff=True)
    elif (
        not instance.is_staff and Group.objects.filter(pk__in=pk_set, name__in=ROLE_GROUPS).exists()
    ):
        instance.is_staff = True
        instance.save(update_fields=["is_staff"])
