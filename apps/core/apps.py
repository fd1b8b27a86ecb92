from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Login lockout: audit the locks axes signals, and our audited unlock in the admin.
        from . import lockout, lockout_admin

        lockout.connect()
        lockout_admin.register()
        # The home page's queues of grassroots unions' change requests (apps.core.work).
        from .change_request_views import contribute_queues

        contribute_queues()
