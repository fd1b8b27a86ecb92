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
        from apps.core import registry, work

        from .selectors import member_id_numbers, unions_work_applications, unions_work_transfers

        registry.contribute(registry.MEMBER, member_id_numbers)
        # What waits for the user on the home page (apps.core.work): the decisions of county staff.
        section = _("Unions & members")
        work.contribute(
            work.Queue(
                key="unions.transfers",
                label=_("Membership transfers to accept"),
                count=unions_work_transfers,
                url_name="unions:transfer-list",
                order=110,
                section=section,
            )
        )
        work.contribute(
            work.Queue(
                key="unions.applications",
                label=_("Online applications to decide"),
                count=unions_work_applications,
                url_name="unions:joinapplication-list",
                order=120,
                section=section,
            )
        )
