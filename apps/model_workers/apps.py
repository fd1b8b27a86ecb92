from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModelWorkersConfig(AppConfig):
    name = "apps.model_workers"
    label = "model_workers"
    verbose_name = _("Model workers and craftsmen")

    def ready(self) -> None:
        # What other domains may know of a resident: a model worker (yes or no), answered
        # through the core registry so that no domain imports this one.
        from apps.core import registry

        from .selectors import model_worker_id_numbers

        registry.contribute(registry.MODEL_WORKER, model_worker_id_numbers)
