"""The claim's two paths write the same rows: on PostgreSQL the database's loyalty_claim() in one call
(claims.claim), and step by step from Python (claims.claim_stepwise, SQLite's path); likewise the
write-off in one statement and step by step. Two brands set
up alike make the same claims, one brand per path, and every row either path writes is compared,
ids replaced by what they name: claims, re-scans, accounts, ledger lines, rewards, coupons and their
limits, every-Nth counters, touches, inbox items and messages; and the answers the claimant got."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from foundation.settings import Settings
from loyalty import item_codes
from loyalty.errors import LoyaltyError
from loyalty.models import Beneficiary, CodeBatch, Coupon, CouponKind
from loyalty.services import batches, campaigns, claims, coupons, write_offs
from referral import codes
from referral.models import IdentityProvider, Member
from referral.services import members
from referral.sql import Statement
from tests import factories
from tests.conftest import QueryLog

START = datetime(2026, 5, 1, 9, 0, 0, 123456, tzinfo=UTC)
Claim = Callable[..., Awaitable[claims.ClaimResult]]


@dataclass
class World:
    """One brand's people, rules and products, and the names its ids stand for."""

    settings: Settings
    brand_id: int
    people: dict[str, Member] = field(default_factory=dict)
    products: dict[str, CodeBatch] = field(default_factory=dict)
    names: dict[str, dict[int, str]] = field(default_factory=dict)

    def code(self, sku: str, serial: int) -> str:
        keyring = self.settings.item_keyring
        batch = self.products[sku]
        return item_codes.encode(keyring.key(batch.key_id), batch.key_id, batch.id, serial)

    def name(self, kind: str, pk: int | None) -> str | None:
        return None if pk is None else self.names[kind][pk]


async def _world(settings: Settings, slug: str) -> World:
    brand = await factories.brand(slug)
    world = World(settings=settings, brand_id=brand.id)
    s1, s2 = await factories.store(brand, "S1"), await factories.store(brand, "S2")
    amy = await factories.guide(brand, s1, f"{slug}-amy")
    world.names = {"store": {s1.id: "S1", s2.id: "S2"}, "guide": {amy.id: "amy"}, "member": {amy.member_id: "amy"}}
    at = START - timedelta(days=1)
    signed = [
        ("ann", IdentityProvider.LINE, amy.invite_code),
        ("eve", IdentityProvider.WECHAT, amy.invite_code),
        ("fay", IdentityProvider.DEV, amy.invite_code),
        ("cat", IdentityProvider.DEV, None),
        ("gus", IdentityProvider.DEV, None),
        ("dan", IdentityProvider.DEV, None),
    ]
    for label, provider, via in signed:
        member, _ = await members.sign_in(brand_id=brand.id, provider=provider, subject=f"{slug}-{label}")
        if label != "dan":
            member = await members.register(brand_id=brand.id, member_id=member.id, now=at, code=via)
        world.people[label] = member
        world.names["member"][member.id] = label
    bea, _ = await members.sign_in(brand_id=brand.id, provider=IdentityProvider.WECHAT, subject=f"{slug}-bea")
    code = world.people["ann"].invite_code
    world.people["bea"] = await members.register(brand_id=brand.id, member_id=bea.id, now=at, code=code)
    world.names["member"][bea.id] = "bea"

    bogo = await coupons.create_template(
        brand_id=brand.id, name="BOGO", kind=CouponKind.GIFT, valid_days=30, total_limit=2, value_cents=29_900
    )
    thanks = await coupons.create_template(brand_id=brand.id, name="Thanks", kind=CouponKind.DISCOUNT, valid_days=10)
    world.names["template"] = {bogo.id: "BOGO", thanks.id: "Thanks"}
    year = {"starts_at": START - timedelta(days=30), "ends_at": START + timedelta(days=300)}
    rules = [
        campaigns.CampaignSpec(
            "First via guide", first_purchase=True, via_guide=True, coupon_template_id=bogo.id, **year
        ),
        campaigns.CampaignSpec("Every 3rd", every_nth=3, points=50, **year),
        campaigns.CampaignSpec(
            "Friend",
            first_purchase=True,
            invited_by_member=True,
            beneficiary=Beneficiary.INVITER,
            points=100,
            coupon_template_id=thanks.id,
            **year,
        ),
        campaigns.CampaignSpec("Guide bonus", beneficiary=Beneficiary.GUIDE, skus=("MILK-900G",), points=5, **year),
        campaigns.CampaignSpec("Shanghai", region="Shanghai", points=7, coupon_template_id=thanks.id, **year),
        campaigns.CampaignSpec("Stopped", points=1000, **year),
        campaigns.CampaignSpec("Over", points=1000, starts_at=START - timedelta(days=30), ends_at=START),
    ]
    world.names["campaign"] = {}
    for spec in rules:
        made = await campaigns.create(brand_id=brand.id, spec=spec)
        world.names["campaign"][made.id] = spec.name
        if spec.name == "Stopped":
            await campaigns.stop(brand_id=brand.id, campaign_id=made.id, now=START - timedelta(days=1))
    key = settings.item_keyring.current
    for sku, points, region, store in (
        ("MILK-900G", 30, "Shanghai", None),
        ("MILK-400G", 10, None, s2.id),
        ("SAMPLE", 0, None, None),
    ):
        world.products[sku] = await batches.create(
            brand_id=brand.id,
            key_id=key,
            sku=sku,
            product_name=sku.title(),
            quantity=100,
            price_cents=29_900,
            points_per_item=points,
            region=region,
            store_id=store,
            product_line="infant",
        )
    world.names["batch"] = {b.id: sku for sku, b in world.products.items()}
    # cat owes 25 points (a returned can, say): her next points repay it first.
    q = Statement()
    await q.execute(
        f"INSERT INTO points_account (brand_id, member_id, balance, debt, purchases) "
        f"VALUES ({q.p(brand.id)}, {q.p(world.people['cat'].id)}, 0, 25, 1)"
    )
    return world


