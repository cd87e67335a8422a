"""Storage keys: where each kind of object lives in the bucket or under var/media
(docs/storage.md, "Where objects live")."""

from __future__ import annotations

import hashlib

EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp"}


def prompt_hash(prompt: str) -> str:
    return hashlib.sha256(prompt.encode()).hexdigest()[:16]


def generated_key(tenant_slug: str, prompt: str, job_id: object, index: int,
                  seed: int | None, fmt: str) -> str:
    """`generated/{tenant}/{prompt_hash}/{job}/{index}-{seed}.{ext}`, the same on every retry."""
    seed_part = "noseed" if seed is None else str(seed)
    return (f"generated/{tenant_slug}/{prompt_hash(prompt)}/{job_id}/"
            f"{index}-{seed_part}.{EXTENSIONS[fmt]}")
