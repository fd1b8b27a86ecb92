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
        from apps.core import registry, work

        from .choices import ReliefStatus
        from .links import services_received
        from .selectors import (
            services_work_open_cases,
            services_work_overdue_loans,
            services_work_relief_to_approve,
            services_work_relief_to_pay,
        )

        registry.contribute_records(registry.SERVICES_RECEIVED, services_received)

        # What waits for the user on the home page (apps.core.work): the work the services
        # overview lists, each linked to its page.
        section = _("Worker services")
        for queue in (
            work.Queue(
                key="services.relief_to_approve",
                label=_("Relief payments awaiting your approval"),
                count=services_work_relief_to_approve,
                url_name="services:relief-pending",
                order=410,
                section=section,
            ),
            work.Queue(
                key="services.relief_to_pay",
                label=_("Approved relief payments to pay"),
                count=services_work_relief_to_pay,
                url_name="services:relief-list",
                query=f"status={ReliefStatus.APPROVED}",
                order=420,
                section=section,
            ),
            work.Queue(
                key="services.open_cases",
                label=_("Open rights cases"),
                count=services_work_open_cases,
                url_name="services:rightscase-open",
                order=430,
                section=section,
            ),
            work.Queue(
                key="services.overdue_loans",
                label=_("Overdue loans"),
                count=services_work_overdue_loans,
                url_name="services:loan-overdue",
                order=440,
                section=section,
            ),
        ):
            work.contribute(queue)
