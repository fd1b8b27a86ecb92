from itertools import chain

from django.urls import path

from apps.core.views_base import crud_urls

from . import views

app_name = "services"

urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("relief/pending/", views.ReliefPendingView.as_view(), name="relief-pending"),
    path("cases/open/", views.OpenCaseListView.as_view(), name="rightscase-open"),
    path("loans/overdue/", views.OverdueLoanListView.as_view(), name="loan-overdue"),
    # each register's list, new, detail, edit, delete and its steps (approve, pay, close...)
    *chain.from_iterable(crud_urls(views, r.name, r.path, actions=r.actions) for r in views.REGISTERS),
]
