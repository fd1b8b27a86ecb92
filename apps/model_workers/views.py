"""Staff pages of the model workers domain.

Lists and details inherit the scoped base views; forms call services and show their
ApplicationError in the form. Nothing here filters by region by hand.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core import personal
from apps.core.scoping import CHANGE
from apps.core.views_base import ScopedDetailView, ScopedListView, ServiceFormView

from . import selectors, services
from .filtersets import (
    BenefitFilterSet,
    HonourFilterSet,
    ModelWorkerFilterSet,
    RecuperationFilterSet,
    StudioFilterSet,
    TalkFilterSet,
)
from .forms import BenefitForm, HonourForm, ModelWorkerForm, RecuperationForm, StudioForm, TalkForm
from .models import BenefitPayment, Honour, InnovationStudio, ModelWorker, Recuperation, Talk


class _FormView(ServiceFormView):
    template_name = "model_workers/form.html"
    list_url_name = "model_workers:modelworker-list"

    def cancel_url(self) -> str:
        return self.request.META.get("HTTP_REFERER", "") or reverse(self.list_url_name)


class _EditMixin:
    """An edit page: the form drops personal-data fields for users without the right."""

    def form_kwargs(self):
        return {"user": self.request.user, "editing": True}


# Model workers ---------------------------------------------------------------------------


class ModelWorkerListView(ScopedListView):
    model = ModelWorker
    filterset_class = ModelWorkerFilterSet
    template_name = "model_workers/modelworker_list.html"
    ordering_fields = ("name", "title_year", "level")
    default_ordering = "-title_year"

    def scoped_queryset(self):
        return selectors.model_worker_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        workers = list(ctx["object_list"])
        # One query for the whole page, not one per row.
        in_hardship = selectors.hardship_flags(w.id_number for w in workers)
        for worker in workers:
            worker.id_display = personal.reveal(self.request.user, worker, "id_number")
            worker.in_hardship = worker.id_number in in_hardship
        ctx["object_list"] = workers
        return ctx


class ModelWorkerDetailView(ScopedDetailView):
    model = ModelWorker
    template_name = "model_workers/modelworker_detail.html"

    def get_queryset(self):
        return selectors.model_worker_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        worker = self.object
        ctx = super().get_context_data(**kwargs)
        ctx["id_display"] = personal.reveal(self.request.user, worker, "id_number")
        ctx["in_hardship"] = worker.id_number in selectors.hardship_flags([worker.id_number])
        ctx["honours"] = selectors.model_worker_honours(worker)
        ctx["payments"] = selectors.model_worker_payments(worker)[:100]
        ctx["yearly_totals"] = selectors.model_worker_yearly_totals(worker)
        ctx["recuperations"] = selectors.model_worker_recuperations(worker)
        ctx["studios"] = selectors.studio_list(user=self.request.user).filter(
            leader_id_number=worker.id_number
        )
        return ctx


class ModelWorkerCreateView(_FormView):
    model = ModelWorker
    permission_action = "add"
    form_class = ModelWorkerForm

    def get_title(self):
        return _("Add model worker")

    def get_initial(self):
        return {"union": self.request.GET.get("union", "")}

    def perform(self, form):
        return services.model_worker_create(user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("Model worker %(name)s added.") % {"name": result.name}

    def success_url(self, result):
        return reverse("model_workers:modelworker-detail", args=[result.pk])


class ModelWorkerUpdateView(_EditMixin, _FormView):
    model = ModelWorker
    form_class = ModelWorkerForm

    def scoped_queryset(self):
        return selectors.model_worker_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit model worker %(name)s") % {"name": self.object.name}

    def get_initial(self):
        return ModelWorkerForm.initial_for(self.object)

    def perform(self, form):
        return services.model_worker_update(
            model_worker=self.object, user=self.request.user, **form.cleaned_data
        )

    def success_url(self, result):
        return reverse("model_workers:modelworker-detail", args=[result.pk])


class _WorkerChildCreateView(_FormView):
    """A record added from a model worker's page (payment, recuperation)."""

    permission_action = "add"

    def get_object(self):
        # The model worker the record is for, in the user's change scope.
        return get_object_or_404(
            selectors.model_worker_list(user=self.request.user, action=CHANGE), pk=self.kwargs["pk"]
        )

    def success_url(self, result):
        return reverse("model_workers:modelworker-detail", args=[result.model_worker_id])


