"""apps.core.freshness: the audited writes and the import jobs tell the listeners (the reports
app's dashboards) which regions changed, once per transaction, only after the commit, without
core knowing who listens."""

import datetime as dt
import logging
from unittest import mock

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.utils import timezone

from apps.core import freshness, services
from apps.core.admin_base import ScopedAdmin
from apps.core.import_jobs import import_job_confirm, import_job_run
from apps.core.models import ImportJob, Region
from apps.core.services import bulk_create_audited, model_create, model_delete, model_save, model_update
from apps.core.tests.factories import region
from apps.unions import services as unions
from apps.unions.models import GrassrootsUnion
from apps.unions.tests.factories import GrassrootsUnionFactory


@pytest.fixture
def heard(monkeypatch):
    """The only listener: records every call (the reports app's listener is set aside)."""
    calls = []
    monkeypatch.setattr(freshness, "_listeners", [])
    freshness.listen(lambda ids, years: calls.append((set(ids), years)))
    return calls


def union_data(code, reg):
    return {
        "code": code,
        "name": f"工会{code}",
        "kind": "enterprise",
        "region": reg,
        "founded_on": dt.date(2020, 1, 1),
    }


def this_and_last_year():
    year = timezone.localdate().year
    return (year - 1, year)


def test_a_transaction_of_several_writes_tells_the_listener_once_after_the_commit(
    db, heard, django_capture_on_commit_callbacks
):
    cg, qlh = region("620102"), region("620103")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        model_create(GrassrootsUnion, **union_data("F1", cg))
        model_create(GrassrootsUnion, **union_data("F2", cg))
        model_create(GrassrootsUnion, **union_data("F3", qlh))
        assert heard == []  # nothing before the commit
    assert heard == [({cg.pk, qlh.pk}, this_and_last_year())]
    assert len(callbacks) == 1  # one on-commit callback, not one per row


def test_a_service_write_tells_its_region(db, heard, county_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        unions.union_create(
            code="F9",
            name="新工会",
            kind="enterprise",
            region=region("620102"),
            founded_on=dt.date(2024, 5, 1),
            user=county_user,
        )
    assert heard == [({region("620102").pk}, this_and_last_year())]


def test_a_rolled_back_write_tells_nobody(db, heard, django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="changed my mind"),
        transaction.atomic(),
    ):
        model_create(GrassrootsUnion, **union_data("F1", region("620102")))
        raise RuntimeError("changed my mind")
    assert heard == []
    # and the next transaction does not carry it over
    with django_capture_on_commit_callbacks(execute=True):
        model_create(GrassrootsUnion, **union_data("F2", region("620103")))
    assert heard == [({region("620103").pk}, this_and_last_year())]


def test_update_tells_both_regions_of_a_move_and_delete_tells_the_region(
    db, heard, django_capture_on_commit_callbacks
):
    union = GrassrootsUnionFactory(region=region("620102"))
    with django_capture_on_commit_callbacks(execute=True):
        model_update(union, region=region("620103"))
    assert heard == [({region("620102").pk, region("620103").pk}, this_and_last_year())]
    with django_capture_on_commit_callbacks(execute=True):
        model_update(union, name="改名工会")
    assert heard[1] == ({region("620103").pk}, this_and_last_year())
    with django_capture_on_commit_callbacks(execute=True):
        model_update(union, name="改名工会")  # nothing changed: nothing told
    assert len(heard) == 2
    with django_capture_on_commit_callbacks(execute=True):
        model_delete(union)
    assert heard[2] == ({region("620103").pk}, this_and_last_year())


def test_a_bulk_batch_tells_once(db, heard, django_capture_on_commit_callbacks):
    regs = [region("620102"), region("620103"), region("623001")]
    objs = [GrassrootsUnion(**union_data(f"B{i}", regs[i % 3])) for i in range(9)]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        bulk_create_audited(GrassrootsUnion, objs)
    assert heard == [({r.pk for r in regs}, this_and_last_year())]
    assert len(callbacks) == 1


def test_core_records_are_not_figures(db, heard, django_capture_on_commit_callbacks):
    county = region("620102")
    with django_capture_on_commit_callbacks(execute=True):
        model_create(
            Region,
            code="620102001",
            name="测试街道",
            level="township",
            parent=county,
            path=f"{county.path}620102001/",
        )
    assert heard == []


def test_nothing_is_looked_up_or_registered_while_nobody_listens(db, monkeypatch, django_assert_num_queries):
    calls = []
    monkeypatch.setattr(freshness, "_listeners", [])
    freshness.listen(lambda ids, years: calls.append(ids), active=lambda: False)
    union = GrassrootsUnionFactory(region=region("620102"))
    assert freshness.region_of_record(union) is None
    assert freshness.region_before_update(union, {"region": region("620103")}) is None
    with django_assert_num_queries(0):
        freshness.on_changed([union.region_id])
        freshness.records_changed([union])
    model_create(GrassrootsUnion, **union_data("F1", region("620102")))
    assert not any(isinstance(entry[1], freshness._Flush) for entry in connection.run_on_commit)
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_listener_is_told_at_once(heard):
    freshness.on_changed([region("620102").pk, None], years=[2024])
    assert heard == [({region("620102").pk}, (2024,))]


