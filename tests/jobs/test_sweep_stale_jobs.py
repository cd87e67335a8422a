"""The sweep re-enqueues jobs whose worker died or whose message was lost, once each."""

from datetime import timedelta

from django.utils import timezone

from generation.models import Job
from generation.runner import sweep_stale_jobs
from tests.conftest import queued_messages


def test_a_job_queued_too_long_is_re_enqueued_once(submit, empty_queue, settings):
    job = submit()
    long_ago = timezone.now() - timedelta(seconds=settings.ATELIER_QUEUED_TIMEOUT_SECONDS + 5)
    Job.unscoped.filter(pk=job.pk).update(enqueued_at=long_ago)
    assert sweep_stale_jobs() == [str(job.pk)]
    assert sweep_stale_jobs() == []
    assert queued_messages() == 1


def test_a_running_job_whose_lease_lapsed_is_re_enqueued_once(submit, empty_queue):
    job = submit()
    now = timezone.now()
    Job.unscoped.filter(pk=job.pk).update(status="running", enqueued_at=now - timedelta(60),
                                          lease_expires_at=now - timedelta(seconds=1))
    assert sweep_stale_jobs() == [str(job.pk)]
    assert sweep_stale_jobs() == []
    assert queued_messages() == 1


def test_finished_jobs_are_never_swept(submit, empty_queue):
    job = submit()
    Job.unscoped.filter(pk=job.pk).update(status="succeeded", enqueued_at=None)
    assert sweep_stale_jobs(orphans=True) == []
    assert queued_messages() == 0


def test_sweep_jobs_command_reports_what_it_re_enqueued(submit, empty_queue, capsys):
    from django.core.management import call_command

    job = submit()
    Job.unscoped.filter(pk=job.pk).update(enqueued_at=None)
    call_command("sweep_jobs")
    out = capsys.readouterr().out
    assert "stale jobs: 1" in out and str(job.pk) in out


def test_the_sweep_also_expires_idempotency_keys(acme, capsys):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from tenants.models import IdempotencyRecord

    records = IdempotencyRecord.objects.for_tenant(acme.tenant)
    records.create(key="old", fingerprint="x", status_code=202)
    records.create(key="new", fingerprint="y", status_code=202)
    records.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    call_command("sweep_jobs")
    assert "expired idempotency keys: 1" in capsys.readouterr().out
    assert list(records.values_list("key", flat=True)) == ["new"]
