from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "apps.insurance"
    label = "insurance"
    verbose_name = _("Mutual medical insurance")

    def ready(self) -> None:
        # What other domains may know of a resident: covered today by a mutual medical
        # insurance plan (yes or no), answered through the core registry.
        from apps.core import registry, work

        from .choices import ClaimStatus
        from .selectors import (
            insurance_work_to_approve,
            insurance_work_to_pay,
            insurance_work_to_review,
            insured_id_numbers,
        )

        registry.contribute(registry.INSURED, insured_id_numbers)

        # What waits for the user on the home page (apps.core.work): each step of a claim, linked
        # to its tab of the review queues.
        section = _("Mutual medical insurance")
        for queue in (
            work.Queue(
                key="insurance.claims_to_review",
                label=_("Claims to review"),
                count=insurance_work_to_review,
                url_name="insurance:claim-queue",
                query=f"queue={ClaimStatus.SUBMITTED}",
                order=310,
                section=section,
            ),
            work.Queue(
                key="insurance.claims_to_approve",
                label=_("Claims to approve"),
                count=insurance_work_to_approve,
                url_name="insurance:claim-queue",
                query=f"queue={ClaimStatus.REVIEWED}",
                order=320,
                section=section,
            ),
            work.Queue(
                key="insurance.claims_to_pay",
                label=_("Claims to pay"),
                count=insurance_work_to_pay,
                url_name="insurance:claim-queue",
                query=f"queue={ClaimStatus.APPROVED}",
                order=330,
                section=section,
            ),
        ):
            work.contribute(queue)
