"""Staff pages of the model workers domain (on ``apps.core.views_base``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy

from apps.core import personal
from apps.core import views_base as generic

from . import filtersets, forms, selectors, services
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk

# Model workers ---------------------------------------------------------------------------


class _ModelWorker:
    model = ModelWorker
    stem = "model_worker"
    masked_id_field = "id_number"
    form_class = forms.ModelWorkerForm
    add_label = gettext_lazy("Add model worker")


class ModelWorkerListView(_ModelWorker, generic.ScopedListView):
    filterset_class = filtersets.ModelWorkerFilterSet
    ordering_fields = ("name", "title_year", "level")
    default_ordering = "-title_year"
    title = gettext_lazy("Model workers")
    heading = gettext_lazy("Model workers and craftsmen")
    import_resource = "model_workers"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        workers = list(ctx["object_list"])
        # One query for the whole page, not one per row.
        in_hardship = selectors.hardship_flags(w.id_number for w in workers)
        for worker in workers:
            worker.in_hardship = worker.id_number in in_hardship
        ctx["object_list"] = workers
        return ctx


class ModelWorkerDetailView(_ModelWorker, generic.ScopedDetailView):
    def get_context_data(self, **kwargs):
        worker = self.object
        ctx = super().get_context_data(**kwargs)
        ctx["in_hardship"] = worker.id_number in selectors.hardship_flags([worker.id_number])
        ctx["honours"] = selectors.model_worker_honours(worker)
        ctx["payments"] = selectors.model_worker_payments(worker)[:100]
        ctx["yearly_totals"] = selectors.model_worker_yearly_totals(worker)
        ctx["recuperations"] = selectors.model_worker_recuperations(worker)
        ctx["studios"] = selectors.studio_list(user=self.request.user).filter(
            leader_id_number=worker.id_number
        )
        return ctx


class ModelWorkerCreateView(_ModelWorker, generic.ServiceCreateView):
    initial_from_query = ("union",)
    success_message = gettext_lazy("Model worker %(name)s added.")


class ModelWorkerUpdateView(_ModelWorker, generic.ServiceUpdateView):
    editing = True
    title = gettext_lazy("Edit model worker %(name)s")


class _WorkerChildCreateView(generic.ServiceFormView):
    """A record added from a model worker's page (payment, recuperation): ``self.object`` is
    the model worker, in the user's change scope; Cancel and a save lead back to it."""

    permission_action = "add"
    selector = staticmethod(selectors.model_worker_list)
    route_base = "model_workers:modelworker"
    record_kwarg = "model_worker"

    def success_url(self, result):
        return reverse("model_workers:modelworker-detail", args=[result.model_worker_id])


class BenefitCreateView(_WorkerChildCreateView):
    model = BenefitPayment
    form_class = forms.BenefitForm
    service = staticmethod(services.benefit_pay)
    title = gettext_lazy("Record a benefit payment to %(name)s")
    success_message = gettext_lazy("Payment %(number)s recorded.")


class RecuperationCreateView(_WorkerChildCreateView):
    model = Recuperation
    form_class = forms.RecuperationForm
    service = staticmethod(services.recuperation_create)
    title = gettext_lazy("Record recuperation of %(name)s")


# Honours ---------------------------------------------------------------------------------


class _Honour:
    model = Honour
    stem = "honour"
    form_class = forms.HonourForm
    add_label = gettext_lazy("Add honour")


class HonourListView(_Honour, generic.ScopedListView):
    filterset_class = filtersets.HonourFilterSet
    ordering_fields = ("number", "year", "recipient_name")
    default_ordering = "-year"
    title = gettext_lazy("Honours")
    import_resource = "honours"


class HonourDetailView(_Honour, generic.ScopedDetailView):
    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        number = self.object.id_number
        ctx["id_display"] = personal.reveal(self.request.user, self.object, "id_number") if number else ""
        # A medal to a model worker links to the person's page (when in the user's scope).
        ctx["model_worker"] = (
            selectors.model_worker_list(user=self.request.user).filter(id_number=number).first()
            if number
            else None
        )
        return ctx


