"""Random secrets for the public side, and how they are stored.

References and access codes use Crockford's base32 (no I, L, O, U) so they survive being
read aloud, written down or typed on a phone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_TYPO_MAP = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def random_base32(length: int) -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(length))


def new_reference() -> str:
    """A case reference such as ``UA-7K3M-9QXP`` (40 random bits; not a secret)."""
    raw = random_base32(8)
    return f"UA-{raw[:4]}-{raw[4:]}"


def new_access_code() -> str:
    """A secret code of 80 random bits, shown to the family once: ``ABCD-EFGH-JKMN-PQRS``."""
    raw = random_base32(16)
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def canonical_code(typed: str) -> str:
    """Upper-case, drop spaces and dashes, and forgive I/L/O/U typed for 1/1/0/V."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return cleaned.translate(_TYPO_MAP)


def canonical_reference(typed: str) -> str:
    cleaned = canonical_code(typed)
    if cleaned.startswith("UA"):
        cleaned = cleaned[2:]
    return f"UA-{cleaned[:4]}-{cleaned[4:]}" if len(cleaned) == 8 else typed.strip().upper()


def hash_secret(value: str) -> str:
    """SHA-256 of a high-entropy random secret.

    A slow KDF protects low-entropy human passwords; these secrets carry 80+ random bits,
    so a fast hash already makes a stolen table useless and keeps lookups cheap.
    """
    return hashlib.sha256(value.encode()).hexdigest()


def secrets_equal(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())


def keyed_hash(secret_key: str, *parts: str) -> str:
    """An HMAC for keys such as a client address, so they are never stored in clear."""
    message = "\x1f".join(parts).encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()