# (who, product, serial, city, idempotency key); None as the product: a code past the batch's end.
STEPS: list[tuple[str, str | None, int, str | None, str | None]] = [
    ("ann", "MILK-900G", 0, "Shanghai", None),  # first via guide: BOGO; Shanghai; the guide's bonus
    ("ann", "MILK-900G", 1, "Beijing", None),  # diverted; the guide's bonus
    ("ann", "MILK-900G", 2, None, "key-0000-a"),  # every 3rd
    ("ann", "MILK-900G", 2, None, "key-0000-a"),  # the retry: the first answer again
    ("ann", "MILK-900G", 3, None, "key-0000-a"),  # the key used for another code
    ("bea", "MILK-900G", 0, "Beijing", None),  # claimed by ann: a suspicious re-scan
    ("ann", "MILK-900G", 1, "Beijing", None),  # her own again
    ("bea", "MILK-400G", 0, "shanghai", None),  # a friend's first: the inviter's 100 and no 2nd Thanks
    ("cat", "SAMPLE", 0, None, None),  # no points, her debt stays
    ("cat", "MILK-900G", 4, "Shanghai", None),  # 30 points, 25 repay the debt
    ("dan", "MILK-900G", 5, None, None),  # not registered
    ("cat", None, 0, None, None),  # a code past the batch's end
    ("eve", "MILK-900G", 6, None, None),  # the second and last BOGO
    ("fay", "MILK-900G", 7, None, None),  # BOGO ran out: the shortfall is recorded
    ("gus", "MILK-900G", 10, None, None),  # a first purchase, but no guide: no BOGO
    ("revoke", "SAMPLE", 0, None, None),
    ("cat", "SAMPLE", 1, None, None),  # revoked
    ("eve", "MILK-900G", 8, "Shanghai", None),  # Shanghai's Thanks
    ("eve", "MILK-900G", 9, "Shanghai", None),  # every 3rd; Shanghai's Thanks refused: she holds one
]


