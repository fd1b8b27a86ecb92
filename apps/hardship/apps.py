from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HardshipConfig(AppConfig):
    name = "apps.hardship"
    label = "hardship"
    verbose_name = _("Hardship households")

    def ready(self) -> None:
        # Registered here rather than when the services are imported: a page, an export or
        # a task may reveal a household without importing the services, and ready() runs
        # once in every process (web, worker, shell, tests) before any of them.
        from apps.core import registry

        from .decisions import register_personal_grants
        from .selectors import hardship_id_numbers

        register_personal_grants()
        # What other domains may know of a resident: in a filed household (yes or no).
        registry.contribute(registry.HARDSHIP_HOUSEHOLD, hardship_id_numbers)
