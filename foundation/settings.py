"""Typed settings read from the environment, with safe defaults for local use."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import TypeVar

from starlette.datastructures import Secret

from foundation.keyring import Keyring
from foundation.ratelimit import DEFAULT_RULES, Rate, parse_rules
from foundation.tenancy.sealing import Vault

E = TypeVar("E", bound=StrEnum)
N = TypeVar("N", int, float)


class Mode(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class SettingsError(ValueError):
    """Raised when the environment holds a value the service cannot run with."""


# A fixed development key keeps tokens valid across `scrm serve --reload` restarts;
# production refuses to start with it.
_DEV_SECRET = "dev-only-secret-change-me-0123456789abcdef"


# How a DATABASE_URL names PostgreSQL (anything else is SQLite).
POSTGRES_SCHEMES = ("postgres://", "postgresql://", "asyncpg://")


@dataclass(frozen=True)
class Settings:
    mode: Mode = Mode.DEVELOPMENT
    database_url: str = "sqlite://scrm.sqlite3"
    # A PostgreSQL streaming replica HQ's reports may read, at most `replica_staleness_s` behind.
    database_replica_url: str | None = None
    replica_staleness_s: float = 5.0
    secret_key: Secret = field(default_factory=lambda: Secret(_DEV_SECRET))
    member_token_ttl_s: int = 7 * 24 * 3600
    staff_token_ttl_s: int = 8 * 3600
    graphiql: bool = True
    introspection: bool = True
    max_query_depth: int = 10
    max_query_tokens: int = 2000
    max_aliases: int = 15
    max_body_bytes: int = 64 * 1024
    wechat_api_base_url: str = "https://api.weixin.qq.com/"
    line_api_base_url: str = "https://api.line.me/"
    upstream_timeout_s: float = 5.0
    upstream_max_threads: int = 16
    # Pushes per second the outbox worker sends on each channel (its pace, whatever the backlog).
    outbox_rate_line: float = 50.0
    outbox_rate_wechat: float = 20.0
    redis_url: str | None = None
    # Limits on scans and sign-ins by member, IP and account (see foundation/ratelimit.py).
    rate_limits: Mapping[str, Rate] = field(default_factory=lambda: dict(DEFAULT_RULES))
    # Item-code MAC keys by id ("1:<hex>,2:<hex>"); empty means one key derived from the secret.
    item_code_keys: Secret = field(default_factory=lambda: Secret(""))
    item_code_key_id: int = 1
    # Keys sealing brand credentials at rest ("key1,key2", Fernet keys; the first seals). Empty means
    # one key derived from the secret, which production refuses: rotating the secret would lose them.
    data_keys: Secret = field(default_factory=lambda: Secret(""))
    # Bearer token for /metrics; without one, production answers /metrics on loopback only.
    metrics_token: Secret | None = None
    # An Apollo persisted-query manifest: when set, only the operations it lists run.
    operations_file: str | None = None

    @property
    def is_development(self) -> bool:
        return self.mode is Mode.DEVELOPMENT

    def signing_key(self, purpose: str) -> bytes:
        """A key for one purpose, derived from the secret: a leaked enrolment key signs no session."""
        return hmac.new(str(self.secret_key).encode(), f"scrm/{purpose}".encode(), hashlib.sha256).digest()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from environment variables (SCRM_*, DATABASE_URL); raises SettingsError."""
        env = os.environ if env is None else env
        mode = _enum(env, "SCRM_MODE", Mode, Mode.DEVELOPMENT)
        dev = mode is not Mode.PRODUCTION
        secret = env.get("SCRM_SECRET_KEY") or (_DEV_SECRET if dev else "")
        if not dev and (secret == _DEV_SECRET or len(secret) < 32):
            raise SettingsError("SCRM_SECRET_KEY must be set to 32+ random characters in production")
        if not dev and not env.get("SCRM_DATA_KEYS"):
            raise SettingsError("SCRM_DATA_KEYS must be set in production (see the README's Secrets section)")
        if not dev and not env.get("SCRM_ITEM_CODE_KEYS"):
            # Derived from the secret, they would change when the secret is rotated, and every printed
            # can would stop scanning.
            raise SettingsError("SCRM_ITEM_CODE_KEYS must be set in production (see the README's key rotation)")
        return cls(
            mode=mode,
            database_url=env.get("DATABASE_URL", cls.database_url),
            database_replica_url=env.get("DATABASE_REPLICA_URL") or None,
            replica_staleness_s=_float(env, "SCRM_REPLICA_STALENESS", cls.replica_staleness_s),
            secret_key=Secret(secret),
            member_token_ttl_s=_int(env, "SCRM_MEMBER_TOKEN_TTL", cls.member_token_ttl_s),
            staff_token_ttl_s=_int(env, "SCRM_STAFF_TOKEN_TTL", cls.staff_token_ttl_s),
            graphiql=_bool(env, "SCRM_GRAPHIQL", mode is Mode.DEVELOPMENT),
            introspection=_bool(env, "SCRM_INTROSPECTION", dev),
            max_query_depth=_int(env, "SCRM_MAX_QUERY_DEPTH", cls.max_query_depth),
            max_query_tokens=_int(env, "SCRM_MAX_QUERY_TOKENS", cls.max_query_tokens),
            max_aliases=_int(env, "SCRM_MAX_ALIASES", cls.max_aliases),
            max_body_bytes=_int(env, "SCRM_MAX_BODY_BYTES", cls.max_body_bytes),
            wechat_api_base_url=_url(env, "SCRM_WECHAT_API_BASE_URL", cls.wechat_api_base_url),
            line_api_base_url=_url(env, "SCRM_LINE_API_BASE_URL", cls.line_api_base_url),
            upstream_timeout_s=_float(env, "SCRM_UPSTREAM_TIMEOUT", cls.upstream_timeout_s),
            upstream_max_threads=_int(env, "SCRM_UPSTREAM_MAX_THREADS", cls.upstream_max_threads),
            outbox_rate_line=_float(env, "SCRM_OUTBOX_RATE_LINE", cls.outbox_rate_line),
            outbox_rate_wechat=_float(env, "SCRM_OUTBOX_RATE_WECHAT", cls.outbox_rate_wechat),
            redis_url=env.get("REDIS_URL") or None,
            rate_limits=_rate_limits(env),
            item_code_keys=Secret(env.get("SCRM_ITEM_CODE_KEYS", "")),
            item_code_key_id=_int(env, "SCRM_ITEM_CODE_KEY_ID", 1),
            data_keys=Secret(env.get("SCRM_DATA_KEYS", "")),
            metrics_token=Secret(env["SCRM_METRICS_TOKEN"]) if env.get("SCRM_METRICS_TOKEN") else None,
            operations_file=env.get("SCRM_OPERATIONS_FILE") or None,
        ).checked()

    def checked(self) -> Settings:
        if self.database_replica_url and not (
            self.database_url.startswith(POSTGRES_SCHEMES) and self.database_replica_url.startswith(POSTGRES_SCHEMES)
        ):
            raise SettingsError("DATABASE_REPLICA_URL is a PostgreSQL streaming replica of a PostgreSQL DATABASE_URL")
        if not 0 < self.replica_staleness_s <= 3600:
            raise SettingsError("SCRM_REPLICA_STALENESS: seconds, more than 0 and at most 3600")
        try:
            _ = self.item_keyring  # built now, so a bad key fails at start-up
        except ValueError as exc:
            raise SettingsError(f"SCRM_ITEM_CODE_KEYS / SCRM_ITEM_CODE_KEY_ID: {exc}") from None
        try:
            _ = self.data_vault
        except ValueError as exc:
            raise SettingsError(f"SCRM_DATA_KEYS: {exc}") from None
        return self

    @cached_property
    def data_vault(self) -> Vault:
        raw = str(self.data_keys).strip()
        if not raw:
            return Vault([base64.urlsafe_b64encode(self.signing_key("data-keys/1"))])
        return Vault.parse(raw)

    @cached_property
    def item_keyring(self) -> Keyring:
        """The item-code keys. Rotate by adding a key id and pointing SCRM_ITEM_CODE_KEY_ID at it;
        batches minted under older keys keep verifying as long as their key stays listed."""
        raw = str(self.item_code_keys).strip()
        if not raw:
            return Keyring({1: self.signing_key("item-codes/1")}, self.item_code_key_id)
        keys = {}
        for part in raw.split(","):
            key_id, _, hex_key = part.strip().partition(":")
            try:
                keys[int(key_id)] = bytes.fromhex(hex_key)
            except ValueError:
                raise ValueError(f"cannot read key {key_id!r}: use <id>:<hex>") from None
        return Keyring(keys, self.item_code_key_id)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings.from_env()


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    return _positive(env, name, default, int, "an integer")


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    return _positive(env, name, default, float, "a number")


def _positive(env: Mapping[str, str], name: str, default: N, cast: Callable[[str], N], kind: str) -> N:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = cast(raw)
    except ValueError:
        raise SettingsError(f"{name} must be {kind}, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {value}")
    return value


def _rate_limits(env: Mapping[str, str]) -> dict[str, Rate]:
    try:
        return parse_rules(env.get("SCRM_RATE_LIMITS", ""))
    except ValueError as exc:
        raise SettingsError(f"SCRM_RATE_LIMITS: {exc}") from None


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}")


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    # wechatpy joins endpoints onto the base by plain concatenation, so a trailing slash matters.
    value = env.get(name) or default
    return value if value.endswith("/") else value + "/"


def _enum(env: Mapping[str, str], name: str, enum: type[E], default: E) -> E:
    raw = env.get(name)
    if not raw:
        return default
    try:
        return enum(raw.lower())
    except ValueError:
        allowed = ", ".join(m.value for m in enum)
        raise SettingsError(f"{name} must be one of {allowed}, got {raw!r}") from None
