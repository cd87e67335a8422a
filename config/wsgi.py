"""WSGI entry point (gunicorn config.wsgi).

Once the application and its URLconf (every view module) are loaded, what survives a full
collection is frozen (`gc.freeze`): the garbage collector no longer walks those objects, so a
full collection in a serving process takes milliseconds, not the 60 to 70 ms that walking the
whole loaded framework took, a pause every request in flight waited for (docs/benchmarks.md).
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018  # import every view now, before the freeze
gc.collect()
gc.freeze()
