"""Item codes verify without the database, resist forgery and rotate keys."""

import pytest

from loyalty import item_codes as ic

K1, K2 = b"1" * 32, b"2" * 32


def test_round_trip_and_forgiving_reading() -> None:
    ring = ic.Keyring({1: K1}, 1)
    code = ic.encode(K1, 1, 42, 123_456)
    assert len(code) == ic.CODE_LENGTH and code == code.upper()
    assert ic.decode(ring, code) == ic.ItemCode(1, 42, 123_456)
    assert ic.decode(ring, f"  {code.lower()[:20]}-{code.lower()[20:]} ") == ic.ItemCode(1, 42, 123_456)


def test_every_single_character_change_is_refused() -> None:
    ring = ic.Keyring({1: K1}, 1)
    code = ic.encode(K1, 1, 7, 99)
    for i in range(len(code)):
        for other in "0123456789ABCDEF":
            if other != code[i]:
                assert ic.decode(ring, code[:i] + other + code[i + 1 :]) is None


@pytest.mark.parametrize("raw", ["", "xyz", "G" * 40, "0" * 39, "0" * 41])
def test_garbage_is_refused(raw: str) -> None:
    assert ic.decode(ic.Keyring({1: K1}, 1), raw) is None


def test_keys_rotate_without_breaking_old_batches() -> None:
    old = ic.encode(K1, 1, 1, 5)
    new = ic.encode(K2, 2, 2, 5)
    ring = ic.Keyring({1: K1, 2: K2}, 2)
    assert ic.decode(ring, old) == ic.ItemCode(1, 1, 5) and ic.decode(ring, new) == ic.ItemCode(2, 2, 5)
    assert ic.decode(ic.Keyring({2: K2}, 2), old) is None  # a retired key stops its codes
    forged = ic.encode(K2, 1, 1, 5)  # right key id, wrong key
    assert ic.decode(ring, forged) is None


def test_mint_matches_encode() -> None:
    assert list(ic.mint(K1, 1, 3, 10, 14)) == [ic.encode(K1, 1, 3, s) for s in range(10, 14)]


def test_a_multi_chunk_export_holds_every_serial_once() -> None:
    from datetime import UTC, datetime

    from loyalty.models import CodeBatch, LoyaltyPolicy
    from loyalty.services.batches import EXPORT_CHUNK, csv_chunks

    quantity = 2 * EXPORT_CHUNK + 7
    batch = CodeBatch(
        id=9,
        brand_id=1,
        sku="S",
        product_name="P",
        quantity=quantity,
        price_cents=0,
        points_per_item=0,
        key_id=1,
        created_at=datetime.now(UTC),
    )
    seen = []
    progress: list[int] = []
    policy = LoyaltyPolicy(brand_id=1, item_url_base="https://mp.acme.example/i")
    text = "".join(csv_chunks(batch, policy, K1, progress=progress.append))
    lines = text.splitlines()
    assert lines[0] == "code,url" and len(lines) == quantity + 1 and sum(progress) == quantity
    ring = ic.Keyring({1: K1}, 1)
    for line in lines[1:]:
        code, url = line.split(",")
        assert url.endswith(f"?i={code}")
        seen.append(ic.decode(ring, code).serial)
    assert seen == list(range(quantity))
