"""`manage.py create_platform_admin EMAIL [--role admin|finance|moderator ...]`: the platform's
own staff (not a tenant's users), created or brought up to date. Running it again changes
nothing that is already so.

- `admin` (the default): a superuser, also in the Finance and Moderators groups (the finance
  report and the review queue are for those groups, superuser or not);
- `finance`: a staff user in the Finance group (the finance report, billing records read-only,
  any tenant's Usage page);
- `moderator`: a staff user in the Moderators group (the review queue and the audit log).

The password comes from ATELIER_ADMIN_PASSWORD, or is asked for twice in a terminal; it is
checked with the project's password validators. An existing user keeps their password unless
one is given that way.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction

from billing.reports import FINANCE_GROUP
from moderation.models import MODERATORS_GROUP

PASSWORD_VARIABLE = "ATELIER_ADMIN_PASSWORD"
ROLES = {"admin": (FINANCE_GROUP, MODERATORS_GROUP), "finance": (FINANCE_GROUP,),
         "moderator": (MODERATORS_GROUP,)}


class Command(BaseCommand):
    help = ("Create or update a platform staff user: a superuser (admin), or staff in the "
            "Finance or Moderators group. Password from ATELIER_ADMIN_PASSWORD or a prompt.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="their e-mail address, also their user name")
        parser.add_argument("--role", action="append", choices=sorted(ROLES), dest="roles",
                            help="admin (default), finance or moderator; repeat for several")
        parser.add_argument("--no-input", action="store_true",
                            help=f"never prompt: the password comes from {PASSWORD_VARIABLE} "
                                 "(or stays as it is for an existing user)")

    def handle(self, *args: Any, **opts: Any) -> None:
        email = opts["email"].strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"email: {opts['email']!r} is not an e-mail address") from None
        roles = list(dict.fromkeys(opts["roles"] or ["admin"]))
        wanted = sorted({group for role in roles for group in ROLES[role]})
        groups = list(Group.objects.filter(name__in=wanted))
        missing = sorted(set(wanted) - {group.name for group in groups})
        if missing:
            raise CommandError(f"the {', '.join(missing)} group(s) do not exist yet: run "
                               "`manage.py migrate` first")
        user_model = get_user_model()
        existing = user_model.objects.filter(username=email).first()
        password = self._password(email, new=existing is None, interactive=not opts["no_input"])
        with transaction.atomic():
            user, created = user_model.objects.get_or_create(username=email,
                                                             defaults={"email": email})
            user.email = user.email or email
            user.is_staff = user.is_active = True
            if "admin" in roles:
                user.is_superuser = True
            if password is not None:
                user.set_password(password)
            user.save()
            user.groups.add(*groups)
        kind = "superuser" if user.is_superuser else "staff user"
        names = ", ".join(sorted(user.groups.values_list("name", flat=True))) or "none"
        self.stdout.write(f"{'created' if created else 'updated'} {kind} {email}; "
                          f"groups: {names}; password "
                          f"{'set' if password is not None else 'unchanged'}")
        self.stdout.write(f"sign in at {settings.ATELIER_PUBLIC_URL}/admin/")

    def _password(self, email: str, *, new: bool, interactive: bool) -> str | None:
        """The password to set: the variable's, or typed twice; None keeps an existing
        user's."""
        password = os.environ.get(PASSWORD_VARIABLE)
        if password is None and interactive and sys.stdin.isatty():
            password = getpass.getpass(f"Password for {email}: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("password: the two entries differ; nothing was changed")
        if password is None:
            if new:
                raise CommandError(f"password: set {PASSWORD_VARIABLE} or run this in a "
                                   "terminal to type one; nothing was changed")
            return None
        user_model = get_user_model()
        try:
            validate_password(password, user_model(username=email, email=email))
        except ValidationError as exc:
            raise CommandError(f"password: {' '.join(exc.messages)}; nothing was "
                               "changed") from None
        return password