class BenefitCreateView(_WorkerChildCreateView):
    model = BenefitPayment
    form_class = BenefitForm

    def get_title(self):
        return _("Record a benefit payment to %(name)s") % {"name": self.object.name}

    def perform(self, form):
        return services.benefit_pay(model_worker=self.object, user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("Payment %(number)s recorded.") % {"number": result.number}


class RecuperationCreateView(_WorkerChildCreateView):
    model = Recuperation
    form_class = RecuperationForm

    def get_title(self):
        return _("Record recuperation of %(name)s") % {"name": self.object.name}

    def perform(self, form):
        return services.recuperation_create(
            model_worker=self.object, user=self.request.user, **form.cleaned_data
        )


# Honours ---------------------------------------------------------------------------------


class HonourListView(ScopedListView):
    model = Honour
    filterset_class = HonourFilterSet
    template_name = "model_workers/honour_list.html"
    ordering_fields = ("number", "year", "recipient_name")
    default_ordering = "-year"

    def scoped_queryset(self):
        return selectors.honour_list(user=self.request.user)


class HonourDetailView(ScopedDetailView):
    model = Honour
    template_name = "model_workers/honour_detail.html"

    def get_queryset(self):
        return selectors.honour_list(user=self.request.user)

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


class HonourCreateView(_FormView):
    model = Honour
    permission_action = "add"
    form_class = HonourForm
    list_url_name = "model_workers:honour-list"

    def get_title(self):
        return _("Add honour")

    def get_initial(self):
        return {"union": self.request.GET.get("union", "")}

    def perform(self, form):
        return services.honour_create(user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("Honour %(number)s added.") % {"number": result.number}

    def success_url(self, result):
        return reverse("model_workers:honour-detail", args=[result.pk])


class HonourUpdateView(_EditMixin, _FormView):
    model = Honour
    form_class = HonourForm
    list_url_name = "model_workers:honour-list"

    def scoped_queryset(self):
        return selectors.honour_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit honour %(number)s") % {"number": self.object.number}

    def get_initial(self):
        return HonourForm.initial_for(self.object)

    def perform(self, form):
        return services.honour_update(honour=self.object, user=self.request.user, **form.cleaned_data)

    def success_url(self, result):
        return reverse("model_workers:honour-detail", args=[result.pk])


# Benefit payments ------------------------------------------------------------------------


class BenefitListView(ScopedListView):
    model = BenefitPayment
    filterset_class = BenefitFilterSet
    template_name = "model_workers/benefit_list.html"
    ordering_fields = ("number", "paid_on", "amount")
    default_ordering = "-paid_on"

    def scoped_queryset(self):
        return selectors.benefit_list(user=self.request.user)


class BenefitDetailView(ScopedDetailView):
    model = BenefitPayment
    template_name = "model_workers/benefit_detail.html"

    def get_queryset(self):
        return selectors.benefit_list(user=self.request.user)


class BenefitUpdateView(_FormView):
    model = BenefitPayment
    form_class = BenefitForm
    list_url_name = "model_workers:benefit-list"

    def scoped_queryset(self):
        return selectors.benefit_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit payment %(number)s") % {"number": self.object.number}

    def get_initial(self):
        return BenefitForm.initial_for(self.object)

    def perform(self, form):
        return services.benefit_update(payment=self.object, user=self.request.user, **form.cleaned_data)

    def success_url(self, result):
        return reverse("model_workers:benefit-detail", args=[result.pk])


# Recuperation ----------------------------------------------------------------------------


class RecuperationListView(ScopedListView):
    model = Recuperation
    filterset_class = RecuperationFilterSet
    template_name = "model_workers/recuperation_list.html"
    ordering_fields = ("year", "place")
    default_ordering = "-year"

    def scoped_queryset(self):
        return selectors.recuperation_list(user=self.request.user)


class RecuperationDetailView(ScopedDetailView):
    model = Recuperation
    template_name = "model_workers/recuperation_detail.html"

    def get_queryset(self):
        return selectors.recuperation_list(user=self.request.user)


class RecuperationUpdateView(_FormView):
    model = Recuperation
    form_class = RecuperationForm
    list_url_name = "model_workers:recuperation-list"

    def scoped_queryset(self):
        return selectors.recuperation_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit recuperation of %(name)s") % {"name": self.object.model_worker.name}

    def get_initial(self):
        return RecuperationForm.initial_for(self.object)

    def perform(self, form):
        return services.recuperation_update(
            recuperation=self.object, user=self.request.user, **form.cleaned_data
        )

    def success_url(self, result):
        return reverse("model_workers:recuperation-detail", args=[result.pk])


# Innovation studios ----------------------------------------------------------------------


class StudioListView(ScopedListView):
    model = InnovationStudio
    filterset_class = StudioFilterSet
    template_name = "model_workers/studio_list.html"
    ordering_fields = ("code", "name", "founded_on", "skill_leaders", "mentor_pairs")
    default_ordering = "code"

    def scoped_queryset(self):
        return selectors.studio_list(user=self.request.user)


class StudioDetailView(ScopedDetailView):
    model = InnovationStudio
    template_name = "model_workers/studio_detail.html"

    def get_queryset(self):
        return selectors.studio_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        studio = self.object
        ctx["id_display"] = personal.reveal(self.request.user, studio, "leader_id_number")
        ctx["leader"] = (
            selectors.model_worker_list(user=self.request.user)
            .filter(id_number=studio.leader_id_number)
            .first()
        )
        return ctx


class StudioCreateView(_FormView):
    model = InnovationStudio
    permission_action = "add"
    form_class = StudioForm
    list_url_name = "model_workers:studio-list"

    def get_title(self):
        return _("Add innovation studio")

    def get_initial(self):
        return {"union": self.request.GET.get("union", "")}

    def perform(self, form):
        return services.studio_create(user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("Studio %(name)s added.") % {"name": result.name}

    def success_url(self, result):
        return reverse("model_workers:studio-detail", args=[result.pk])


class StudioUpdateView(_EditMixin, _FormView):
    model = InnovationStudio
    form_class = StudioForm
    list_url_name = "model_workers:studio-list"

    def scoped_queryset(self):
        return selectors.studio_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit studio %(name)s") % {"name": self.object.name}

    def get_initial(self):
        return StudioForm.initial_for(self.object)

    def perform(self, form):
        return services.studio_update(studio=self.object, user=self.request.user, **form.cleaned_data)

    def success_url(self, result):
        return reverse("model_workers:studio-detail", args=[result.pk])


# Talks -----------------------------------------------------------------------------------


class TalkListView(ScopedListView):
    model = Talk
    filterset_class = TalkFilterSet
    template_name = "model_workers/talk_list.html"
    ordering_fields = ("number", "held_on", "audience")
    default_ordering = "-held_on"

    def scoped_queryset(self):
        return selectors.talk_list(user=self.request.user)


class TalkDetailView(ScopedDetailView):
    model = Talk
    template_name = "model_workers/talk_detail.html"

    def get_queryset(self):
        return selectors.talk_list(user=self.request.user)


class TalkCreateView(_FormView):
    model = Talk
    permission_action = "add"
    form_class = TalkForm
    list_url_name = "model_workers:talk-list"

    def get_title(self):
        return _("Add talk")

    def perform(self, form):
        return services.talk_create(user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("Talk %(number)s added.") % {"number": result.number}

    def success_url(self, result):
        return reverse("model_workers:talk-detail", args=[result.pk])


class TalkUpdateView(_FormView):
    model = Talk
    form_class = TalkForm
    list_url_name = "model_workers:talk-list"

    def scoped_queryset(self):
        return selectors.talk_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit talk %(number)s") % {"number": self.object.number}

    def get_initial(self):
        return TalkForm.initial_for(self.object)

    def perform(self, form):
        return services.talk_update(talk=self.object, user=self.request.user, **form.cleaned_data)

    def success_url(self, result):
        return reverse("model_workers:talk-detail", args=[result.pk])
