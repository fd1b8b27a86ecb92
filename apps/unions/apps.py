from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "apps.unions"
    label = "unions"
    verbose_name = _("Grassroots unions and members")

    def ready(self) -> None:
        # What other domains may know of a resident: an active union member (yes or no),
        # answered through the core registry so that no domain imports more than the
        # unions' public module.
        from apps.core import registry

        from .selectors import member_id_numbers

        registry.contribute(registry.MEMBER, member_id_numbers)
