"""The scheduler's table: name -> (the function's dotted path, every N seconds).

Run by the one `scheduler` process (manage.py run_scheduler; in development by the in-process
worker too). A Redis lock makes a second scheduler started by mistake wait instead of running
the work twice. Functions are named by path so that core.scheduler depends on nothing above it.
"""

from __future__ import annotations


def schedule(sweep: int) -> dict[str, tuple[str, int]]:
    return {
        "stale jobs": ("generation.runner.sweep_stale_jobs", sweep),
        "missing renditions": ("assets.services.sweep_missing_renditions",
                               sweep),
        "webhook retries": ("api.webhooks.deliver_due", 30),
        "finished batches": ("generation.batch_progress.complete_stragglers",
                             sweep),
        "expired idempotency keys": ("api.idempotency.purge_expired", 3600),
        "usage to Stripe": ("billing.stripe_sync.report_unreported", 300),
        "credit alerts": ("billing.credits.check_all_pools", 900),
        "queue metrics": ("core.queue_metrics.publish", sweep),
        # Bedrock's model fleet (offered, access, lifecycle per Region): daily is enough,
        # lifecycle changes are announced months ahead.
        "bedrock models": ("providers.fleet_sync.scheduled_sync", 86400),
    }
