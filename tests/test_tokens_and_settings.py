import time

import jwt
import pytest

from foundation.auth import tokens
from foundation.auth.errors import AuthError, AuthErrorCode
from foundation.auth.passwords import hash_password, verify_password
from foundation.settings import Mode, Settings, SettingsError
from tests.conftest import TEST_DATA_KEYS

SECRET = "s" * 40


def test_token_round_trip_names_brand_principal_and_version() -> None:
    token, expires_at = tokens.issue(secret=SECRET, brand_id=7, kind="staff", principal_id=3, ttl_s=60, version=4)
    claims = tokens.decode(token, secret=SECRET)
    assert (claims.brand_id, claims.kind, claims.principal_id, claims.version) == (7, "staff", 3, 4)
    assert claims.expires_at == expires_at


def test_expired_token_is_refused_as_expired() -> None:
    token, _ = tokens.issue(secret=SECRET, brand_id=1, kind="member", principal_id=1, ttl_s=10, now=time.time() - 60)
    with pytest.raises(AuthError) as err:
        tokens.decode(token, secret=SECRET)
    assert err.value.code is AuthErrorCode.TOKEN_EXPIRED


def test_a_token_checked_once_still_expires_on_time() -> None:
    issued = time.time()
    token, expires_at = tokens.issue(secret=SECRET, brand_id=1, kind="member", principal_id=9, ttl_s=30, now=issued)
    assert tokens.decode(token, secret=SECRET, now=issued + 1).principal_id == 9
    assert tokens.decode(token, secret=SECRET, now=expires_at - 1).principal_id == 9  # the cached verification
    with pytest.raises(AuthError) as err:
        tokens.decode(token, secret=SECRET, now=expires_at)
    assert err.value.code is AuthErrorCode.TOKEN_EXPIRED
    with pytest.raises(AuthError) as err:
        tokens.decode(token, secret="other" * 10, now=issued + 1)  # verified under one secret, not under another
    assert err.value.code is AuthErrorCode.TOKEN_INVALID


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-4] + ("AAAA" if not t.endswith("AAAA") else "BBBB"),  # tampered signature
        lambda t: tokens.issue(secret="other" * 10, brand_id=1, kind="member", principal_id=1, ttl_s=60)[0],
        lambda t: jwt.encode(
            {"sub": "member:1", "brand": 1, "iss": "scrm", "iat": 0, "exp": 2**33}, None, algorithm="none"
        ),
        lambda t: jwt.encode(
            {"sub": "admin:1", "brand": 1, "iss": "scrm", "iat": 0, "exp": 2**33}, SECRET, algorithm="HS256"
        ),
        lambda t: "not-a-jwt",
        lambda t: "",
    ],
    ids=["tampered", "other-secret", "alg-none", "unknown-kind", "garbage", "empty"],
)
def test_forged_or_malformed_tokens_are_invalid(forge) -> None:
    good, _ = tokens.issue(secret=SECRET, brand_id=1, kind="member", principal_id=1, ttl_s=60)
    with pytest.raises(AuthError) as err:
        tokens.decode(forge(good), secret=SECRET)
    assert err.value.code is AuthErrorCode.TOKEN_INVALID


def test_passwords_are_hashed_and_verified() -> None:
    hashed = hash_password("correct horse battery")
    assert "correct horse" not in hashed
    assert verify_password(hashed, "correct horse battery")
    assert not verify_password(hashed, "wrong password!!")
    assert not verify_password(None, "correct horse battery")
    with pytest.raises(ValueError):
        hash_password("short")


def test_settings_defaults_run_locally_with_sqlite() -> None:
    settings = Settings.from_env({})
    assert settings.mode is Mode.DEVELOPMENT
    assert settings.database_url.startswith("sqlite://")
    assert settings.graphiql and settings.introspection


def test_production_refuses_the_development_secret_and_hides_tools() -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"SCRM_MODE": "production"})
    with pytest.raises(SettingsError):
        Settings.from_env({"SCRM_MODE": "production", "SCRM_SECRET_KEY": "too-short"})
    # A data key derived from the secret would be lost with it: production names its own.
    with pytest.raises(SettingsError, match="SCRM_DATA_KEYS"):
        Settings.from_env({"SCRM_MODE": "production", "SCRM_SECRET_KEY": "k" * 40})
    # So would item-code keys, and with them every printed can.
    with pytest.raises(SettingsError, match="SCRM_ITEM_CODE_KEYS"):
        Settings.from_env({"SCRM_MODE": "production", "SCRM_SECRET_KEY": "k" * 40, "SCRM_DATA_KEYS": TEST_DATA_KEYS})
    settings = Settings.from_env(
        {
            "SCRM_MODE": "production",
            "SCRM_SECRET_KEY": "k" * 40,
            "SCRM_DATA_KEYS": TEST_DATA_KEYS,
            "SCRM_ITEM_CODE_KEYS": "1:" + "cd" * 32,
        }
    )
    assert not settings.graphiql and not settings.introspection
    assert "k" * 40 not in repr(settings)


@pytest.mark.parametrize(
    "env",
    [
        {"SCRM_MODE": "staging"},
        {"SCRM_DATA_KEYS": "not-a-key"},
        {"SCRM_MAX_QUERY_DEPTH": "ten"},
        {"SCRM_MAX_QUERY_DEPTH": "-1"},
        {"SCRM_GRAPHIQL": "maybe"},
    ],
)
def test_bad_environment_values_are_refused_with_a_message(env: dict[str, str]) -> None:
    with pytest.raises(SettingsError) as err:
        Settings.from_env(env)
    assert next(iter(env)) in str(err.value)


def test_api_base_urls_get_a_trailing_slash() -> None:
    settings = Settings.from_env({"SCRM_WECHAT_API_BASE_URL": "http://127.0.0.1:9/"[:-1]})
    assert settings.wechat_api_base_url == "http://127.0.0.1:9/"


@pytest.mark.parametrize(
    "document",
    [
        '{ attribution(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", by: STOR) { key } }',  # enum value
        '{ attribution(form: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", by: STORE) { key } }',  # argument
        'query($d: Dimensoin!) { attribution(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", by: $d) { key } }',  # type
        'mutation { register(input: {cod: "x"}) { errors { code } } }',  # input field
        "{ stors { nodes { code } } }",  # field
    ],
)
def test_production_suggests_nothing_of_the_schema(document: str) -> None:
    from schema.root import build_schema

    hidden = build_schema(introspection=False).execute_sync(document)
    shown = build_schema(introspection=True).execute_sync(document)
    assert hidden.errors and all("Did you mean" not in e.message for e in hidden.errors), hidden.errors
    assert any("Did you mean" in e.message for e in shown.errors or ())
