"""Tenant rules: creating tenants and owners, issuing and checking API keys, resolving a tenant."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, InvalidParameter, NotFound
from tenants import key_cache
from tenants.models import SCOPES, ApiKey, Membership, Tenant

KEY_SCHEME = "atl"
_LAST_USED_RESOLUTION = timedelta(seconds=60)


@dataclass(frozen=True)
class IssuedKey:
    """An API key at the only moment its secret exists in clear."""

    api_key: ApiKey
    secret: str


@dataclass(frozen=True)
class NewTenant:
    tenant: Tenant
    key: IssuedKey
    owner: User | None = None
    generated_password: str | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_tenant(slug: str, *, name: str = "", owner_email: str | None = None,
                  owner_password: str | None = None) -> NewTenant:
    """Create a tenant, its first API key and, optionally, its owner (created or reused)."""
    if Tenant.objects.filter(slug=slug).exists():
        raise Conflict(f"slug: a tenant named {slug!r} already exists", field="slug")
    tenant = Tenant(slug=slug, name=name or slug)
    try:
        tenant.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise InvalidParameter(f"{field}: {messages[0]}", field=field) from exc
    tenant.save()
    owner, generated = None, None
    if owner_email:
        owner, generated = ensure_owner(tenant, owner_email, owner_password)
    key = issue_api_key(tenant, name="default", created_by=owner)
    return NewTenant(tenant=tenant, key=key, owner=owner, generated_password=generated)


def ensure_owner(tenant: Tenant, email: str, password: str | None = None
                 ) -> tuple[User, str | None]:
    """Make the user `email` an owner of `tenant`, creating the user if needed.

    A new user gets `password` or a generated one (returned, to be shown once).
    """
    user, generated = _ensure_user(email, password)
    Membership.objects.update_or_create(user=user, tenant=tenant,
                                        defaults={"role": Membership.Role.OWNER})
    return user, generated


def _ensure_user(email: str, password: str | None) -> tuple[User, str | None]:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=email, defaults={"email": email})
    generated = None
    if password is not None:
        user.set_password(password)
        user.save(update_fields=["password"])
    elif created:
        generated = secrets.token_urlsafe(12)
        user.set_password(generated)
        user.save(update_fields=["password"])
    return user, generated


def issue_api_key(tenant: Tenant, *, name: str = "default",
                  created_by: User | None = None,
                  scopes: Sequence[str] = SCOPES,
                  rate_limit_per_minute: int | None = None) -> IssuedKey:
    """A new key for `tenant`; its secret exists in clear only in the returned value."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise InvalidParameter(f"scopes: one or more of {', '.join(SCOPES)} "
                               f"(got {', '.join(unknown) or 'none'})", field="scopes")
    if rate_limit_per_minute is not None and rate_limit_per_minute < 1:
        raise InvalidParameter("rate_limit_per_minute: at least 1", field="rate_limit_per_minute")
    prefix = secrets.token_hex(6)
    secret = f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey.objects.create(
        tenant=tenant, name=name, prefix=prefix, digest=_digest(secret), created_by=created_by,
        scopes=[scope for scope in SCOPES if scope in scopes],
        rate_limit_per_minute=rate_limit_per_minute)
    return IssuedKey(api_key=api_key, secret=secret)


def revoke_api_key(api_key: ApiKey) -> None:
    """Revoke the key; the very next request with it is refused, in every process (its save
    replaces the key's stamp: tenants/key_cache.py)."""
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])


def key_prefix(secret: str) -> str | None:
    """The lookup prefix of a well-formed secret (`atl_<prefix>_<random>`), else None."""
    parts = secret.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_SCHEME or not parts[1]:
        return None
    return parts[1]


def authenticate_api_key(secret: str, *, stamp: int | None = key_cache.UNREAD
                         ) -> ApiKey | None:
    """The active key for this secret, with its tenant, or None. Constant-time on the digest.

    The row is remembered for a few seconds by this process and used while the key's stamp
    is unchanged (tenants/key_cache.py): `stamp` is its value (None: none) when the caller
    read it along with something else, in one cache round trip; else it is read here."""
    prefix = key_prefix(secret)
    if prefix is None:
        return None
    if stamp == key_cache.UNREAD:
        stamp = key_cache.read_stamp(prefix)
    api_key = key_cache.remembered(prefix, stamp)
    if api_key is None:
        api_key = ApiKey.objects.select_related("tenant").filter(prefix=prefix).first()
        if api_key is None:
            return None
        if stamp is None:
            key_cache.make_stamp(prefix)
        else:
            key_cache.remember(prefix, stamp, api_key)
    if not hmac.compare_digest(api_key.digest, _digest(secret)):
        return None
    if api_key.revoked_at is not None:
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at > _LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now
        key_cache.note_last_use(prefix, api_key)
    return api_key


def tenant_for_user(user: User, slug: str | None = None) -> Tenant:
    """The tenant a logged-in user acts for: the named one, or their only one."""
    memberships = Membership.objects.filter(user=user).select_related("tenant")
    if slug:
        memberships = memberships.filter(tenant__slug=slug)
    tenants = [m.tenant for m in memberships[:2]]
    if len(tenants) == 1:
        return tenants[0]
    if not tenants:
        raise NotFound("tenant: no such tenant for this user", field="tenant")
    raise InvalidParameter("tenant: this user belongs to several tenants; name one",
                           field="tenant")


def get_tenant(slug: str) -> Tenant:
    try:
        return Tenant.objects.get(slug=slug)
    except Tenant.DoesNotExist:
        raise NotFound(f"tenant: no tenant named {slug!r}", field="tenant") from None


def set_credentials_preferences(tenant: Tenant, *, embed_prompt: bool, reveal_tenant: bool
                                ) -> Tenant:
    """What the tenant lets Atelier disclose: the prompt in new images' Content Credentials,
    and its name as the publisher (verification answers, new images' credentials). Images
    already delivered keep what they were signed with."""
    tenant.embed_prompt_in_credentials = embed_prompt
    tenant.reveal_tenant_in_verification = reveal_tenant
    Tenant.objects.filter(pk=tenant.pk).update(embed_prompt_in_credentials=embed_prompt,
                                               reveal_tenant_in_verification=reveal_tenant)
    key_cache.tenant_changed(tenant)
    return tenant
