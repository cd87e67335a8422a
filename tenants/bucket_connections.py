"""A tenant's own S3 bucket, connected for catalog photos (docs/batches.md, "Photos from your
own bucket"): naming it, proving it is the tenant's, and disconnecting it.

Naming a bucket proves nothing: Atelier reads with its own credentials, so a tenant could name
someone else's bucket (or Atelier's). A connection is therefore usable only once verified:
the tenant puts an object `<prefix>atelier-verification.txt` holding the connection's random
token in the bucket, which only someone who may write there can do, and Atelier reads it
(assets.tenant_bucket.verify_connection). Atelier's own bucket is refused outright.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.errors import Conflict, InvalidParameter
from tenants.models import BucketConnection, Tenant

VERIFICATION_FILE = "atelier-verification.txt"
PREFIX_MAX_CHARS = 512
TOKEN_PREFIX = "atelier-verify-"
# S3's bucket naming rules (general purpose buckets): 3 to 63 lower-case letters, digits,
# dots and hyphens, beginning and ending with a letter or digit.
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_RESERVED_STARTS = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_ENDS = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def bucket_name_problem(name: str) -> str | None:
    """What is wrong with `name` as an S3 bucket name, or None."""
    if not _BUCKET_NAME.fullmatch(name):
        return ("3 to 63 lower-case letters, digits, dots and hyphens, beginning and ending "
                "with a letter or digit")
    if ".." in name or ".-" in name or "-." in name:
        return "no two dots, or a dot and a hyphen, next to each other"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return "not an IP address"
    if name.startswith(_RESERVED_STARTS) or name.endswith(_RESERVED_ENDS):
        return "a name S3 reserves (xn--, sthree-, …-s3alias, …--ol-s3)"
    return None


def normalized_prefix(prefix: str) -> str:
    """The key prefix as stored: a folder (ending in `/`), or empty for the whole bucket.
    InvalidParameter (field `prefix`) when it cannot be one."""
    prefix = prefix.strip()
    if prefix and not prefix.endswith("/"):
        prefix += "/"  # a folder: `photos` must not also cover `photos-private/…`
    if len(prefix) > PREFIX_MAX_CHARS:
        raise InvalidParameter(f"prefix: at most {PREFIX_MAX_CHARS} characters", field="prefix")
    if ".." in prefix or prefix.startswith("/") or "//" in prefix:
        raise InvalidParameter("prefix: a folder path such as photos/catalog/ (no `..`, no "
                               "leading `/`, no empty folder names)", field="prefix")
    if _CONTROL.search(prefix) or "*" in prefix or "?" in prefix:
        raise InvalidParameter("prefix: no control characters, `*` or `?` (they would change "
                               "what the bucket policy grants)", field="prefix")
    return prefix


def is_atelier_bucket(name: str) -> bool:
    """Whether `name` is the bucket Atelier keeps every tenant's images in."""
    own = settings.ATELIER_BUCKET.strip().lower()
    return bool(own) and name.strip().lower() == own


def bucket_connection(tenant: Tenant) -> BucketConnection | None:
    """The tenant's connection, verified or not, or None."""
    return BucketConnection.objects.for_tenant(tenant).first()


def verified_connection(tenant: Tenant) -> BucketConnection | None:
    """The tenant's connection if it is verified (and is still not Atelier's bucket)."""
    connection = bucket_connection(tenant)
    if connection is None or not connection.is_verified or is_atelier_bucket(connection.bucket):
        return None
    return connection


def verification_key(connection: BucketConnection) -> str:
    """The key of the object that proves the tenant may write under the prefix."""
    return f"{connection.prefix}{VERIFICATION_FILE}"


@transaction.atomic
def connect_bucket(tenant: Tenant, bucket: str, prefix: str = "") -> BucketConnection:
    """Name the tenant's bucket and prefix (replacing any connection, which must then be
    verified again). The connection keeps its token, so a file already in place still
    proves it; a first connection gets a new random one."""
    bucket = bucket.strip()
    problem = bucket_name_problem(bucket)
    if problem is not None:
        raise InvalidParameter(f"bucket: {problem} (got {bucket[:80]!r})", field="bucket")
    if is_atelier_bucket(bucket):
        raise InvalidParameter("bucket: that is Atelier's own bucket; name a bucket of yours",
                               field="bucket")
    prefix = normalized_prefix(prefix)
    found = BucketConnection.objects.for_tenant(tenant).select_for_update().first()
    if found is None:
        return BucketConnection.objects.for_tenant(tenant).create(
            bucket=bucket, prefix=prefix, token=TOKEN_PREFIX + secrets.token_urlsafe(32))
    found.bucket, found.prefix, found.verified_at = bucket, prefix, None
    found.save(update_fields=["bucket", "prefix", "verified_at"])
    return found


def mark_verified(connection: BucketConnection) -> BucketConnection:
    """Record that the verification file held the token, unless the connection changed (or
    went) while it was read: then Conflict, and nothing is marked."""
    now = timezone.now()
    marked = BucketConnection.objects.for_tenant(connection.tenant).filter(
        pk=connection.pk, bucket=connection.bucket, prefix=connection.prefix,
        token=connection.token).update(verified_at=now)
    if not marked:
        raise Conflict("bucket: the connection changed while it was being verified; verify "
                       "it again", field="bucket")
    connection.verified_at = now
    return connection


def disconnect_bucket(tenant: Tenant) -> bool:
    """Forget the tenant's bucket (a new connection gets a new token); whether there was
    one. Photos already imported stay the tenant's uploads."""
    deleted, _ = BucketConnection.objects.for_tenant(tenant).delete()
    return bool(deleted)


ROLE_PLACEHOLDER = "arn:aws:iam::ATELIER_ACCOUNT_ID:role/ATELIER_WEB_ROLE"


def bucket_policy(connection: BucketConnection, role_arn: str = ROLE_PLACEHOLDER) -> str:
    """The bucket policy statement the tenant adds so that Atelier's role may read its photos
    (and nothing else of the bucket), as JSON to paste."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "AtelierReadsCatalogPhotos", "Effect": "Allow",
        "Principal": {"AWS": role_arn}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{connection.bucket}/{connection.prefix}*"}]}, indent=2)
