from collections.abc import Iterable

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core import registry
from apps.core.apps import Contributions, WorkQueue

from .choices import Status

# The county's next filing steps on the home page, each linked to the households at that step.
STEP_LABELS = {
    Status.NEW: _("Households to visit"),
    Status.VISITED: _("Households to inspect"),
    Status.INSPECTED: _("Households to calculate"),
    Status.CALCULATED: _("Households to deliberate"),
    Status.DELIBERATED: _("Households to evaluate"),
    Status.EVALUATED: _("Households to put on public notice"),
}


class HardshipConfig(Contributions, AppConfig):
    name = "apps.hardship"
    verbose_name = _("Hardship households")

    # What other domains may know of a resident: in a filed household (yes or no).
    resident_flag = (registry.HARDSHIP_HOUSEHOLD, "selectors.hardship_id_numbers")
    # What waits for the user on the home page (apps.core.work): the county's next filing steps
    # (``queues``), the reviews above the county, the county's annual re-checks.
    work_section = _("Hardship households")
    work_queues = (
        WorkQueue(
            "hardship.reviews",
            _("Hardship households to review"),
            "selectors.hardship_work_reviews",
            "hardship:review-queue",
            order=200,
        ),
        WorkQueue(
            "hardship.rechecks",
            _("Annual re-checks due"),
            "selectors.hardship_work_rechecks",
            "hardship:recheck-due",
            order=220,
        ),
    )

    def ready(self) -> None:
        # Registered here rather than when the services are imported: a page, an export or a
        # task may reveal a household without importing the services, and ready() runs once
        # in every process (web, worker, shell, tests) before any of them.
        from .decisions import register_personal_grants

        register_personal_grants()
        super().ready()

    def queues(self) -> Iterable[WorkQueue]:
        from .selectors import hardship_work_steps

        for order, (status, count) in enumerate(hardship_work_steps.items(), start=211):
            yield WorkQueue(
                f"hardship.step_{status}",
                STEP_LABELS[status],
                count,
                "hardship:household-list",
                order,
                f"status={status}",
            )
        yield from super().queues()
