from django.contrib.admin.apps import AdminConfig


class StaffAdminConfig(AdminConfig):
    """The Django admin, on a site whose log-in is throttled and asks enrolled staff for a TOTP
    token."""

    default_site = "smmpanel.staff.site.StaffAdminSite"

    def ready(self) -> None:
        super().ready()  # every app's admin module is imported: Django's and django-otp's too
        from django.contrib import admin

        from smmpanel.staff.inspector import make_read_only

        make_read_only(admin.site)
        from smmpanel.staff import checks  # noqa: F401  (registers the settings checks)
