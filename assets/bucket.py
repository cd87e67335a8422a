"""Creating and configuring the private bucket: encryption, draft expiry, CORS, no public
access. Each step reports what it did; a step the S3 server does not implement (SeaweedFS has
no public-access block) is a warning, not a failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import boto3
from botocore.exceptions import ClientError
from django.conf import settings

NOT_IMPLEMENTED = {"NotImplemented", "NotImplementedError", "501"}

# The object tag that marks a draft (assets.services.tags_for writes it); the bucket's
# lifecycle rule expires objects carrying it, here and in the CDK app (deploy/aws).
DRAFT_TAG_KEY = "stage"
DRAFT_TAG_VALUE = "draft"
DRAFT_TAG = (DRAFT_TAG_KEY, DRAFT_TAG_VALUE)


@dataclass(frozen=True)
class Step:
    name: str
    ok: bool
    detail: str


def _run(name: str, call: Callable[..., object], *args: Any, **kwargs: Any) -> Step:
    try:
        call(*args, **kwargs)
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        status = str(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", ""))
        if code in NOT_IMPLEMENTED or status in NOT_IMPLEMENTED:
            return Step(name, False, f"not supported by this S3 server ({code or status})")
        raise
    return Step(name, True, "done")


def configure_bucket(bucket: str, *, retention_days: int, cors_origins: list[str],
                     region: str) -> list[Step]:
    s3 = boto3.session.Session().client("s3", region_name=region)
    steps: list[Step] = []
    try:
        s3.head_bucket(Bucket=bucket)
        steps.append(Step("bucket", True, "exists"))
    except ClientError:
        options = {} if region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": region}}
        steps.append(_run("bucket", s3.create_bucket, Bucket=bucket, **options))
    rule = ({"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": settings.ATELIER_KMS_KEY_ID}}
        if settings.ATELIER_KMS_KEY_ID else
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}})
    steps.append(_run("default encryption", s3.put_bucket_encryption, Bucket=bucket,
                      ServerSideEncryptionConfiguration={"Rules": [rule]}))
    steps.append(_run(
        f"expire {DRAFT_TAG_KEY}={DRAFT_TAG_VALUE} objects after {retention_days} days",
        s3.put_bucket_lifecycle_configuration, Bucket=bucket,
        LifecycleConfiguration={"Rules": [{
            "ID": "atelier-expire-drafts", "Status": "Enabled",
            "Filter": {"Tag": {"Key": DRAFT_TAG_KEY, "Value": DRAFT_TAG_VALUE}},
            "Expiration": {"Days": retention_days}}]}))
    steps.append(_run(
        f"CORS for {', '.join(cors_origins)}", s3.put_bucket_cors, Bucket=bucket,
        CORSConfiguration={"CORSRules": [{
            "AllowedOrigins": cors_origins, "AllowedMethods": ["GET", "HEAD"],
            "AllowedHeaders": ["*"], "MaxAgeSeconds": 3600}]}))
    steps.append(_run(
        "block public access", s3.put_public_access_block, Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True}))
    return steps
