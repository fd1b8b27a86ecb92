"""Staff pages of the competitions domain (on ``apps.core.views_base``)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from apps.core import views_base as generic

from . import filtersets, forms, selectors
from .models import Competition, InnovationAchievement, Participation


class _FormView(generic.ServiceFormView):
    cancel_url_name = "competitions:competition-list"


# Competitions ----------------------------------------------------------------------------


class _Competition:
    model = Competition
    stem = "competition"
    form_class = forms.CompetitionForm
    add_label = gettext_lazy("Add competition")


class CompetitionListView(_Competition, generic.ScopedListView):
    filterset_class = filtersets.CompetitionFilterSet
    ordering_fields = ("code", "name", "kind", "start_date", "end_date")
    default_ordering = "-start_date"
    title = gettext_lazy("Competitions")
    import_resource = "competitions"


class CompetitionDetailView(_Competition, generic.ScopedDetailView):
    """A competition with the participations the user may see and their totals."""

    participations_paginate_by = 50

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


class CompetitionCreateView(_Competition, _FormView, generic.ServiceCreateView):
    success_message = gettext_lazy("Competition %(name)s added.")


class CompetitionUpdateView(_Competition, _FormView, generic.ServiceUpdateView):
    """Only users whose scope covers the organizer region reach this page (else a 404)."""

    title = gettext_lazy("Edit competition %(name)s")


# Participations --------------------------------------------------------------------------


class _Participation:
    model = Participation
    stem = "participation"
    add_label = gettext_lazy("Add participation")
    message_fields = {"union": "union.name", "competition": "competition.name"}


class ParticipationListView(_Participation, generic.ScopedListView):
    filterset_class = filtersets.ParticipationFilterSet
    ordering_fields = ("competition__start_date", "competition__code", "union__code", "participating_workers")
    default_ordering = "-competition__start_date"
    title = gettext_lazy("Participations")
    import_resource = "participations"


class ParticipationDetailView(_Participation, generic.ScopedDetailView):
    pass


class ParticipationCreateView(_Participation, _FormView, generic.ServiceCreateView):
    """Registers a unit in a competition; the competition's page then lists it."""

    form_class = forms.ParticipationForm
    initial_from_query = ("competition", "union")
    success_message = gettext_lazy("%(union)s now takes part in %(competition)s.")

    def success_url(self, result):
        return reverse("competitions:competition-detail", args=[result.competition_id])


class ParticipationUpdateView(_Participation, _FormView, generic.ServiceUpdateView):
    form_class = forms.ParticipationUpdateForm
    title = gettext_lazy("Edit participation of %(union)s")


# Innovation achievements (routes named "innovation-…") -----------------------------------


class _Innovation:
    model = InnovationAchievement
    stem = "innovation"
    route_base = "competitions:innovation"
    form_class = forms.InnovationForm
    add_label = gettext_lazy("Add innovation achievement")


class InnovationListView(_Innovation, generic.ScopedListView):
    template_name = "competitions/innovation_list.html"
    filterset_class = filtersets.InnovationFilterSet
    ordering_fields = ("number", "name", "year", "grade")
    default_ordering = "-year"
    title = gettext_lazy("Innovation achievements")
    import_resource = "innovations"


class InnovationDetailView(_Innovation, generic.ScopedDetailView):
    template_name = "competitions/innovation_detail.html"


class InnovationCreateView(_Innovation, _FormView, generic.ServiceCreateView):
    initial_from_query = ("union",)
    success_message = gettext_lazy("Achievement %(number)s added.")


class InnovationUpdateView(_Innovation, _FormView, generic.ServiceUpdateView):
    title = gettext_lazy("Edit achievement %(number)s")


# A unit's competitions -------------------------------------------------------------------


class UnitCompetitionsView(generic.ScopedMixin, View):
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
