from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnionsConfig(AppConfig):
    name = "apps.unions"
    label = "unions"
    verbose_name = _("Grassroots unions and members")
