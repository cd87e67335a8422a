"""The platform's C2PA signing identity: its certificate chain and key files checked and turned
into a c2pa Signer (a self-signed or mismatched pair is refused with the file named)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

_EC_ALGORITHMS = {
    "secp256r1": c2pa.C2paSigningAlg.ES256,
    "secp384r1": c2pa.C2paSigningAlg.ES384,
    "secp521r1": c2pa.C2paSigningAlg.ES512,
}


class SigningIdentityError(RuntimeError):
    """The signing certificate chain or key cannot be used; the message names the file."""


def _signer(cert_file: Path, key_file: Path) -> c2pa.Signer:
    chain_pem = _read_file(cert_file, "certificate chain")
    key_pem = _read_file(key_file, "private key")
    key = _private_key(key_pem, key_file)
    leaf = _leaf_certificate(chain_pem, cert_file)
    if _public_bytes(leaf.public_key()) != _public_bytes(key.public_key()):
        raise SigningIdentityError(
            f"C2PA private key {key_file} does not belong to the certificate in {cert_file}"
        )
    info = c2pa.C2paSignerInfo(_algorithm(key, key_file), chain_pem, key_pem, None)
    return c2pa.Signer.from_info(info)


def _read_file(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SigningIdentityError(f"C2PA {what} {path}: {exc.strerror or exc}") from exc


def _private_key(pem: bytes, path: Path) -> Any:
    try:
        return serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningIdentityError(
            f"C2PA private key {path}: not an unencrypted PEM private key ({exc})"
        ) from exc


def _leaf_certificate(pem: bytes, path: Path) -> x509.Certificate:
    try:
        return x509.load_pem_x509_certificates(pem)[0]  # the leaf comes first
    except ValueError as exc:
        raise SigningIdentityError(
            f"C2PA certificate chain {path}: not PEM certificates ({exc})"
        ) from exc


def _public_bytes(public_key: Any) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _algorithm(key: Any, path: Path) -> c2pa.C2paSigningAlg:
    if isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in _EC_ALGORITHMS:
        return _EC_ALGORITHMS[key.curve.name]
    if isinstance(key, rsa.RSAPrivateKey):
        return c2pa.C2paSigningAlg.PS256
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return c2pa.C2paSigningAlg.ED25519
    raise SigningIdentityError(f"C2PA private key {path}: unsupported key type")
