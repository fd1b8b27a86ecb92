from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core import registry
from apps.core.apps import Contributions, WorkQueue

from .choices import ClaimStatus


class InsuranceConfig(Contributions, AppConfig):
    name = "apps.insurance"
    verbose_name = _("Mutual medical insurance")

    # What other domains may know of a resident: covered today by a mutual medical insurance
    # plan (yes or no), answered through the core registry.
    resident_flag = (registry.INSURED, "selectors.insured_id_numbers")
    # What waits for the user on the home page (apps.core.work): each step of a claim, linked to
    # its tab of the review queues.
    work_section = _("Mutual medical insurance")
    work_queues = tuple(
        WorkQueue(
            f"insurance.claims_to_{step}", label, count, "insurance:claim-queue", order, f"queue={status}"
        )
        for step, label, count, order, status in (
            (
                "review",
                _("Claims to review"),
                "selectors.insurance_work_to_review",
                310,
                ClaimStatus.SUBMITTED,
            ),
            (
                "approve",
                _("Claims to approve"),
                "selectors.insurance_work_to_approve",
                320,
                ClaimStatus.REVIEWED,
            ),
            ("pay", _("Claims to pay"), "selectors.insurance_work_to_pay", 330, ClaimStatus.APPROVED),
        )
    )
