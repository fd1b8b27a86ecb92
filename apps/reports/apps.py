from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "apps.reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # The headline figures of the user's region on the home page (apps.core.work), read
        # from the precomputed dashboard summaries.
        from apps.core import freshness, work

        from .selectors import reports_work_headline
        from .services import refresh_on_write, summaries_changed

        work.contribute_headline(reports_work_headline)
        # Writes and imports mark the summaries of their regions stale; one task recomputes
        # them a few minutes later (REPORTS_REFRESH_ON_WRITE, apps.core.freshness).
        freshness.listen(summaries_changed, active=refresh_on_write)