def test_a_failing_listener_is_logged_and_does_not_fail_the_write(
    db, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def broken(ids, years):
        raise RuntimeError("listener down")

    monkeypatch.setattr(freshness, "_listeners", [])
    freshness.listen(broken)
    with (
        caplog.at_level(logging.ERROR, logger="apps.core.freshness"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        union = model_create(GrassrootsUnion, **union_data("F1", region("620102")))
    assert GrassrootsUnion.objects.filter(pk=union.pk).exists()
    assert "a listener of changed regions failed" in caplog.text


def test_listening_twice_keeps_one_registration(monkeypatch):
    monkeypatch.setattr(freshness, "_listeners", [])

    def listener(ids, years):
        return None

    freshness.listen(listener)
    freshness.listen(listener, active=lambda: False)
    assert len(freshness._listeners) == 1
    assert freshness.listening() is False


# Import jobs ---------------------------------------------------------------------------------


@pytest.fixture
def eager_media(settings, tmp_path):
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager


def members_csv(union_code, rows=3):
    import csv
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.core.tests.factories import make_resident_id

    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["姓名", "身份证号", "工会编码", "户籍类型", "入会日期", "入会方式"])
    for i in range(rows):
        rid = make_resident_id(birth=dt.date(1980, 1, 1) + dt.timedelta(days=i))
        writer.writerow([f"会员{i}", rid, union_code, "城镇", "2024-01-02", "线下"])
    return SimpleUploadedFile("会员.csv", buf.getvalue().encode("utf-8-sig"), content_type="text/csv")


def test_an_import_job_tells_once_after_it_wrote_and_its_check_tells_nothing(
    db, heard, eager_media, county_user, django_capture_on_commit_callbacks
):
    from apps.core.import_jobs import import_job_create
    from apps.core.importing import get_resource

    GrassrootsUnionFactory(code="GH1", region=region("620102"))
    heard.clear()
    with django_capture_on_commit_callbacks(execute=False):
        job = import_job_create(
            user=county_user, resource=get_resource("members"), upload=members_csv("GH1"), source="page"
        )
    # the check (a dry run) writes nothing: nobody is told
    with django_capture_on_commit_callbacks(execute=True):
        import_job_run(job_id=job.pk)
    assert ImportJob.objects.get(pk=job.pk).status == "done"
    assert heard == []
    # the confirmed import writes three members in Chengguan: told once, with that region
    with django_capture_on_commit_callbacks(execute=False):
        import_job_confirm(job_id=job.pk, user=county_user, skip_invalid=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.result["created"]) == ("done", 3)
    assert heard == [({region("620102").pk}, this_and_last_year())]
    assert sum(isinstance(c, freshness._Flush) for c in callbacks) == 1


def test_an_import_that_wrote_nothing_tells_nobody(
    db, heard, eager_media, county_user, django_capture_on_commit_callbacks
):
    from apps.core.import_jobs import import_job_create
    from apps.core.importing import get_resource

    with django_capture_on_commit_callbacks(execute=False):
        job = import_job_create(
            user=county_user, resource=get_resource("members"), upload=members_csv("NOPE"), source="page"
        )
    with django_capture_on_commit_callbacks(execute=True):
        import_job_run(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(step="import", status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.result["created"] == 0 and job.result["invalid"] == 3
    assert heard == []


# -- the admin's generic save (services.model_save) ----------------------------------------------


class _NoServiceAdmin(ScopedAdmin):
    """An admin without domain services: it saves through ``services.model_save``, as the
    reference-data admins do."""

    writes = None


def _member_form(instance=None, **data):
    from django import forms

    from apps.unions.models import Member

    form_class = forms.modelform_factory(Member, fields=["name", "union"])
    form = form_class(data=data, instance=instance)
    assert form.is_valid(), form.errors
    return form


def test_an_admin_save_of_a_member_tells_its_region_and_both_of_a_move(
    db, heard, admin_user, rf, django_capture_on_commit_callbacks
):
    # given: a member of a union in 城关区, saved through an admin without domain services
    from apps.unions.models import Member
    from apps.unions.tests.factories import MemberFactory

    cg, qlh = region("620102"), region("620103")
    member = MemberFactory(union=GrassrootsUnionFactory(region=cg), name="甲")
    other_union = GrassrootsUnionFactory(region=qlh)
    model_admin = _NoServiceAdmin(Member, admin.site)
    request = rf.post("/admin/")
    request.user = admin_user
    with mock.patch.object(services, "model_save", wraps=services.model_save) as spy:
        # when: the name changes
        with django_capture_on_commit_callbacks(execute=True):
            model_admin.service_update(
                request, member, _member_form(member, name="乙", union=member.union.pk)
            )
        # then: its region is stale, once, after the commit
        assert heard == [({cg.pk}, this_and_last_year())]
        # when: it moves to a union of another county: both counties are stale
        with django_capture_on_commit_callbacks(execute=True):
            model_admin.service_update(request, member, _member_form(member, name="乙", union=other_union.pk))
        assert heard[1] == ({cg.pk, qlh.pk}, this_and_last_year())
        # when: saved unchanged: nothing is told
        with django_capture_on_commit_callbacks(execute=True):
            model_admin.service_update(request, member, _member_form(member, name="乙", union=other_union.pk))
        assert len(heard) == 2
    assert spy.call_count == 3 and spy.call_args.kwargs["user"] == admin_user


def test_model_save_of_a_new_record_tells_after_the_commit_and_a_rollback_tells_nobody(
    db, heard, django_capture_on_commit_callbacks
):
    cg = region("620102")
    with django_capture_on_commit_callbacks(execute=True):
        model_save(GrassrootsUnion(**union_data("S1", cg)))
    assert heard == [({cg.pk}, this_and_last_year())]
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="changed my mind"),
        transaction.atomic(),
    ):
        model_save(GrassrootsUnion(**union_data("S2", cg)))
        raise RuntimeError("changed my mind")
    assert len(heard) == 1
