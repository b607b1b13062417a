"""Brand credentials sealed at rest: a database dump or backup alone does not give away a brand's
WeChat app secret or LINE channel token.

Values are Fernet tokens (AES-CBC + HMAC, from `cryptography`) under the keys in SCRM_DATA_KEYS:
the first key seals, every listed key opens, so keys rotate by putting a new key first, running
`scrm reseal-secrets`, then dropping the old one. The keys are process-wide, like the database:
every process serving or migrating one database must hold the same list."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from tortoise import fields
from tortoise.models import Model

# Marks a sealed value. A value without it was stored before sealing existed (plaintext); it is
# read as it is until `scrm migrate` or `scrm reseal-secrets` seals it.
PREFIX = "fernet:"


class SealingError(ValueError):
    """A sealed value that none of the configured keys opens."""


class Vault:
    def __init__(self, keys: list[bytes]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        try:
            self._fernet = MultiFernet([Fernet(key) for key in keys])
        except ValueError:
            raise ValueError("each key must be 32 url-safe base64-encoded bytes (Fernet.generate_key())") from None
        self._open = lru_cache(maxsize=1024)(self._decrypt)  # a brand row is read on many requests

    @classmethod
    def parse(cls, raw: str) -> Vault:
        """From "key1,key2": the first seals, all open."""
        return cls([part.strip().encode() for part in raw.split(",") if part.strip()])

    def seal(self, plain: str) -> str:
        return PREFIX + self._fernet.encrypt(plain.encode()).decode()

    def open(self, stored: str) -> str:
        if not stored.startswith(PREFIX):
            return stored
        return self._open(stored)

    def _decrypt(self, stored: str) -> str:
        try:
            return self._fernet.decrypt(stored[len(PREFIX) :].encode()).decode()
        except InvalidToken:
            raise SealingError("a brand credential is sealed under a key missing from SCRM_DATA_KEYS") from None


_vault: Vault | None = None


def use(vault: Vault | None) -> None:
    """Set this process's keys; None goes back to the environment's (SCRM_DATA_KEYS)."""
    global _vault
    _vault = vault


def vault() -> Vault:
    if _vault is not None:
        return _vault
    from foundation.settings import get_settings  # the environment, read once per process

    return get_settings().data_vault


class SealedField(fields.TextField):
    """A text column holding a sealed value; the model sees the plain value."""

    def to_db_value(self, value: Any, instance: type[Model] | Model) -> str | None:
        if value is None:
            return None
        return vault().seal(str(value))

    def to_python_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return vault().open(str(value))
