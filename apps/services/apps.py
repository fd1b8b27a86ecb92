from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core import registry
from apps.core.apps import Contributions, WorkQueue

from .choices import ReliefStatus


class ServicesConfig(Contributions, AppConfig):
    name = "apps.services"
    verbose_name = _("Worker services")

    # What other domains may show of a resident: the relief payments and warmth visits they
    # received (as plain records, only those the asking user may see), answered through the
    # core registry so that no domain imports this one.
    resident_records = (registry.SERVICES_RECEIVED, "links.services_received")
    # What waits for the user on the home page (apps.core.work): the work the services overview
    # lists, each linked to its page.
    work_section = _("Worker services")
    work_queues = tuple(
        WorkQueue(f"services.{key}", label, f"selectors.{count}", url_name, order, query)
        for key, label, count, url_name, order, query in (
            (
                "relief_to_approve",
                _("Relief payments awaiting your approval"),
                "services_work_relief_to_approve",
                "services:relief-pending",
                410,
                "",
            ),
            (
                "relief_to_pay",
                _("Approved relief payments to pay"),
                "services_work_relief_to_pay",
                "services:relief-list",
                420,
                f"status={ReliefStatus.APPROVED}",
            ),
            (
                "open_cases",
                _("Open rights cases"),
                "services_work_open_cases",
                "services:rightscase-open",
                430,
                "",
            ),
            (
                "overdue_loans",
                _("Overdue loans"),
                "services_work_overdue_loans",
                "services:loan-overdue",
                440,
                "",
            ),
        )
    )
