from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "apps.services"
    label = "services"
    verbose_name = _("Worker services")

    def ready(self) -> None:
        # What other domains may show of a resident: the relief payments and warmth visits
        # they received (as plain records, only those the asking user may see), answered
        # through the core registry so that no domain imports this one.
        from apps.core import registry

        from .links import services_received

        registry.contribute_records(registry.SERVICES_RECEIVED, services_received)
