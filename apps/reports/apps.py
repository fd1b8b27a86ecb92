from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The headline figures of the user's region on the home page (apps.core.work), read
        # from the precomputed dashboard summaries.
        from apps.core import work

        from .selectors import reports_work_headline

        work.contribute_headline(reports_work_headline)
