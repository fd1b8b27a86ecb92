"""Staff pages of the competitions domain.

Lists and details inherit the scoped base views; forms call services and show their
ApplicationError in the form. Nothing here filters by region by hand.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from apps.core.scoping import CHANGE
from apps.core.views_base import ScopedDetailView, ScopedListView, ScopedMixin
from apps.core.views_base import ServiceFormView as _BaseServiceFormView

from . import selectors, services
from .filtersets import CompetitionFilterSet, InnovationFilterSet, ParticipationFilterSet
from .forms import CompetitionForm, InnovationForm, ParticipationForm, ParticipationUpdateForm
from .models import Competition, InnovationAchievement, Participation


class ServiceFormView(_BaseServiceFormView):
    template_name = "competitions/form.html"

    def cancel_url(self) -> str:
        return self.request.META.get("HTTP_REFERER", "") or reverse("competitions:competition-list")


# Competitions ----------------------------------------------------------------------------


class CompetitionListView(ScopedListView):
    model = Competition
    filterset_class = CompetitionFilterSet
    template_name = "competitions/competition_list.html"
    ordering_fields = ("code", "name", "kind", "start_date", "end_date")
    default_ordering = "-start_date"

    def scoped_queryset(self):
        return selectors.competition_list(user=self.request.user)


class CompetitionDetailView(ScopedDetailView):
    """A competition with the participations the user may see and their totals."""

    model = Competition
    template_name = "competitions/competition_detail.html"
    participations_paginate_by = 50

    def get_queryset(self):
        return selectors.competition_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        participations = selectors.competition_participations(competition=self.object, user=user)
        ctx["participations"] = Paginator(participations, self.participations_paginate_by).get_page(
            self.request.GET.get("page")
        )
        ctx["totals"] = selectors.competition_totals(competition=self.object, user=user)
        ctx["can_add_participation"] = user.has_perm("competitions.add_participation")
        return ctx


class CompetitionCreateView(ServiceFormView):
    model = Competition
    permission_action = "add"
    form_class = CompetitionForm

    def get_title(self):
        return _("Add competition")

    def perform(self, form):
        return services.competition_create(user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("Competition %(name)s added.") % {"name": result.name}

    def success_url(self, result):
        return reverse("competitions:competition-detail", args=[result.pk])


class CompetitionUpdateView(ServiceFormView):
    """Only users whose scope covers the organizer region reach this page (else a 404)."""

    model = Competition
    form_class = CompetitionForm

    def scoped_queryset(self):
        return selectors.competition_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit competition %(name)s") % {"name": self.object.name}

    def get_initial(self):
        return CompetitionForm.initial_for(self.object)

    def perform(self, form):
        return services.competition_update(
            competition=self.object, user=self.request.user, **form.cleaned_data
        )

    def success_url(self, result):
        return reverse("competitions:competition-detail", args=[result.pk])


# Participations --------------------------------------------------------------------------


class ParticipationListView(ScopedListView):
    model = Participation
    filterset_class = ParticipationFilterSet
    template_name = "competitions/participation_list.html"
    ordering_fields = ("competition__start_date", "competition__code", "union__code", "participating_workers")
    default_ordering = "-competition__start_date"

    def scoped_queryset(self):
        return selectors.participation_list(user=self.request.user)


class ParticipationDetailView(ScopedDetailView):
    model = Participation
    template_name = "competitions/participation_detail.html"

    def get_queryset(self):
        return selectors.participation_list(user=self.request.user)


class ParticipationCreateView(ServiceFormView):
    model = Participation
    permission_action = "add"
    form_class = ParticipationForm

    def get_title(self):
        return _("Add participation")

    def get_initial(self):
        return {
            "competition": self.request.GET.get("competition", ""),
            "union": self.request.GET.get("union", ""),
        }

    def perform(self, form):
        return services.participation_create(user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("%(union)s now takes part in %(competition)s.") % {
            "union": result.union.name,
            "competition": result.competition.name,
        }

    def success_url(self, result):
        return reverse("competitions:competition-detail", args=[result.competition_id])


class ParticipationUpdateView(ServiceFormView):
    model = Participation
    form_class = ParticipationUpdateForm

    def scoped_queryset(self):
        return selectors.participation_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit participation of %(union)s") % {"union": self.object.union.name}

    def get_initial(self):
        return ParticipationUpdateForm.initial_for(self.object)

    def perform(self, form):
        return services.participation_update(
            participation=self.object, user=self.request.user, **form.cleaned_data
        )

    def success_url(self, result):
        return reverse("competitions:participation-detail", args=[result.pk])


# Innovation achievements -----------------------------------------------------------------


class InnovationListView(ScopedListView):
    model = InnovationAchievement
    filterset_class = InnovationFilterSet
    template_name = "competitions/innovation_list.html"
    ordering_fields = ("number", "name", "year", "grade")
    default_ordering = "-year"

    def scoped_queryset(self):
        return selectors.innovation_list(user=self.request.user)


class InnovationDetailView(ScopedDetailView):
    model = InnovationAchievement
    template_name = "competitions/innovation_detail.html"

    def get_queryset(self):
        return selectors.innovation_list(user=self.request.user)


class InnovationCreateView(ServiceFormView):
    model = InnovationAchievement
    permission_action = "add"
    form_class = InnovationForm

    def get_title(self):
        return _("Add innovation achievement")

    def get_initial(self):
        return {"union": self.request.GET.get("union", "")}

    def perform(self, form):
        return services.innovation_create(user=self.request.user, **form.cleaned_data)

    def success_message(self, result):
        return _("Achievement %(number)s added.") % {"number": result.number}

    def success_url(self, result):
        return reverse("competitions:innovation-detail", args=[result.pk])


class InnovationUpdateView(ServiceFormView):
    model = InnovationAchievement
    form_class = InnovationForm

    def scoped_queryset(self):
        return selectors.innovation_list(user=self.request.user, action=CHANGE)

    def get_title(self):
        return _("Edit achievement %(number)s") % {"number": self.object.number}

    def get_initial(self):
        return InnovationForm.initial_for(self.object)

    def perform(self, form):
        return services.innovation_update(innovation=self.object, user=self.request.user, **form.cleaned_data)

    def success_url(self, result):
        return reverse("competitions:innovation-detail", args=[result.pk])


# A unit's competitions -------------------------------------------------------------------


class UnitCompetitionsView(ScopedMixin, View):
    """One union's participations and achievements, for whoever may see the union (by the
    union's region); a union outside the scope is a 404."""

    model = Participation
    template_name = "competitions/unit_competitions.html"
    paginate_by = 50

    def get(self, request, union_id: int):
        union = selectors.union_in_scope(user=request.user, union_id=union_id)
        if union is None:
            raise Http404(_("No such union in your scope."))
        participations = (
            selectors.participation_list(user=request.user)
            .filter(union=union)
            .order_by("-competition__start_date", "competition__code")
        )
        innovations = (
            selectors.innovation_list(user=request.user).filter(union=union).order_by("-year", "number")
        )
        ctx = {
            "union": union,
            "participations": Paginator(participations, self.paginate_by).get_page(request.GET.get("page")),
            "innovations": Paginator(innovations, self.paginate_by).get_page(
                request.GET.get("innovation_page")
            ),
            "summary": selectors.union_competition_summary(union=union),
            "can_add_participation": request.user.has_perm("competitions.add_participation"),
            "can_add_innovation": request.user.has_perm("competitions.add_innovationachievement"),
        }
        return render(request, self.template_name, ctx)
