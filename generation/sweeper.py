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

        from assets.services import sweep_missing_renditions
        from generation.batch_progress import complete_stragglers
        from generation.services import sweep_stale_jobs
        from generation.webhooks import deliver_due

        while not self._stop.wait(settings.ATELIER_SWEEP_INTERVAL_SECONDS):
            try:
                sweep_stale_jobs()
                sweep_missing_renditions()
                deliver_due()
                complete_stragglers()
            except Exception:  # the sweep must outlive a database hiccup
                log.exception("job sweep failed; will try again")
            finally:
                close_old_connections()
