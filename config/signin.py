"""Signing in to the dashboard and the admin: Django's own auth behind django-axes' throttle,
and idle sessions; config/settings.py imports these."""

from datetime import timedelta

import environ

from config.env import flag

env = environ.Env()
_BEHIND_PROXY = flag("ATELIER_BEHIND_PROXY", False)

# The merchant dashboard signs people in with Django's own auth.
# Sign-in throttling (django-axes): after ATELIER_LOGIN_FAILURE_LIMIT wrong passwords for one
# account, or from one address, sign-in is refused for ATELIER_LOGIN_LOCKOUT_MINUTES, even with
# the right password. Staff unlock in the admin (Axes: Access attempts) or with
# `manage.py axes_reset_username EMAIL`.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend",
                           "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = env.int("ATELIER_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("ATELIER_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own: account, address
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = 1 if _BEHIND_PROXY else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
                                     if _BEHIND_PROXY else ["REMOTE_ADDR"])
# A signed-in session ends after this many idle minutes (each request renews it).
SESSION_COOKIE_AGE = env.int("ATELIER_SESSION_IDLE_MINUTES", default=120) * 60
SESSION_SAVE_EVERY_REQUEST = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard-home"
LOGOUT_REDIRECT_URL = "login"

__all__ = [
    "AUTHENTICATION_BACKENDS",
    "AXES_COOLOFF_TIME",
    "AXES_FAILURE_LIMIT",
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_LOCKOUT_PARAMETERS",
    "AXES_LOCKOUT_TEMPLATE",
    "AXES_RESET_ON_SUCCESS",
    "LOGIN_REDIRECT_URL",
    "LOGIN_URL",
    "LOGOUT_REDIRECT_URL",
    "SESSION_COOKIE_AGE",
    "SESSION_SAVE_EVERY_REQUEST",
]