async def _play(world: World, claim: Claim) -> list[Any]:
    answers: list[Any] = []
    for n, (who, sku, serial, city, key) in enumerate(STEPS):
        now = START + timedelta(minutes=n)
        if who == "revoke":
            assert sku is not None
            await batches.revoke(brand_id=world.brand_id, batch_id=world.products[sku].id, now=now)
            continue
        if sku is None:
            batch = world.products["MILK-900G"]
            keyring = world.settings.item_keyring
            code = item_codes.encode(keyring.key(batch.key_id), batch.key_id, batch.id, 100 + serial)
        else:
            code = world.code(sku, serial)
        try:
            done = await claim(
                keyring=world.settings.item_keyring,
                brand_id=world.brand_id,
                member_id=world.people[who].id,
                code=code,
                now=now,
                idempotency_key=key,
                city=city,
            )
        except LoyaltyError as exc:
            answers.append((who, exc.code.value, exc.message, exc.field))
            continue
        answers.append(
            (
                who,
                done.points_earned,
                done.balance,
                done.replayed,
                world.name("batch", done.claim.batch_id),
                done.claim.serial,
                done.claim.diverted,
                world.name("guide", done.claim.guide_id),
                world.name("store", done.claim.store_id),
                done.claim.city,
                [
                    (
                        g.campaign_name,
                        g.reward.points,
                        g.reward.shortfall,
                        g.reward.beneficiary.value,
                        world.name("member", g.reward.member_id),
                        g.coupon and (world.name("template", g.coupon.template_id), g.coupon.expires_at),
                        g.coupon is None or codes.normalize(g.coupon.code) == g.coupon.code,
                    )
                    for g in done.rewards
                ],
            )
        )
    return answers


