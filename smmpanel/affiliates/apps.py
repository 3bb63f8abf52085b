from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AffiliatesConfig(AppConfig):
    name = "smmpanel.affiliates"
    label = "affiliates"
    verbose_name = _("Affiliates")

    def ready(self) -> None:
        from smmpanel.affiliates import sightings

        sightings.connect()
