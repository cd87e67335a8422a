"""Reading a tenant's own S3 bucket (docs/batches.md, "Photos from your own bucket"):
verifying its connection, and importing the photos a batch names as `s3://bucket/key`.

Atelier reads with its own credentials (boto3's `s3` client: AWS_ENDPOINT_URL_S3 is honoured),
which the tenant's bucket policy lets read `s3:GetObject` under its prefix. Those credentials
can read more than the tenant's photos, so a key is read only under a connection the tenant
verified (tenants.bucket_connections), only in that bucket and under that prefix, and never in
Atelier's own bucket. An imported photo is an ordinary upload of the tenant, made by the same
path as `POST /api/v1/uploads` (assets.uploads.store_upload: formats, pixels, size, EXIF
location removed); each distinct object is read once, several at a time.
"""

from __future__ import annotations

import hmac
import re
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from assets.models import Asset
from assets.storage import s3_storage
from assets.uploads import store_upload
from core.errors import InvalidParameter, NotFound
from tenants import bucket_connections
from tenants.models import BucketConnection, Tenant

FETCH_THREADS = 4  # objects read at once (each at most ATELIER_UPLOAD_MAX_BYTES)
SPOOL_BYTES = 1024 * 1024  # an object larger than this is read into a temporary file
TOKEN_READ_BYTES = 1024  # of the verification file: a token is far shorter
_S3_URI = re.compile(r"s3://([^/]*)/(.*)", re.IGNORECASE | re.DOTALL)
_MISSING = {"404", "NoSuchKey", "NotFound"}
_DENIED = {"403", "AccessDenied", "Forbidden", "AllAccessDisabled"}


@dataclass(frozen=True)
class Refused:
    """Why an `s3://` source was not imported: the message (naming the key or the limit, and
    what to check) and its error code."""

    code: str
    message: str


def is_s3_uri(ref: Any) -> bool:
    return isinstance(ref, str) and ref.strip().lower().startswith("s3://")


def parse_s3_uri(ref: str) -> tuple[str, str] | None:
    """(bucket, key) of `s3://bucket/key` (the scheme in any case), or None."""
    found = _S3_URI.fullmatch(ref.strip())
    return (found.group(1), found.group(2)) if found and found.group(1) else None


def _client() -> Any:
    """Atelier's S3 client, with short timeouts: a batch waits for it."""
    return boto3.session.Session().client(
        "s3", region_name=settings.AWS_REGION,
        config=Config(connect_timeout=5, read_timeout=30, retries={"max_attempts": 3}))


def _own_buckets() -> set[str]:
    storage = s3_storage()
    own = {settings.ATELIER_BUCKET.strip().lower()}
    if storage is not None:
        own.add(str(storage.bucket_name).lower())
    return own - {""}


def _policy_hint(connection: BucketConnection) -> str:
    return (f"check that the object exists and that your bucket policy lets Atelier's role "
            f"s3:GetObject on arn:aws:s3:::{connection.bucket}/{connection.prefix}*")


def _error_code(exc: ClientError) -> str:
    error = exc.response.get("Error", {})
    status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
    return str(error.get("Code") or status)


# --- verifying a connection -----------------------------------------------------------------

def verify_connection(tenant: Tenant) -> BucketConnection:
    """Read the connection's verification file and mark the connection verified if it holds
    the token (surrounding whitespace aside). InvalidParameter (field `bucket`) saying what
    was found instead; NotFound without a connection."""
    connection = bucket_connections.bucket_connection(tenant)
    if connection is None:
        raise NotFound("bucket: no bucket is connected; connect one first", field="bucket")
    if connection.bucket.lower() in _own_buckets():
        raise InvalidParameter("bucket: that is Atelier's own bucket; name a bucket of yours",
                               field="bucket")
    key = bucket_connections.verification_key(connection)
    where = f"s3://{connection.bucket}/{key}"
    try:
        answer = _client().get_object(Bucket=connection.bucket, Key=key,
                                      Range=f"bytes=0-{TOKEN_READ_BYTES - 1}")
        body = answer["Body"].read(TOKEN_READ_BYTES)
    except ClientError as exc:
        code = _error_code(exc)
        problem = ("was not found: put an object there holding exactly the token shown in "
                   "Settings" if code in _MISSING else
                   f"could not be read ({code}): {_policy_hint(connection)}")
        raise InvalidParameter(f"bucket: {where} {problem}", field="bucket") from None
    except BotoCoreError as exc:
        raise InvalidParameter(f"bucket: {where} could not be read ({exc}); try again",
                               field="bucket") from None
    held = body.decode("utf-8", errors="replace").strip()
    if not hmac.compare_digest(held.encode(), connection.token.encode()):
        raise InvalidParameter(f"bucket: {where} does not hold this account's verification "
                               "token (it must hold exactly the token shown in Settings)",
                               field="bucket")
    return bucket_connections.mark_verified(connection)


