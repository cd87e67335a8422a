"""A Dramatiq middleware that runs the stale-job sweep in every worker process.

Several workers sweeping at once is safe: each re-enqueue is a conditional update.
"""

from __future__ import annotations

import logging
import threading

from dramatiq.middleware import Middleware

log = logging.getLogger("atelier.sweeper")


class JobSweeperMiddleware(Middleware):
    def __init__(self) -> None:
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def after_worker_boot(self, broker: object, worker: object) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="atelier-sweeper", daemon=True)
        self._thread.start()

    def before_worker_shutdown(self, broker: object, worker: object) -> None:
        self._stop.set()

    def _loop(self) -> None:
        from django.conf import settings
        from django.db import close_old_connections

        while not self._stop.wait(settings.ATELIER_SWEEP_INTERVAL_SECONDS):
            try:
                sweep_once()
            except Exception:  # the sweep must outlive a database hiccup
                log.exception("job sweep failed; will try again")
            finally:
                close_old_connections()


def sweep_once() -> None:
    """The periodic sweep, once: stuck jobs first, then the other repairs."""
    from generation.services import sweep_stale_jobs

    sweep_stale_jobs()
    sweep_repairs()


def sweep_repairs() -> dict[str, int]:
    """What the sweep repairs besides jobs: missing renditions queued, overdue webhook
    deliveries re-sent, finished batches marked complete, expired idempotency records
    deleted. The count of each."""
    from assets.services import sweep_missing_renditions
    from generation.batch_progress import complete_stragglers
    from generation.webhooks import deliver_due
    from tenants.idempotency import purge_expired

    return {"renditions queued": sweep_missing_renditions(),
            "webhook deliveries re-sent": len(deliver_due()),
            "batches completed": len(complete_stragglers()),
            "idempotency keys expired": purge_expired()}
