"""Idempotency keys: a mobile client retries a request that creates value with the same key and gets
the first answer. The same key sent with other arguments is refused, as payment APIs do: replaying
the first answer would tell a member that a second code was claimed when it was not."""

from __future__ import annotations

from loyalty.errors import LoyaltyError, LoyaltyErrorCode as Code

MIN_LENGTH, MAX_LENGTH = 8, 64
FIELD = "idempotency_key"
DESCRIPTION = (
    f"{MIN_LENGTH}-{MAX_LENGTH} characters, unique per request: a retry with the same key and the same arguments "
    "returns the first answer; the same key with other arguments is refused (IDEMPOTENCY_KEY_REUSED)."
)


def check(key: str | None) -> str | None:
    """The key, or None; raises IDEMPOTENCY_KEY_INVALID for a key of the wrong length."""
    if key is not None and not MIN_LENGTH <= len(key) <= MAX_LENGTH:
        raise LoyaltyError(
            Code.IDEMPOTENCY_KEY_INVALID, f"The idempotency key must be {MIN_LENGTH}-{MAX_LENGTH} characters.", FIELD
        )
    return key


def reused() -> LoyaltyError:
    return LoyaltyError(Code.IDEMPOTENCY_KEY_REUSED, "This request key was already used for another request.", FIELD)