class HonourCreateView(_Honour, generic.ServiceCreateView):
    initial_from_query = ("union",)
    success_message = gettext_lazy("Honour %(number)s added.")


class HonourUpdateView(_Honour, generic.ServiceUpdateView):
    editing = True
    title = gettext_lazy("Edit honour %(number)s")


# Benefit payments (routes named "benefit-…"; a payment is recorded from the worker's page) --


class _Benefit:
    model = BenefitPayment
    stem = "benefit"
    route_base = "model_workers:benefit"


class BenefitListView(_Benefit, generic.ScopedListView):
    template_name = "model_workers/benefit_list.html"
    filterset_class = filtersets.BenefitFilterSet
    ordering_fields = ("number", "paid_on", "amount")
    default_ordering = "-paid_on"
    title = gettext_lazy("Benefit payments")
    import_resource = "benefits"


class BenefitDetailView(_Benefit, generic.ScopedDetailView):
    template_name = "model_workers/benefit_detail.html"


class BenefitUpdateView(_Benefit, generic.ServiceUpdateView):
    form_class = forms.BenefitForm
    record_kwarg = "payment"
    title = gettext_lazy("Edit payment %(number)s")


# Recuperation (recorded from the worker's page) ------------------------------------------


class _Recuperation:
    model = Recuperation
    stem = "recuperation"


class RecuperationListView(_Recuperation, generic.ScopedListView):
    filterset_class = filtersets.RecuperationFilterSet
    ordering_fields = ("year", "place")
    default_ordering = "-year"
    title = gettext_lazy("Recuperation")
    import_resource = "recuperations"


class RecuperationDetailView(_Recuperation, generic.ScopedDetailView):
    pass


class RecuperationUpdateView(_Recuperation, generic.ServiceUpdateView):
    form_class = forms.RecuperationForm
    title = gettext_lazy("Edit recuperation of %(name)s")
    message_fields = {"name": "model_worker.name"}


# Innovation studios (routes named "studio-…") --------------------------------------------


class _Studio:
    model = InnovationStudio
    stem = "studio"
    route_base = "model_workers:studio"
    form_class = forms.StudioForm
    add_label = gettext_lazy("Add innovation studio")


class StudioListView(_Studio, generic.ScopedListView):
    template_name = "model_workers/studio_list.html"
    filterset_class = filtersets.StudioFilterSet
    ordering_fields = ("code", "name", "founded_on", "skill_leaders", "mentor_pairs")
    default_ordering = "code"
    title = gettext_lazy("Innovation studios")
    import_resource = "studios"


class StudioDetailView(_Studio, generic.ScopedDetailView):
    template_name = "model_workers/studio_detail.html"
    masked_id_field = "leader_id_number"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["leader"] = (
            selectors.model_worker_list(user=self.request.user)
            .filter(id_number=self.object.leader_id_number)
            .first()
        )
        return ctx


class StudioCreateView(_Studio, generic.ServiceCreateView):
    initial_from_query = ("union",)
    success_message = gettext_lazy("Studio %(name)s added.")


class StudioUpdateView(_Studio, generic.ServiceUpdateView):
    editing = True
    title = gettext_lazy("Edit studio %(name)s")


# Talks -----------------------------------------------------------------------------------


class _Talk:
    model = Talk
    stem = "talk"
    form_class = forms.TalkForm
    add_label = gettext_lazy("Add talk")


class TalkListView(_Talk, generic.ScopedListView):
    filterset_class = filtersets.TalkFilterSet
    ordering_fields = ("number", "held_on", "audience")
    default_ordering = "-held_on"
    title = gettext_lazy("Talks")
    heading = gettext_lazy("Model worker talks")
    import_resource = "talks"


class TalkDetailView(_Talk, generic.ScopedDetailView):
    pass


class TalkCreateView(_Talk, generic.ServiceCreateView):
    success_message = gettext_lazy("Talk %(number)s added.")


class TalkUpdateView(_Talk, generic.ServiceUpdateView):
    title = gettext_lazy("Edit talk %(number)s")
