"""The embedded default: jobs run on Dramatiq's in-process broker and worker."""

from assets.models import Asset
from catalog.requests import JobRequest
from generation.models import Job
from generation.runner import sweep_stale_jobs
from generation.services import submit_job


def test_jobs_run_to_completion_on_the_in_process_worker(acme, run_jobs):
    jobs = [submit_job(acme.tenant, JobRequest(model="local", prompt=f"lamp {i}", n=3,
                                               size="256x256")) for i in range(4)]
    finished = run_jobs(*jobs)
    assert {job.status for job in finished} == {"succeeded"}
    assert Asset.objects.for_tenant(acme.tenant).count() == 12


def test_jobs_left_queued_by_an_earlier_process_are_picked_up(acme, transactional_db,
                                                              empty_queue):
    from generation.worker import inprocess_worker, wait_for_jobs

    job = submit_job(acme.tenant, JobRequest(model="local", prompt="orphan", size="256x256"))
    import dramatiq

    dramatiq.get_broker().flush_all()  # the message died with the process that queued it
    with inprocess_worker(threads=1):
        (done,) = wait_for_jobs([job.pk], timeout=30)
    assert done.status == "succeeded"


def test_sweep_ignores_recent_queued_jobs_and_live_leases(acme, submit, empty_queue):
    job = submit()
    assert sweep_stale_jobs() == []
    Job.unscoped.filter(pk=job.pk).update(status="running",
                                          lease_expires_at="2999-01-01T00:00:00Z")
    assert sweep_stale_jobs(orphans=True) == []
