from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "apps.insurance"
    label = "insurance"
    verbose_name = _("Mutual medical insurance")

    def ready(self) -> None:
        # What other domains may know of a resident: covered today by a mutual medical
        # insurance plan (yes or no), answered through the core registry.
        from apps.core import registry

        from .selectors import insured_id_numbers

        registry.contribute(registry.INSURED, insured_id_numbers)
