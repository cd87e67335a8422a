"""A throwaway certificate authority for signing C2PA manifests in demos and tests.

C2PA validators reject self-signed signing certificates, so a developer machine needs a tiny
CA plus a leaf it issued. NEVER use this identity in production: anyone can mint one.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CHAIN_NAME = "signer-chain.pem"  # leaf, then CA
KEY_NAME = "signer-key.pem"
CA_NAME = "ca-cert.pem"  # a trust anchor for verifiers; the CA's key is never kept
VALIDITY = dt.timedelta(days=3650)


def mint_signing_identity(
    directory: Path, *, organization: str = "Atelier (test)"
) -> tuple[Path, Path]:
    """(certificate chain PEM: leaf then CA, private key PEM) in `directory`, minted once."""
    directory = Path(directory)
    chain_file, key_file = directory / CHAIN_NAME, directory / KEY_NAME
    if chain_file.is_file() and key_file.is_file():
        return chain_file, key_file
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".mint.lock", "w") as lock:  # concurrent workers mint one pair
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (chain_file.is_file() and key_file.is_file()):
            _mint(directory, organization)
    return chain_file, key_file


def _mint(directory: Path, organization: str) -> None:
    ca_key = ec.generate_private_key(ec.SECP256R1())
    leaf_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _ca_certificate(ca_key, organization)
    leaf_cert = _leaf_certificate(leaf_key, ca_key, ca_cert, organization)
    ca_pem = ca_cert.public_bytes(serialization.Encoding.PEM)
    leaf_pem = leaf_cert.public_bytes(serialization.Encoding.PEM)
    key_pem = leaf_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write(directory / KEY_NAME, key_pem, mode=0o600)
    _write(directory / CA_NAME, ca_pem)
    _write(directory / CHAIN_NAME, leaf_pem + ca_pem)  # last: its presence means "complete"


def _name(organization: str, common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(*, signs_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        encipher_only=False,
        decipher_only=False,
    )


def _builder(
    subject: x509.Name, issuer: x509.Name, public_key: ec.EllipticCurvePublicKey
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )


def _ca_certificate(key: ec.EllipticCurvePrivateKey, organization: str) -> x509.Certificate:
    name = _name(organization, f"{organization} test root CA")
    return (
        _builder(name, name, key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signs_certificates=True), critical=True)
        .sign(key, hashes.SHA256())
    )


def _leaf_certificate(
    key: ec.EllipticCurvePrivateKey,
    ca_key: ec.EllipticCurvePrivateKey,
    ca_cert: x509.Certificate,
    organization: str,
) -> x509.Certificate:
    subject = _name(organization, f"{organization} content credentials")
    authority = x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key())
    return (
        _builder(subject, ca_cert.subject, key.public_key())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signs_certificates=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .add_extension(authority, critical=False)
        .sign(ca_key, hashes.SHA256())
    )


def _write(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Atomically, so a reader never sees half a file; keys readable by their owner only."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.unlink(missing_ok=True)  # a leftover would keep its old permissions
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)
