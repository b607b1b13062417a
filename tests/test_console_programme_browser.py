"""The console's HQ forms and fraud signals in a real browser (chromium, Playwright), on both engines:
campaign rules, coupon templates and events are created from the programme page (each refusal next to
its field, and nothing created), stopped, published and cancelled; the fraud signals page shows the
API's evidence and links each member to their profile; a session that ends mid-form keeps every form
of the page apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from foundation import global_ids
from loyalty import item_codes
from loyalty.errors import LoyaltyError
from loyalty.models import CouponKind
from loyalty.services import batches, claims, coupons, write_offs
from referral.models import FingerprintKind, Member
from referral.services import fingerprints, members
from tests import factories
from tests.browsing import browsing
from tests.processes import serving
from tests.test_console_browser import api, sign_in_token
from tests.test_multi_worker import server_env

pytestmark = pytest.mark.slow

SIGNALS = """query($f: DateTime!, $t: DateTime!) {
  fastClaimers(from: $f, to: $t) { member { id } claims burst shortestGapSeconds cities }
  guideWriteOffOutliers(from: $f, to: $t) { guide { id } writeOffs ofOwnMembers brandMedian }
  referralRings { fingerprint invitations members { id } } }"""
CAMPAIGNS = """{ campaigns(first: 10) { nodes { name points firstPurchase couponTemplateId startsAt endsAt
  stoppedAt beneficiary } } }"""
TEMPLATES = "{ couponTemplates(first: 10) { nodes { id name kind validDays value { amount } pointsPrice } } }"
FLAGGED = "{ flaggedBatches { batch { id } claims divertedClaims suspiciousScans } }"
EVENTS = "{ events(first: 10) { nodes { title capacity status allowWalkIns place startsAt } } }"


async def suspects(settings) -> dict:  # type: ignore[no-untyped-def]
    """A member claiming twelve cans in six minutes, a guide writing off twelve of their own members'
    coupons (the others one or two), and three members inviting each other from one device."""
    brand = await factories.brand("acme")
    store = await factories.store(brand, "A", "Store A")
    guides = [await factories.guide(brand, store, f"g{i}") for i in range(4)]
    await factories.staff(brand, "hq")
    now = datetime.now(UTC) - timedelta(days=2)
    keyring = settings.item_keyring
    batch = await batches.create(
        brand_id=brand.id, key_id=1, sku="MILK", product_name="Milk", quantity=100, price_cents=100, points_per_item=1
    )

    async def customer(subject: str, code: str) -> Member:
        member = await factories.member(brand, subject)
        return await members.register(brand_id=brand.id, member_id=member.id, now=now, code=code)

    bot = await customer("bot", guides[0].invite_code)
    for n in range(12):
        code = item_codes.encode(keyring.key(1), 1, batch.id, n + 1)
        city = "Hangzhou" if n % 2 else "Ningbo"
        await claims.claim(
            keyring=keyring,
            brand_id=brand.id,
            member_id=bot.id,
            code=code,
            now=now + timedelta(seconds=30 * n),
            city=city,
        )
    parent = await customer("parent", guides[2].invite_code)
    gift = await coupons.create_template(brand_id=brand.id, name="Gift can", kind=CouponKind.GIFT, valid_days=90)
    for g, count in enumerate((12, 1, 2, 1)):
        for n in range(count):
            member = await customer(f"w{g}-{n}", guides[g].invite_code)
            coupon = await coupons.issue(brand_id=brand.id, template_id=gift.id, member_id=member.id, now=now)
            await write_offs.write_off(
                brand_id=brand.id, code=coupon.code, guide_id=guides[g].id, store_id=store.id, now=now
            )
    # A claimed can scanned again by someone else, in another city: the batch is flagged.
    code = item_codes.encode(keyring.key(1), 1, batch.id, 1)
    try:
        await claims.claim(
            keyring=keyring,
            brand_id=brand.id,
            member_id=parent.id,
            code=code,
            now=now + timedelta(hours=1),
            city="Xiamen",
        )
    except LoyaltyError as refused:
        assert refused.code.value == "ITEM_CODE_ALREADY_CLAIMED"
    ring, code = [], guides[1].invite_code
    for name in ("r1", "r2", "r3"):
        m = await customer(name, code)
        await fingerprints.record(brand_id=brand.id, member_id=m.id, seen=[(FingerprintKind.DEVICE, "d" * 32)], now=now)
        ring.append(m)
        code = m.invite_code
    return {"bot": bot, "ring": ring, "parent": parent, "batch": batch}


async def test_hq_creates_the_programme_and_reads_fraud_signals_in_a_browser(db, database, settings) -> None:
    cast = await suspects(settings)
    with serving(server_env(database)) as (base, _):
        hq = await sign_in_token(base, "hq")
        async with browsing(base) as b:
            page = b.page
            await page.goto(f"{base}/console/#/signals?days=30")
            await b.sign_in("hq")
            await page.wait_for_selector("main[data-ready=signals]")

            # Every figure on the page is the API's, for the period the page asked about.
            section = page.locator("[data-page=signals]")
            span = {"f": await section.get_attribute("data-from"), "t": await section.get_attribute("data-to")}
            wanted = await api(base, SIGNALS, span, hq)
            [fast] = wanted["fastClaimers"]
            row = page.locator(f"[data-testid=fast-claimers] tr[data-key='{fast['member']['id']}']")
            shown = await row.locator("[data-value]").evaluate_all("c => c.map(x => +x.dataset.value)")
            assert (
                shown == [fast["claims"], fast["burst"], fast["shortestGapSeconds"], fast["cities"]] == [12, 12, 30, 2]
            )
            [outlier] = wanted["guideWriteOffOutliers"]
            row = page.locator(f"[data-testid=write-off-outliers] tr[data-key='{outlier['guide']['id']}']")
            shown = await row.locator("[data-value]").evaluate_all("c => c.map(x => +x.dataset.value)")
            assert shown == [outlier["writeOffs"], outlier["ofOwnMembers"], outlier["brandMedian"]] == [12, 12, 1.5]
            [ring] = wanted["referralRings"]
            row = page.locator(f"[data-testid=referral-rings] tr[data-key='{ring['fingerprint']}']")
            linked = await row.locator("a[data-member]").evaluate_all("a => a.map(x => x.dataset.member)")
            assert sorted(linked) == sorted(m["id"] for m in ring["members"]) and len(linked) == 3
            assert "One device" in await row.inner_text()
            # The flagged batch's evidence: the scan after the claim, by someone else, in Xiamen.
            [flagged] = (await api(base, FLAGGED, {}, hq))["flaggedBatches"]
            row = page.locator(f"[data-testid=flagged-batches] tr[data-key='{flagged['batch']['id']}']")
            shown = await row.locator("[data-value]").evaluate_all("c => c.map(x => +x.dataset.value)")
            assert shown == [flagged["claims"], flagged["divertedClaims"], flagged["suspiciousScans"]] == [12, 0, 1]
            await row.locator("[data-action=scans]").click()
            scan = page.locator("[data-testid=suspicious-scans] tr[data-key]")
            await scan.wait_for()
            assert "Xiamen" in await scan.inner_text() and "no" in await scan.inner_text()
            parent = global_ids.encode("Member", cast["parent"].id)
            assert await scan.locator(f"a[data-member='{parent}']").count() == 1
            await b.screenshot(f"console-signals-{db}")
            # The evidence leads to the member: their profile opens.
            await page.click(f"[data-testid=fast-claimers] a[data-member='{fast['member']['id']}']")
            await page.wait_for_selector(f"[data-testid=member-name]:text-is('{cast['bot'].invite_code}')")

            await page.goto(f"{base}/console/#/programme")
            await page.wait_for_selector("main[data-ready=programme]")

            async def refused(form: str, field: str) -> str:
                box = page.locator(f"[data-testid={form}-form] [data-error-for={field}][data-code]")
                await box.wait_for()
                return str(await box.get_attribute("data-code"))

            # A campaign: no end is refused by the form; an end before the start by the API; neither
            # creates anything.
            await page.fill("[data-testid=campaign-name]", "First can gift")
            await page.fill("[data-testid=campaign-points]", "50")
            await page.select_option("[data-testid=campaign-couponTemplateId]", label="Gift can")
            await page.check("[data-testid=campaign-firstPurchase]")
            await page.fill("[data-testid=campaign-startsAt]", "2027-01-10T09:00")
            await page.click("[data-testid=campaign-submit]")
            assert await refused("campaign", "endsAt") == "REQUIRED"
            await page.fill("[data-testid=campaign-endsAt]", "2027-01-01T09:00")
            await page.click("[data-testid=campaign-submit]")
            assert await refused("campaign", "endsAt") == "CAMPAIGN_INVALID"
            assert (await api(base, CAMPAIGNS, {}, hq))["campaigns"]["nodes"] == []
            await page.fill("[data-testid=campaign-endsAt]", "2027-03-01T00:00")
            await page.click("[data-testid=campaign-submit]")
            await page.wait_for_selector("[data-testid=campaigns] tr:has-text('First can gift')")
            [made] = (await api(base, CAMPAIGNS, {}, hq))["campaigns"]["nodes"]
            templates = (await api(base, TEMPLATES, {}, hq))["couponTemplates"]["nodes"]
            assert (made["points"], made["firstPurchase"], made["beneficiary"]) == (50, True, "MEMBER")
            assert made["couponTemplateId"] == templates[0]["id"]
            # 09:00 in the browser's zone (Shanghai) is 01:00 UTC.
            assert datetime.fromisoformat(made["startsAt"]) == datetime(2027, 1, 10, 1, tzinfo=UTC)
            await page.click("[data-testid=campaigns] tr:has-text('First can gift') [data-action=stop]")
            await page.wait_for_selector("[data-testid=campaigns] tr:has-text('First can gift') >> text=stopped")
            assert (await api(base, CAMPAIGNS, {}, hq))["campaigns"]["nodes"][0]["stoppedAt"] is not None

            # A coupon template: days that are not a number are refused next to the field; a
            # discount typed in yuan is stored in fen.
            await page.fill("[data-testid=template-name]", "12.50 off")
            await page.select_option("[data-testid=template-kind]", "DISCOUNT")
            await page.fill("[data-testid=template-validDays]", "a month")
            await page.fill("[data-testid=template-value]", "12.50")
            await page.fill("[data-testid=template-pointsPrice]", "300")
            await page.click("[data-testid=template-submit]")
            assert await refused("template", "validDays") == "TEMPLATE_INVALID"
            assert len((await api(base, TEMPLATES, {}, hq))["couponTemplates"]["nodes"]) == 1
            await page.fill("[data-testid=template-validDays]", "30")
            await page.click("[data-testid=template-submit]")
            await page.wait_for_selector("[data-testid=coupon-templates] tr:has-text('12.50 off')")
            [discount] = [
                t for t in (await api(base, TEMPLATES, {}, hq))["couponTemplates"]["nodes"] if t["kind"] == "DISCOUNT"
            ]
            assert (discount["value"]["amount"], discount["validDays"], discount["pointsPrice"]) == (1250, 30, 300)

            # An event: no places is refused next to the field. Then the session ends with the event
            # form and the campaign form filled in: signed in again, each form has its own values back.
            await page.fill("[data-testid=event-title]", "Weaning workshop")
            await page.fill("[data-testid=event-startsAt]", "2027-02-01T14:00")
            await page.fill("[data-testid=event-endsAt]", "2027-02-01T16:00")
            await page.fill("[data-testid=event-capacity]", "0")
            await page.fill("[data-testid=event-place]", "Store A")
            await page.check("[data-testid=event-allowWalkIns]")
            await page.click("[data-testid=event-submit]")
            assert await refused("event", "capacity") == "EVENT_INVALID"
            await page.fill("[data-testid=event-capacity]", "20")
            await page.fill("[data-testid=campaign-name]", "Not sent")
            await page.evaluate("sessionStorage.setItem('console.token', 'expired')")
            await page.click("[data-testid=event-submit]")
            await page.wait_for_selector("[data-testid=session-ended]")
            assert (await api(base, EVENTS, {}, hq))["events"]["nodes"] == []
            await b.sign_in("hq")
            await page.wait_for_selector("main[data-ready=programme]")
            assert await page.input_value("[data-testid=event-capacity]") == "20"
            assert await page.is_checked("[data-testid=event-allowWalkIns]")
            assert await page.input_value("[data-testid=campaign-name]") == "Not sent"
            assert await page.input_value("[data-testid=template-name]") == ""
            await page.click("[data-testid=event-submit]")
            row = page.locator("[data-testid=events] tr:has-text('Weaning workshop')")
            await row.wait_for()
            [event] = (await api(base, EVENTS, {}, hq))["events"]["nodes"]
            assert (event["capacity"], event["status"], event["allowWalkIns"], event["place"]) == (
                20,
                "DRAFT",
                True,
                "Store A",
            )
            await row.locator("[data-action=publish]").click()
            await page.wait_for_selector("[data-testid=events] tr:has-text('Weaning workshop') >> text=Published")
            await b.screenshot(f"console-programme-forms-{db}")
            await page.locator("[data-testid=events] tr:has-text('Weaning workshop') [data-action=cancelEvent]").click()
            await page.wait_for_selector("[data-testid=events] tr:has-text('Weaning workshop') >> text=Cancelled")
            assert (await api(base, EVENTS, {}, hq))["events"]["nodes"][0]["status"] == "CANCELLED"

            # In Chinese, the signals page and its evidence.
            await page.click("[data-testid=language]")
            await page.goto(f"{base}/console/#/signals")
            await page.wait_for_selector("main[data-ready=signals]")
            assert "风控信号" in await page.inner_text("nav")
            assert "同一设备" in await page.inner_text("[data-testid=referral-rings]")
        assert b.elsewhere == [], b.elsewhere
        assert b.problems == [], b.problems
