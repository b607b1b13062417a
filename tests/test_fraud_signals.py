"""Fraud signals HQ can act on: self-referral rings, claims faster than a person buys, a guide
writing off their own members' coupons at an unusual rate. Each comes with its evidence, and
ordinary customers never appear."""

from datetime import timedelta

import httpx

from loyalty import item_codes
from loyalty.models import CouponKind
from loyalty.services import batches, claims, coupons, write_offs
from referral.models import Fingerprint, Member
from referral.services import members
from schema import ids
from server.app import create_app
from tests import factories

REGISTER = """mutation($code: String, $phone: String) {
  register(input: {code: $code, profile: {phone: $phone, phoneConsent: true}}) { member { id } errors { code } } }"""
RINGS = "{ referralRings { sharedBy fingerprint invitations members { id } } }"


async def test_rings_of_members_inviting_each_other_from_one_device_or_phone(db, settings, clock) -> None:
    brand = await factories.brand("acme")
    guide = await factories.guide(brand, await factories.store(brand), "amy")
    hq = factories.staff_token(settings, await factories.staff(brand))
    app = create_app(settings, manage_db=False, clock=clock)

    async def register(subject: str, via: str, ip: str, device: str | None = None, phone: str | None = None) -> Member:
        member = await factories.member(brand, subject)
        headers = {"authorization": f"Bearer {factories.member_token(settings, member)}"}
        if device:
            headers["x-device-id"] = device
        transport = httpx.ASGITransport(app=app, client=(ip, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://scrm.test") as http:
            answer = await http.post(
                "/graphql", json={"query": REGISTER, "variables": {"code": via, "phone": phone}}, headers=headers
            )
        assert answer.json()["data"]["register"]["errors"] == [], answer.text
        return await Member.get(id=member.id)

    async with app.router.lifespan_context(app):
        # One phone in a drawer of SIM-less accounts: A invites B and B invites C, all on one device.
        a = await register("a", guide.invite_code, "10.0.0.1", device="device-farm-0001")
        b = await register("b", a.invite_code, "10.0.0.2", device="device-farm-0001")
        c = await register("c", b.invite_code, "10.0.0.3", device="device-farm-0001")
        # Two accounts with one phone number.
        d = await register("d", guide.invite_code, "10.0.1.1", phone="+8613800138000")
        e = await register("e", d.invite_code, "10.0.1.2", phone="+8613800138000")
        # A real friendship on one home Wi-Fi: weak evidence, listed last.
        f = await register("f", guide.invite_code, "192.168.7.7", device="phone-of-f-123")
        g = await register("g", f.invite_code, "192.168.7.7", device="phone-of-g-456")
        # Ordinary customers: own devices, own addresses.
        h = await register("h", guide.invite_code, "10.9.0.1", device="phone-of-h-789")
        await register("i", h.invite_code, "10.9.0.2", device="phone-of-i-012")

        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://scrm.test") as http:
            answer = await http.post("/graphql", json={"query": RINGS}, headers={"authorization": f"Bearer {hq}"})
    rings = answer.json()["data"]["referralRings"]
    found = [
        (r["sharedBy"], r["invitations"], sorted(ids.decode(m["id"], "Member") for m in r["members"])) for r in rings
    ]
    assert found == [
        ("DEVICE", 2, sorted([a.id, b.id, c.id])),
        ("PHONE", 1, sorted([d.id, e.id])),
        ("IP", 1, sorted([f.id, g.id])),
    ]
    # Only keyed hashes are stored: neither the address nor the device id can be read back.
    digests = {fp.digest for fp in await Fingerprint.all()}
    assert "device-farm-0001" not in str(digests) and "10.0.0.1" not in str(digests)
    assert all(len(d) == 32 for d in digests)


async def test_claims_faster_than_a_person_buys_and_a_guides_unusual_write_offs(db, settings, clock, client) -> None:
    brand = await factories.brand("acme")
    store = await factories.store(brand)
    guides = [await factories.guide(brand, store, f"g{i}") for i in range(4)]
    hq = factories.staff_token(settings, await factories.staff(brand))
    start = clock.now
    keyring = settings.item_keyring
    batch = await batches.create(
        brand_id=brand.id,
        key_id=keyring.current,
        sku="MILK",
        product_name="Milk",
        quantity=1000,
        price_cents=100,
        points_per_item=1,
    )
    serials = iter(range(1, 1001))

    async def customer(subject: str, guide) -> Member:
        member = await factories.member(brand, subject)
        return await members.register(brand_id=brand.id, member_id=member.id, now=start, code=guide.invite_code)

    async def scan(member: Member, at, city: str = "Hangzhou") -> None:
        code = item_codes.encode(keyring.key(keyring.current), keyring.current, batch.id, next(serials))
        await claims.claim(keyring=keyring, brand_id=brand.id, member_id=member.id, code=code, now=at, city=city)

    bot, parent, regular = [await customer(s, guides[0]) for s in ("bot", "parent", "regular")]
    for n in range(12):  # twelve cans, 30 s apart, in two cities
        await scan(bot, start + timedelta(seconds=30 * n), city="Hangzhou" if n % 2 else "Ningbo")
    for n in range(3):  # a parent buying three cans at once
        await scan(parent, start + timedelta(seconds=20 * n))
    for n in range(12):  # a can every three days
        await scan(regular, start + timedelta(days=3 * n))

    # Write-offs: guide 0 writes off 12 coupons of their own members, the others one or two each.
    gift = await coupons.create_template(brand_id=brand.id, name="Gift", kind=CouponKind.GIFT, valid_days=90)
    for g, count in enumerate((12, 1, 2, 1)):
        for n in range(count):
            member = await customer(f"w{g}-{n}", guides[g])
            coupon = await coupons.issue(brand_id=brand.id, template_id=gift.id, member_id=member.id, now=start)
            await write_offs.write_off(
                brand_id=brand.id,
                code=coupon.code,
                guide_id=guides[g].id,
                store_id=store.id,
                now=start + timedelta(minutes=n),
            )

    period = {"f": start.isoformat(), "t": (start + timedelta(days=60)).isoformat()}
    answer = await client.ok(
        """query($f: DateTime!, $t: DateTime!) {
      fastClaimers(from: $f, to: $t) { member { id } claims burst shortestGapSeconds cities burstStartedAt burstEndedAt }
      guideWriteOffOutliers(from: $f, to: $t) { guide { id } writeOffs ofOwnMembers brandMedian } }""",
        period,
        token=hq,
    )
    [fast] = answer["fastClaimers"]
    assert ids.decode(fast["member"]["id"], "Member") == bot.id
    assert (fast["claims"], fast["burst"], fast["shortestGapSeconds"], fast["cities"]) == (12, 12, 30.0, 2)
    [outlier] = answer["guideWriteOffOutliers"]
    assert ids.decode(outlier["guide"]["id"], "Guide") == guides[0].id
    assert (outlier["writeOffs"], outlier["ofOwnMembers"], outlier["brandMedian"]) == (12, 12, 1.5)
