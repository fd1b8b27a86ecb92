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
        from apps.core import registry, work

        from .choices import Status
        from .decisions import register_personal_grants
        from .selectors import (
            hardship_id_numbers,
            hardship_work_rechecks,
            hardship_work_reviews,
            hardship_work_steps,
        )

        register_personal_grants()
        # What other domains may know of a resident: in a filed household (yes or no).
        registry.contribute(registry.HARDSHIP_HOUSEHOLD, hardship_id_numbers)

        # What waits for the user on the home page (apps.core.work): the county's next filing
        # steps, each linked to the households at that step; the reviews above the county; the
        # county's annual re-checks.
        section = _("Hardship households")
        step_labels = {
            Status.NEW: _("Households to visit"),
            Status.VISITED: _("Households to inspect"),
            Status.INSPECTED: _("Households to calculate"),
            Status.CALCULATED: _("Households to deliberate"),
            Status.DELIBERATED: _("Households to evaluate"),
            Status.EVALUATED: _("Households to put on public notice"),
        }
        for order, (status, count) in enumerate(hardship_work_steps.items(), start=211):
            work.contribute(
                work.Queue(
                    key=f"hardship.step_{status}",
                    label=step_labels[status],
                    count=count,
                    url_name="hardship:household-list",
                    query=f"status={status}",
                    order=order,
                    section=section,
                )
            )
        work.contribute(
            work.Queue(
                key="hardship.reviews",
                label=_("Hardship households to review"),
                count=hardship_work_reviews,
                url_name="hardship:review-queue",
                order=200,
                section=section,
            )
        )
        work.contribute(
            work.Queue(
                key="hardship.rechecks",
                label=_("Annual re-checks due"),
                count=hardship_work_rechecks,
                url_name="hardship:recheck-due",
                order=220,
                section=section,
            )
        )
