from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from apps.core import registry
from apps.core.apps import Contributions


class ModelWorkersConfig(Contributions, AppConfig):
    name = "apps.model_workers"
    verbose_name = _("Model workers and craftsmen")

    # What other domains may know of a resident: a model worker (yes or no), answered
    # through the core registry so that no domain imports this one.
    resident_flag = (registry.MODEL_WORKER, "selectors.model_worker_id_numbers")
