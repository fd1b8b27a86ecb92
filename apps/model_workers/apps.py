from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModelWorkersConfig(AppConfig):
    name = "apps.model_workers"
    label = "model_workers"
    verbose_name = _("Model workers and craftsmen")