async def _rows(world: World) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the claims wrote for the brand, its ids replaced by what they name."""
    q = Statement()
    brand = q.p(world.brand_id)

    async def read(sql: str) -> list[dict[str, Any]]:
        return await q.conn.execute_query_dict(sql.replace("$brand", brand), [world.brand_id])

    m, n = world.name, world.names
    claim_of = {
        r["id"]: (m("batch", r["batch_id"]), r["serial"])
        for r in await read("SELECT * FROM claim WHERE brand_id = $brand")
    }
    coupon_rows = await read("SELECT * FROM coupon WHERE brand_id = $brand ORDER BY id")
    coupon_of = {}
    for r in coupon_rows:
        mine = [c for c in coupon_rows if c["member_id"] == r["member_id"] and c["id"] <= r["id"]]
        coupon_of[r["id"]] = (m("member", r["member_id"]), len(mine))
    entries = await read("SELECT * FROM points_entry WHERE brand_id = $brand ORDER BY member_id, id")
    entry_of = {r["id"]: (m("member", r["member_id"]), i) for i, r in enumerate(entries)}

    def source(text: str | None) -> object:
        kind, _, pk = (text or "").partition(":")
        if kind == "claim":
            return ("claim", claim_of[int(pk)])
        if kind in {"coupon", "writeoff"}:
            return (kind, coupon_of[int(pk)])
        return text

    def label(r: dict[str, Any], key: str) -> object:
        kinds = {
            "member_id": "member",
            "other_member_id": "member",
            "guide_id": "guide",
            "store_id": "store",
            "campaign_id": "campaign",
        }
        kinds |= {"template_id": "template", "batch_id": "batch", "written_off_by_id": "guide"}
        kinds |= {"written_off_store_id": "store"}
        value = r[key]
        if key in kinds:
            return m(kinds[key], value)
        if key == "claim_id":
            return claim_of.get(value)
        if key == "coupon_id":
            return coupon_of.get(value)
        if key == "points_entry_id":
            return entry_of.get(value)
        if key in {"source", "dedupe_key"}:
            return source(value)
        if key == "recipient" and value is not None:
            return value.partition("-")[2]  # a subject, "<brand>-<person>"
        if key == "code":
            return codes.normalize(value) == value
        if key in {"payload", "params"} and isinstance(value, str):
            return value.replace(" ", "")
        return value

    def named(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        out = [tuple((k, label(r, k)) for k in sorted(r) if k not in {"id", "brand_id", "retry_key"}) for r in rows]
        return sorted(out, key=repr)

    return {
        "claim": named(await read("SELECT * FROM claim WHERE brand_id = $brand")),
        "rescan": named(await read("SELECT * FROM rescan WHERE brand_id = $brand")),
        "points_account": named(await read("SELECT * FROM points_account WHERE brand_id = $brand")),
        "points_entry": named(entries),
        "reward": named(await read("SELECT * FROM reward WHERE brand_id = $brand")),
        "coupon": named(coupon_rows),
        "coupon_holding": named(
            await read("SELECT h.* FROM coupon_holding h JOIN member m ON m.id = h.member_id WHERE m.brand_id = $brand")
        ),
        "coupon_template": [
            (n["template"][r["id"]], r["issued_count"])
            for r in await read("SELECT * FROM coupon_template WHERE brand_id = $brand ORDER BY name")
        ],
        "campaign_progress": named(
            await read(
                "SELECT p.* FROM campaign_progress p JOIN campaign c ON c.id = p.campaign_id WHERE c.brand_id = $brand"
            )
        ),
        "touch": named(await read("SELECT * FROM touch WHERE brand_id = $brand")),
        "inbox_item": named(await read("SELECT * FROM inbox_item WHERE brand_id = $brand")),
        "message": named(await read("SELECT * FROM message WHERE brand_id = $brand")),
    }


async def test_the_one_call_writes_what_the_steps_write(db: str, settings: Settings) -> None:
    if db != "postgres":
        pytest.skip("SQLite has the stepwise path only")
    one = await _world(settings, "one")
    two = await _world(settings, "two")
    answers_one = await _play(one, claims.claim)
    answers_two = await _play(two, claims.claim_stepwise)
    assert answers_one == answers_two
    rows_one, rows_two = await _rows(one), await _rows(two)
    for table in rows_one:
        assert rows_one[table] == rows_two[table], table
    # The scenario does what it says (a comparison of two empty results would prove nothing).
    assert [a[1] for a in answers_one if isinstance(a[1], str)] == [
        "IDEMPOTENCY_KEY_REUSED",
        "ITEM_CODE_ALREADY_CLAIMED",
        "ITEM_CODE_ALREADY_CLAIMED",
        "NOT_REGISTERED",
        "ITEM_CODE_UNKNOWN",
        "BATCH_REVOKED",
    ]
    shortfalls = {s for table in ("reward",) for row in rows_one[table] for k, s in row if k == "shortfall"}
    assert shortfalls == {None, "COUPON_LIMIT_REACHED", "COUPON_MEMBER_LIMIT_REACHED"}
    assert ("BOGO", 2) in rows_one["coupon_template"]
    channels = {dict(row)["channel"] for row in rows_one["message"]}
    assert channels == {"line", "wechat", None}
    debts = [dict(r) for r in rows_one["points_entry"] if dict(r)["note"] == "debt repaid"]
    assert [(d["member_id"], d["points"]) for d in debts] == [("cat", -25)]


async def test_a_claim_is_one_statement_on_postgresql(db: str, settings: Settings, query_log: QueryLog) -> None:
    if db != "postgres":
        pytest.skip("SQLite has the stepwise path only")
    world = await _world(settings, "one")
    query_log.statements.clear()
    first = await claims.claim(
        keyring=settings.item_keyring,
        brand_id=world.brand_id,
        member_id=world.people["ann"].id,
        code=world.code("MILK-900G", 0),
        now=START,
        city="Shanghai",
    )
    assert [g.campaign_name for g in first.rewards] == ["First via guide", "Shanghai"]
    plain = await claims.claim(
        keyring=settings.item_keyring,
        brand_id=world.brand_id,
        member_id=world.people["ann"].id,
        code=world.code("MILK-900G", 1),
        now=START,
    )
    assert plain.points_earned == 30
    assert len(query_log.statements) == 2, query_log.statements


async def _write_offs(world: World, write_off: Callable[..., Awaitable[Coupon]]) -> list[Any]:
    """Coupons of every state written off by the guide, in store S1: answers as the guide sees them."""
    ids = {name: pk for kind in ("store", "guide") for pk, name in world.names[kind].items()}
    ann, bea = world.people["ann"].id, world.people["bea"].id
    anywhere = await coupons.create_template(brand_id=world.brand_id, name="Any", kind=CouponKind.GIFT, valid_days=30)
    s2_only = await coupons.create_template(
        brand_id=world.brand_id, name="S2", kind=CouponKind.GIFT, valid_days=30, store_ids=[ids["S2"]]
    )
    short = await coupons.create_template(brand_id=world.brand_id, name="Day", kind=CouponKind.GIFT, valid_days=1)
    world.names["template"] |= {anywhere.id: "Any", s2_only.id: "S2", short.id: "Day"}
    made = {}
    for label, template, member in (
        ("a", anywhere, ann),
        ("b", anywhere, bea),
        ("s2", s2_only, ann),
        ("day", short, bea),
        ("gone", short, ann),
    ):
        made[label] = await coupons.issue(brand_id=world.brand_id, template_id=template.id, member_id=member, now=START)
    await coupons.cancel(brand_id=world.brand_id, coupon_id=made["gone"].id, now=START)
    later = START + timedelta(days=2)
    steps = [("a", "key-off-0001"), ("a", "key-off-0001"), ("b", "key-off-0001"), ("a", "key-off-0002")]
    steps += [("s2", None), ("day", None), ("gone", None), ("b", None), ("unknown", None), ("typo", None)]
    answers: list[Any] = []
    for n, (label, key) in enumerate(steps):
        code = made[label].code if label in made else codes.new("C", 10) if label == "unknown" else "C0000000000"
        try:
            done = await write_off(
                brand_id=world.brand_id,
                code=code,
                guide_id=ids["amy"],
                store_id=ids["S1"],
                now=later + timedelta(minutes=n),
                idempotency_key=key,
            )
        except LoyaltyError as exc:
            answers.append((label, exc.code.value, exc.message, exc.field))
            continue
        answers.append(
            (
                label,
                done.status.value,
                done.written_off_at,
                world.name("guide", done.written_off_by_id),
                world.name("store", done.written_off_store_id),
                done.write_off_key,
                world.name("member", done.member_id),
                world.name("template", done.template_id),
            )
        )
    return answers


async def test_the_one_statement_write_off_does_what_the_steps_do(db: str, settings: Settings) -> None:
    if db != "postgres":
        pytest.skip("SQLite has the stepwise path only")
    one, two = await _world(settings, "one"), await _world(settings, "two")
    answers_one = await _write_offs(one, write_offs.write_off)
    answers_two = await _write_offs(two, write_offs.write_off_stepwise)
    assert answers_one == answers_two
    assert [a[1] for a in answers_one] == [
        "written_off",
        "written_off",
        "IDEMPOTENCY_KEY_REUSED",
        "COUPON_ALREADY_WRITTEN_OFF",
        "COUPON_WRONG_STORE",
        "COUPON_EXPIRED",
        "COUPON_CANCELLED",
        "written_off",
        "COUPON_NOT_FOUND",
        "COUPON_CODE_INVALID",
    ]
    rows_one, rows_two = await _rows(one), await _rows(two)
    assert rows_one["coupon"] == rows_two["coupon"]
    assert rows_one["touch"] == rows_two["touch"]
    assert sum(dict(r)["kind"] == "coupon_written_off" for r in rows_one["touch"]) == 2
