"""Outbound HTTP for webhooks, which must never reach Atelier's own network (SSRF).

A tenant chooses the URL, so every address its host resolves to is checked, when the endpoint
is created and again right before each delivery (DNS may change), and the connection goes to
an address that was checked, so a rebinding DNS server cannot swap one in between. Redirects
are never followed. ATELIER_WEBHOOK_ALLOW_PRIVATE lifts the address rule (and allows plain
http) for development and tests.

A refusal never says what a host resolved to, nor which kind of address it was (nor whether an
internal name exists at all): only that the host does not resolve to a public address. The
tenant learns nothing about Atelier's network that it could not already see from outside.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import urllib3
from urllib3.exceptions import HTTPError, NewConnectionError

from core.errors import InvalidParameter

MAX_URL_LENGTH = 2000
# The one answer for a host that is local, resolves to a non-public address, or does not
# resolve at all: saying which would tell a tenant what Atelier's internal names resolve to.
NOT_PUBLIC = "the host does not resolve to a public address"
RESPONSE_BYTES_READ = 64 * 1024  # what is read of a receiver's answer before hanging up


class RefusedDestination(InvalidParameter):
    """The URL is malformed or reaches an address webhooks may not be sent to."""


class DeliveryFailed(Exception):
    """The request could not be completed (connection, TLS, timeout)."""


@dataclass(frozen=True)
class Destination:
    """A checked URL: where to connect (vetted addresses) and what to send as Host and path."""

    scheme: str
    hostname: str
    port: int
    netloc: str
    target: str
    addresses: tuple[str, ...]


def _refuse(message: str) -> RefusedDestination:
    return RefusedDestination(f"url: {message}", field="url")


def forbidden_address(address: str) -> bool:
    """True for anything but a public unicast address (private, loopback, link-local and
    so the cloud metadata service, reserved, multicast, unspecified, site- or unique-local),
    including IPv4 addresses wrapped in IPv6 forms."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None and forbidden_address(str(embedded)):
            return True
        if ip.is_site_local:
            return True
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved
            or ip.is_multicast or ip.is_unspecified or not ip.is_global)


def destination(url: str, *, allow_private: bool) -> Destination:
    """Parse and check a webhook URL; raise RefusedDestination (field `url`) if it may not be
    used. Resolves the host: call it again right before connecting."""
    if len(url) > MAX_URL_LENGTH:
        raise _refuse(f"at most {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise _refuse(f"not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise _refuse("must be an https:// URL")
    if scheme == "http" and not allow_private:
        raise _refuse("must use https (plain http only when ATELIER_WEBHOOK_ALLOW_PRIVATE "
                      "is on)")
    hostname = (parts.hostname or "").rstrip(".")
    if not hostname:
        raise _refuse("has no host")
    if parts.username is not None or parts.password is not None:
        raise _refuse("must not contain credentials; receivers authenticate Atelier by the "
                      "signature")
    if not allow_private and (hostname == "localhost" or hostname.endswith(".localhost")):
        raise _refuse(NOT_PUBLIC)
    port = port or (443 if scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError, ValueError):  # gaierror, bad IDNA, NUL bytes
        # Where private hosts are allowed (development) there is nothing to hide.
        raise _refuse("the host does not resolve" if allow_private else NOT_PUBLIC) from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise _refuse(NOT_PUBLIC)
    if not allow_private and any(forbidden_address(address) for address in addresses):
        raise _refuse(NOT_PUBLIC)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Destination(scheme=scheme, hostname=hostname, port=port, netloc=parts.netloc,
                       target=target, addresses=addresses)


def post(where: Destination, body: bytes, headers: dict[str, str], *, timeout: float) -> int:
    """POST `body` to a checked destination and return the HTTP status (redirects are
    answers, not followed). Raises DeliveryFailed when no answer arrives."""
    https = where.scheme == "https"
    pool_class = urllib3.HTTPSConnectionPool if https else urllib3.HTTPConnectionPool
    tls: dict[str, Any] = ({"server_hostname": where.hostname, "assert_hostname": where.hostname}
                           if https else {})
    error: Exception | None = None
    for address in where.addresses:  # the next vetted address only if this one refuses
        with pool_class(address, where.port, maxsize=1, retries=False,
                        timeout=urllib3.Timeout(total=timeout), **tls) as pool:
            try:
                response = pool.urlopen("POST", where.target, body=body,
                                        headers={**headers, "Host": where.netloc},
                                        redirect=False, retries=False, preload_content=False)
                try:
                    response.read(RESPONSE_BYTES_READ)
                finally:
                    response.release_conn()
                return response.status
            except NewConnectionError as exc:
                error = exc
            except (HTTPError, OSError) as exc:
                raise DeliveryFailed(_describe(exc, where)) from exc
    raise DeliveryFailed(_describe(error, where))


_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>:?\s*")


def _describe(exc: Exception | None, where: Destination) -> str:
    """The failure as the delivery log shows it: the URL's host, never the address it resolved
    to (urllib3 names the address it connected to), and no object reprs."""
    if exc is None:
        return "no address to connect to"
    text = _OBJECT_REPR.sub("", str(exc))
    for address in sorted(where.addresses, key=len, reverse=True):
        text = text.replace(address, where.hostname)
    return f"{type(exc).__name__}: {text}"