# --- importing sources ------------------------------------------------------------------------

def import_objects(tenant: Tenant, refs: Iterable[str]) -> dict[str, Asset | Refused]:
    """Each `s3://` ref (as written) -> the tenant's upload of that object, or why not. Each
    distinct object is read once; nothing is read without a verified connection."""
    refs = list(dict.fromkeys(refs))
    connection = bucket_connections.verified_connection(tenant)
    outcomes: dict[str, Asset | Refused] = {}
    wanted: dict[str, list[str]] = {}  # key -> the refs naming it
    for ref in refs:
        key, refusal = _in_connection(connection, ref)
        if refusal is not None:
            outcomes[ref] = refusal
        else:
            wanted.setdefault(key, []).append(ref)
    if not wanted or connection is None:
        return outcomes
    client, keys = _client(), list(wanted)
    with ThreadPoolExecutor(max_workers=FETCH_THREADS) as pool:
        for start in range(0, len(keys), FETCH_THREADS):  # at most FETCH_THREADS held at once
            chunk = keys[start:start + FETCH_THREADS]
            fetched = pool.map(lambda key: _fetch(client, connection, key), chunk)
            for key, got in zip(chunk, fetched, strict=True):
                outcome = got if isinstance(got, Refused) else _stored(tenant, connection,
                                                                        key, got)
                outcomes.update((ref, outcome) for ref in wanted[key])
    return outcomes


def _in_connection(connection: BucketConnection | None, ref: str
                   ) -> tuple[str, Refused | None]:
    """The key `ref` names in the connected bucket, or why it may not be read."""
    shown = ref.strip()[:300]
    if connection is None:
        return "", Refused("bucket_not_connected", (
            f"{shown} is an S3 key, but your account has no verified bucket: connect and "
            "verify your bucket in Settings, or upload the photo (POST /api/v1/uploads) and "
            "give its id"))
    parsed = parse_s3_uri(ref)
    outside = Refused("outside_connected_bucket", f"{shown} is not under your connected "
                                                  f"bucket's prefix {connection.uri}")
    if parsed is None:
        return "", Refused("invalid_source", f"{shown}: an S3 source is s3://bucket/key, "
                                             f"under {connection.uri}")
    bucket, key = parsed
    if bucket != connection.bucket or not key.startswith(connection.prefix):
        return "", outside
    if bucket.lower() in _own_buckets():  # connected before it became Atelier's: never read
        return "", outside
    parts = key.split("/")
    if ".." in parts or "." in parts or not parts[-1]:
        return "", Refused("invalid_source", f"{shown}: a photo's key, without `.` or `..` "
                                             "folders")
    return key, None


def _fetch(client: Any, connection: BucketConnection, key: str) -> IO[bytes] | Refused:
    """The object's bytes in a (spooled) temporary file, read if HEAD says it is no larger
    than an upload may be; else why not."""
    where = f"s3://{connection.bucket}/{key}"
    limit = settings.ATELIER_UPLOAD_MAX_BYTES
    try:
        head = client.head_object(Bucket=connection.bucket, Key=key)
        size = int(head.get("ContentLength", 0))
        if size > limit:
            return _too_large(where, size, limit)
        body = client.get_object(Bucket=connection.bucket, Key=key)["Body"]
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned)
        read = 0
        while chunk := body.read(64 * 1024):
            read += len(chunk)
            if read > limit:  # replaced by a larger object since the HEAD
                spool.close()
                return _too_large(where, read, limit)
            spool.write(chunk)
        spool.seek(0)
        return spool
    except ClientError as exc:
        code = _error_code(exc)
        if code in _MISSING:
            return Refused("source_not_found", f"{where} was not found in your bucket")
        if code in _DENIED:
            return Refused("source_unreadable", f"{where} could not be read ({code}): "
                                                f"{_policy_hint(connection)}")
        return Refused("source_unreadable", f"{where} could not be read ({code}); "
                                            f"{_policy_hint(connection)}")
    except BotoCoreError as exc:
        return Refused("source_unreadable", f"{where} could not be read ({exc}); try again, "
                                            f"and {_policy_hint(connection)}")


def _too_large(where: str, size: int, limit: int) -> Refused:
    return Refused("source_too_large", f"{where} is {size} bytes; a photo may be at most "
                                       f"{limit} bytes (ATELIER_UPLOAD_MAX_BYTES)")


def _stored(tenant: Tenant, connection: BucketConnection, key: str, data: IO[bytes]
            ) -> Asset | Refused:
    """The object as the tenant's upload (store_upload's checks), or why it is refused."""
    try:
        return store_upload(tenant, data, filename=key)[0]
    except InvalidParameter as exc:
        message = exc.message.removeprefix("file: ")
        return Refused(exc.code, f"s3://{connection.bucket}/{key} {message}")
    finally:
        data.close()
