"""The operators' roles, as Django groups: "admin" may do everything, "support" may see and act
on orders, refills, cancels and tickets (their canned replies too) but not change prices, the
catalog, balances, users or settings.

The same permissions guard the back-office pages and the Django admin. A superuser is an admin.
"""

from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group, Permission

ADMIN = "admin"
SUPPORT = "support"

# Permission codenames (app_label.codename) of the support role.
SUPPORT_PERMISSIONS = (
    "orders.view_order",
    "orders.change_order",
    "orders.view_refill",
    "orders.change_refill",
    "orders.view_cancelrequest",
    "orders.change_cancelrequest",
    "orders.view_productorder",
    "orders.change_productorder",
    "catalog.view_category",
    "catalog.view_service",
    "catalog.view_product",
    "accounts.view_account",
    "support.view_ticket",
    "support.change_ticket",
    "support.view_cannedreply",
    "support.add_cannedreply",
    "support.change_cannedreply",
    "support.delete_cannedreply",
)


def _permissions(names: tuple[str, ...]) -> list[Permission]:
    found: list[Permission] = []
    for name in names:
        app_label, codename = name.split(".")
        found.extend(
            Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    return found


def ensure_groups(app_config: Any = None, **kwargs: Any) -> None:
    """Create or complete the two groups, after every migrate (once every app's permissions
    exist: post_migrate is sent for each app with models; act on the last one's)."""
    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if app_config is not None and app_config is not with_models[-1]:
        return
    admin, _ = Group.objects.get_or_create(name=ADMIN)
    admin.permissions.set(Permission.objects.all())
    support, _ = Group.objects.get_or_create(name=SUPPORT)
    support.permissions.set(_permissions(SUPPORT_PERMISSIONS))
