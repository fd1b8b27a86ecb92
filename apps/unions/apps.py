from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core import registry
from apps.core.apps import Contributions, WorkQueue


class UnionsConfig(Contributions, AppConfig):
    name = "apps.unions"
    verbose_name = _("Grassroots unions and members")

    # What other domains may know of a resident: an active union member (yes or no), answered
    # through the core registry so that no domain imports more than the unions' public module.
    resident_flag = (registry.MEMBER, "selectors.member_id_numbers")
    # What waits for the user on the home page (apps.core.work): the decisions of county staff.
    work_section = _("Unions & members")
    work_queues = (
        WorkQueue(
            "unions.transfers",
            _("Membership transfers to accept"),
            "selectors.unions_work_transfers",
            "unions:transfer-list",
            order=110,
        ),
        WorkQueue(
            "unions.applications",
            _("Online applications to decide"),
            "selectors.unions_work_applications",
            "unions:joinapplication-list",
            order=120,
        ),
    )
