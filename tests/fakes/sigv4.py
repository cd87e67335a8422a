"""What every AWS double reads from a request's Authorization header, and where a service exists.

A real endpoint is Regional: the Region is in its host name and in the SigV4 credential scope
the client signs with. The doubles all listen on 127.0.0.1, so the credential scope is the only
place a request says which Region it is for; one double then serves every Region. Signatures are
parsed, never verified (the doubles do not know the secret key).

Which Regions a service exists in comes from botocore's own endpoint data, not from a list kept
here, so the doubles refuse a Region the SDK itself would not know an endpoint for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from botocore.loaders import Loader

SIGV4 = re.compile(r"AWS4-HMAC-SHA256 Credential=[^/,\s]+/\d{8}/([^/,\s]+)/([^/,\s]+)/"
                   r"aws4_request,\s*SignedHeaders=[^,\s]+,\s*Signature=[0-9a-f]+")
REGION = re.compile(r"[a-z]{2,4}(-[a-z]+)+-\d")


@dataclass(frozen=True)
class Scope:
    """The credential scope of a SigV4 Authorization header."""

    region: str
    service: str


def credential_scope(authorization: str) -> Scope | None:
    """The Region and signing name of a well-formed SigV4 header; None for anything else."""
    match = SIGV4.match(authorization)
    return None if match is None else Scope(region=match[1], service=match[2])


def invalid_region(region: str) -> str:
    """The sentence an AWS endpoint answers a credential scoped to a Region it does not serve."""
    return f"Credential should be scoped to a valid region, not '{region}'. "


@cache
def service_regions(*endpoint_keys: str) -> frozenset[str]:
    """Every Region botocore's endpoint data lists for one of `endpoint_keys` in any partition.

    A key is an endpoints.json service name ("rekognition"), or "<service>:<prefix>" to also read
    host-named entries such as "bedrock-runtime-us-east-1" listed under another service
    ("bedrock:bedrock-runtime-"). FIPS and other variant endpoints are not Regions.
    """
    regions: set[str] = set()
    for partition in Loader().load_data("endpoints")["partitions"]:
        for key in endpoint_keys:
            service, _, prefix = key.partition(":")
            endpoints = partition["services"].get(service, {}).get("endpoints", {})
            for name in endpoints:
                region = name[len(prefix):] if prefix and name.startswith(prefix) else name
                if ((not prefix or name.startswith(prefix)) and "fips" not in name
                        and REGION.fullmatch(region)):
                    regions.add(region)
    return frozenset(regions)
