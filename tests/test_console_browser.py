"""The HQ console in a real browser (Debian's chromium, driven by Playwright), against `scrm serve` on
the test database, on both engines, with every request to another host refused: sign in, read the
dashboard and the attribution table and compare every figure with the API's answer for the same
period, sort, download the CSV, switch to Chinese, lose the session and come back to the same page;
a store manager sees their store only. A screenshot of each page is kept in tests/artifacts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from access.models import StaffRole
from events.services import signups
from foundation import global_ids
from loyalty.models import CouponKind
from loyalty.services import coupons
from referral.models import Guide, Member, TouchKind
from referral.services import members, touches
from tests import factories
from tests.browsing import browsing
from tests.processes import serving
from tests.test_multi_worker import server_env

# Slow: left out of the fast loop (pytest -m 'not slow'); CI runs everything.
pytestmark = pytest.mark.slow

FIGURES = "newMembers purchases couponsWrittenOff eventsAttended revenue { amount }"
SERIES = f"""query($f: DateTime!, $t: DateTime!) {{ attributionSeries(from: $f, to: $t, grain: DAY) {{
  figures {{ {FIGURES} }} }} }}"""
LEADERS = """query($f: DateTime!, $t: DateTime!) {
  leaderboard(from: $f, to: $t, metric: PURCHASES, first: 10) { key purchases } }"""
BATCHES = "{ codeBatches(first: 5) { nodes { quantity pointsPerItem revokedAt price { amount } } } }"
PROGRAMME = "{ events(first: 5) { nodes { id placesLeft } } }"
BROADCASTS = "{ broadcasts(first: 5) { nodes { holdoutPercent sendAt status } } }"
PREVIEW = "query($c: SegmentCondition!) { segmentPreview(condition: $c) { count } }"
PROFILE = "query($id: ID!) { member(id: $id) { profile { purchases revenue { amount } } } }"
ATTRIBUTION = f"""query($f: DateTime!, $t: DateTime!, $by: Dimension!) {{
  attribution(from: $f, to: $t, by: $by, first: 100) {{ key {FIGURES} }} }}"""


async def shop() -> dict:
    """Two stores with a guide each; members of both buying, writing off coupons and attending events
    on days spread over the last three weeks (and one purchase long before, outside 30 days)."""
    brand = await factories.brand("acme")
    a, b = await factories.store(brand, "A", "Store A"), await factories.store(brand, "B", "Store B")
    ga, gb = await factories.guide(brand, a, "ga"), await factories.guide(brand, b, "gb")
    now = datetime.now(UTC)

    async def touch(m: Member, guide: Guide, kind: TouchKind, days_ago: float, cents: int = 0) -> None:
        await touches.record(
            brand_id=brand.id,
            member_id=m.id,
            kind=kind,
            at=now - timedelta(days=days_ago),
            guide_id=guide.id,
            store_id=guide.store_id,
            amount_cents=cents,
        )

    for n in range(12):
        guide = ga if n % 3 else gb
        m = await factories.member(brand, f"m{n}")
        await members.register(
            brand_id=brand.id, member_id=m.id, now=now - timedelta(days=20 - n), code=guide.invite_code
        )

        for k in range(n % 4):
            await touch(m, guide, TouchKind.PURCHASE, 18 - n - k * 0.5, 29_900 + 100 * k)
        if n % 5 == 0:
            await touch(m, guide, TouchKind.COUPON_WRITTEN_OFF, 3)
        if n % 4 == 1:
            await touch(m, guide, TouchKind.EVENT_CHECK_IN, 2)
        if n == 7:
            await touch(m, guide, TouchKind.PURCHASE, 200, 10_000)
    # A referral chain: the guide brought Ann, Ann brought Bea, Bea brought Cat.
    chain, code = [], ga.invite_code
    for name in ("ann", "bea", "cat"):
        m = await factories.member(brand, name)
        m = await members.register(brand_id=brand.id, member_id=m.id, now=now - timedelta(days=5), code=code)
        chain.append(m)
        code = m.invite_code
    await touch(chain[0], ga, TouchKind.PURCHASE, 1, 12_300)
    # An event with three sign-ups, and a coupon template.
    event = await factories.event(brand, a, now=now - timedelta(days=1), capacity=10)

    async def no_step(conn, **step) -> None:  # type: ignore[no-untyped-def]
        return None

    for m in chain:
        await signups.sign_up(
            brand_id=brand.id, event_id=event.id, member_id=m.id, answers={}, now=now, on_step=no_step
        )
    await coupons.create_template(brand_id=brand.id, name="Gift can", kind=CouponKind.GIFT, valid_days=7)
    await factories.staff(brand, "hq")
    await factories.staff(brand, "manager-b", StaffRole.STORE_MANAGER, b)
    return {"brand": brand, "b": b, "chain": chain}


async def api(base: str, query: str, variables: dict, token: str | None) -> dict:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=base, timeout=30, headers=headers) as http:
        body = (
            await http.post(
                "/graphql", json={"query": query, "variables": variables}, headers={"authorization": f"Bearer {token}"}
            )
        ).json()
    assert "errors" not in body, body
    return body["data"]


async def sign_in_token(base: str, username: str) -> str:
    data = await api(
        base,
        'mutation($u: String!, $p: String!) { signInStaff(brand: "acme", username: $u, password: $p) { token } }',
        {"u": username, "p": factories.STAFF_PASSWORD},
        None,
    )
    return str(data["signInStaff"]["token"])


async def test_the_console_shows_the_apis_figures_in_a_browser(db, database) -> None:
    cast = await shop()
    with serving(server_env(database)) as (base, _):
        hq = await sign_in_token(base, "hq")
        async with browsing(base) as b:
            page, problems, sign_in = b.page, b.problems, b.sign_in
            # A wrong password: the API's message, next to the form; still signed out.
            await page.goto(f"{base}/console", wait_until="networkidle")
            await sign_in("hq", "not the password")
            error = page.locator("[data-testid=sign-in-error]")
            await error.wait_for()
            assert await error.get_attribute("data-code") == "INVALID_CREDENTIALS"
            await sign_in("hq")

            # The dashboard: every key figure is the API's sum over the same days.
            await page.wait_for_selector("main[data-ready=dashboard]", timeout=20_000)
            section = page.locator("[data-page=dashboard]")
            span = {"f": await section.get_attribute("data-from"), "t": await section.get_attribute("data-to")}
            points = (await api(base, SERIES, span, hq))["attributionSeries"]
            for figure in ("newMembers", "purchases", "couponsWrittenOff", "eventsAttended"):
                shown = await page.get_attribute(f"[data-figure={figure}]", "data-value")
                assert int(shown or -1) == sum(p["figures"][figure] for p in points), figure
            revenue = sum(p["figures"]["revenue"]["amount"] for p in points)
            assert int(await page.get_attribute("[data-figure=revenue]", "data-value") or -1) == revenue > 0
            assert "¥" in await page.inner_text("[data-figure=revenue]")
            assert await page.locator("[data-testid=daily-chart] canvas").count() == 1
            await b.screenshot(f"console-dashboard-{db}")

            # Attribution by store: each row is the API's row; sorted by the column clicked.
            await page.goto(f"{base}/console/#/attribution?by=STORE&days=30")
            await page.wait_for_selector("main[data-ready=attribution]")
            section = page.locator("[data-page=attribution]")
            span = {"f": await section.get_attribute("data-from"), "t": await section.get_attribute("data-to")}
            rows = (await api(base, ATTRIBUTION, {**span, "by": "STORE"}, hq))["attribution"]
            assert await page.locator("tbody tr").count() == len(rows) >= 2
            for row in rows:
                tr = page.locator(f"tbody tr[data-key='{row['key']}']")
                for column in ("newMembers", "purchases", "couponsWrittenOff", "eventsAttended"):
                    assert (
                        int(await tr.locator(f"[data-column={column}]").get_attribute("data-value") or -1)
                        == row[column]
                    )
                assert (
                    int(await tr.locator("[data-column=revenue]").get_attribute("data-value") or -1)
                    == row["revenue"]["amount"]
                )
            assert "Store A" in await page.inner_text("tbody")
            await page.click("th[data-sort=newMembers]")
            await page.wait_for_selector("th.sorted[data-sort=newMembers]")
            shown = [
                int(v)
                for v in await page.locator("tbody [data-column=newMembers]").evaluate_all(
                    "cells => cells.map(c => c.dataset.value)"
                )
            ]
            assert shown == sorted((r["newMembers"] for r in rows), reverse=True)
            await b.screenshot(f"console-attribution-{db}")

            # The CSV: what the export endpoint gives, one line per row, opened and read.
            async with page.expect_download() as waiting:
                await page.click("[data-testid=download-csv]")
            saved = await (await waiting.value).path()
            text = Path(saved).read_bytes().decode("utf-8")
            assert text.startswith("\ufeff")
            lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
            assert len(lines) == 1 + len(rows) and "Store A" in text

            # Chinese, and back.
            await page.click("[data-testid=language]")
            await page.wait_for_selector("main[data-ready=attribution]")
            nav = await page.inner_text("nav")
            assert "概览" in nav and "归因分析" in nav and "Dashboard" not in nav
            assert "下载 CSV" in await page.inner_text("[data-testid=download-csv]")
            await b.screenshot(f"console-attribution-zh-{db}")
            await page.click("[data-testid=language]")
            await page.wait_for_selector("nav a[data-nav=dashboard]:has-text('Dashboard')")

            # The session ends (a token the server no longer takes): sign-in, then the same page.
            await page.goto(f"{base}/console/#/attribution?by=GUIDE&days=90")
            await page.wait_for_selector("section[data-by=GUIDE]")
            await page.evaluate("sessionStorage.setItem('console.token', 'expired')")
            await page.select_option("[data-testid=days]", "7")
            await page.wait_for_selector("[data-testid=session-ended]")
            await sign_in("hq")
            await page.wait_for_selector("main[data-ready=attribution]")
            assert "by=GUIDE" in page.url and "days=7" in page.url
            assert await page.get_attribute("[data-page=attribution]", "data-by") == "GUIDE"

            # Reports: the funnel and the leaderboard are the API's; the cohorts drawn as a heat map.
            await page.goto(f"{base}/console/#/reports")
            await page.wait_for_selector("main[data-ready=reports]")
            for step in (await api(base, "{ funnel { stage members } }", {}, hq))["funnel"]:
                cell = page.locator(f"[data-testid=funnel] tr[data-stage={step['stage']}] [data-value]")
                assert int(await cell.get_attribute("data-value") or -1) == step["members"]
            board = page.locator("[data-testid=leaderboard]")
            span = {"f": await board.get_attribute("data-from"), "t": await board.get_attribute("data-to")}
            leaders = (await api(base, LEADERS, span, hq))["leaderboard"]
            shown = await board.locator("[data-value]").evaluate_all("cells => cells.map(c => +c.dataset.value)")
            assert shown == [row["purchases"] for row in leaders] and len(shown) == 2
            assert await page.locator("[data-testid=cohort-heatmap] canvas").count() == 1
            assert await page.locator("[data-testid=funnel-chart] canvas").count() == 1
            await b.screenshot(f"console-reports-{db}")

            # Members: found by invite code; the profile is the API's; the referral tree opens.
            ann, bea, cat = (global_ids.encode("Member", m.id) for m in cast["chain"])
            await page.goto(f"{base}/console/#/members?q={cast['chain'][0].invite_code}")
            await page.wait_for_selector("main[data-ready=members]")
            await page.click(f"[data-testid=member-list] a[data-member='{ann}']")
            await page.wait_for_selector("[data-testid=profile]")
            wanted = (await api(base, PROFILE, {"id": ann}, hq))["member"]["profile"]
            assert (
                int(await page.get_attribute("[data-field=purchases]", "data-value") or -1) == wanted["purchases"] == 1
            )
            assert (
                int(await page.get_attribute("[data-field=revenue]", "data-value") or -1) == wanted["revenue"]["amount"]
            )
            tree = page.locator("[data-testid=descendants]")
            assert await tree.get_attribute("data-total") == "2"
            nested = tree.locator(f"details:has(> summary[data-member='{bea}']) summary[data-member='{cat}']")
            assert await nested.count() == 1 and not await nested.is_visible()
            await tree.locator(f"summary[data-member='{bea}']").click()
            assert await nested.is_visible()
            await page.goto(f"{base}/console/#/members?id={cat}")
            await page.wait_for_selector(f"[data-testid=member-name]:text-is('{cast['chain'][2].invite_code}')")
            chain = " → ".join(m.invite_code for m in cast["chain"])
            assert await page.inner_text("[data-testid=ancestors]") == chain
            await b.screenshot(f"console-members-{db}")

            # Code batches: a refusal shows next to its field and creates nothing; a batch is made,
            # its CSV and labels downloaded, then it is revoked.
            await page.goto(f"{base}/console/#/batches")
            await page.wait_for_selector("main[data-ready=batches]")

            async def fill(**values: str) -> None:
                for name, value in values.items():
                    await page.fill(f"[data-testid=batch-{name}]", value)

            await fill(sku="MILK-1", productName="Gold 3", quantity="0", price="299.00", pointsPerItem="10")
            await page.click("[data-testid=batch-submit]")
            refusal = page.locator("[data-error-for=quantity]")
            await page.wait_for_selector("[data-error-for=quantity][data-code]")
            assert await refusal.get_attribute("data-code") == "BATCH_QUANTITY_INVALID"
            assert (await api(base, BATCHES, {}, hq))["codeBatches"]["nodes"] == []
            # The session ends while the form is filled in: sign in again, and it is still there.
            await fill(quantity="5")
            await page.evaluate("sessionStorage.setItem('console.token', 'expired')")
            await page.click("[data-testid=batch-submit]")
            await page.wait_for_selector("[data-testid=session-ended]")
            await sign_in("hq")
            await page.wait_for_selector("main[data-ready=batches]")
            assert await page.input_value("[data-testid=batch-quantity]") == "5"
            assert await page.input_value("[data-testid=batch-sku]") == "MILK-1"
            await page.click("[data-testid=batch-submit]")
            row = page.locator("tr[data-sku='MILK-1']")
            await row.wait_for()
            [made] = (await api(base, BATCHES, {}, hq))["codeBatches"]["nodes"]
            assert (made["quantity"], made["price"]["amount"], made["pointsPerItem"]) == (5, 29_900, 10)
            # No code can be exported before the brand says what URL its cans print: said on the row.
            await row.locator("[data-action=csv]").click()
            await page.wait_for_selector("tr[data-sku='MILK-1'] [data-row-error][data-code=ITEM_URL_NOT_SET]")
            problems.clear()  # the browser logs the 409 itself
            await api(base, 'mutation { setItemUrlBase(url: "https://acme.example/c") { errors { code } } }', {}, hq)
            async with page.expect_download() as waiting:
                await row.locator("[data-action=csv]").click()
            codes = Path(await (await waiting.value).path()).read_text(encoding="utf-8-sig").splitlines()
            assert len(codes) == 1 + 5
            async with page.expect_download() as waiting:
                await row.locator("[data-action=labels]").click()
            assert Path(await (await waiting.value).path()).read_bytes().startswith(b"%PDF")
            page.once("dialog", lambda dialog: dialog.accept())
            await row.locator("[data-action=revoke]").click()
            await page.wait_for_selector("tr[data-sku='MILK-1'] .revoked")
            assert (await api(base, BATCHES, {}, hq))["codeBatches"]["nodes"][0]["revokedAt"] is not None
            await b.screenshot(f"console-batches-{db}")

            # The programme: coupon templates and events with the API's sign-up figures.
            await page.goto(f"{base}/console/#/programme")
            await page.wait_for_selector("main[data-ready=programme]")
            running = await api(base, PROGRAMME, {}, hq)
            [event] = running["events"]["nodes"]
            row = page.locator(f"[data-testid=events] tr[data-key='{event['id']}']")
            assert [
                int(v) for v in await row.locator("[data-value]").evaluate_all("c => c.map(x => x.dataset.value)")
            ] == [3, 0, 0, event["placesLeft"]]
            assert "Gift can" in await page.inner_text("[data-testid=coupon-templates]")
            await b.screenshot(f"console-programme-{db}")

            # Segments: the live count is the API's for the conditions picked; a typed error for a
            # number that is not one; a name is required; saved, it is listed.
            await page.goto(f"{base}/console/#/segments")
            await page.wait_for_selector("main[data-ready=segments]")
            count = page.locator("[data-testid=live-count]")

            async def counted() -> int:
                await page.wait_for_selector("[data-testid=live-count]:not([data-pending])")
                return int(await count.get_attribute("data-value") or -1)

            assert await count.inner_text() == "—"  # no condition yet: no segment
            await page.select_option("[data-testid=stage]", "REPEAT")
            repeat = (await api(base, PREVIEW, {"c": {"stage": "REPEAT"}}, hq))["segmentPreview"]["count"]
            assert await counted() == repeat > 0
            await page.select_option("[data-testid=channel]", "GUIDE_QR")
            await page.wait_for_timeout(300)
            wanted = {"allOf": [{"stage": "REPEAT"}, {"channel": "GUIDE_QR"}]}
            assert await counted() == (await api(base, PREVIEW, {"c": wanted}, hq))["segmentPreview"]["count"]
            await page.fill("[data-testid=pointsAtLeast]", "lots")
            await page.wait_for_selector("[data-testid=segment-error]:not(:empty)")
            assert await count.get_attribute("data-value") is None
            # Saved as it is, the API's refusal is shown too, and nothing is saved.
            await page.fill("[data-testid=segment-name]", "Not a number")
            await page.click("[data-testid=save-segment]")
            await page.wait_for_selector("[data-testid=segment-error][data-code]")
            assert await page.locator("[data-testid=segments] li").count() == 0
            await page.fill("[data-testid=segment-name]", "")
            problems.clear()  # the browser logs the 400 (a variable of the wrong type) itself
            await page.fill("[data-testid=pointsAtLeast]", "")
            await page.click("[data-testid=save-segment]")
            await page.wait_for_selector("[data-testid=segment-error][data-code]")
            await page.fill("[data-testid=segment-name]", "Guide-QR buyers")
            await page.click("[data-testid=save-segment]")
            await page.wait_for_selector("[data-testid=segments] li[data-segment='Guide-QR buyers']")
            await b.screenshot(f"console-segments-{db}")

            # Broadcasts: a holdout over 50% is refused next to its field; scheduled at a local time
            # (the browser's zone: Shanghai), it is listed, then cancelled.
            await page.goto(f"{base}/console/#/broadcasts")
            await page.wait_for_selector("main[data-ready=broadcasts]")
            await page.fill("[data-testid=bc-name]", "Spring")
            await page.fill("[data-testid=bc-title]", "Spring offer")
            await page.fill("[data-testid=bc-body]", "Two cans, one gift.")
            await page.fill("[data-testid=bc-holdoutPercent]", "80")
            tomorrow = (datetime.now(UTC) + timedelta(days=2)).date()
            await page.fill("[data-testid=bc-sendAt]", f"{tomorrow.isoformat()}T10:00")
            await page.click("[data-testid=bc-submit]")
            await page.wait_for_selector("[data-error-for=holdoutPercent][data-code]")
            assert (await api(base, BROADCASTS, {}, hq))["broadcasts"]["nodes"] == []
            await page.fill("[data-testid=bc-holdoutPercent]", "10")
            await page.click("[data-testid=bc-submit]")
            await page.wait_for_selector("tr[data-broadcast=Spring][data-status=SCHEDULED]")
            [sent] = (await api(base, BROADCASTS, {}, hq))["broadcasts"]["nodes"]
            assert sent["holdoutPercent"] == 10
            assert datetime.fromisoformat(sent["sendAt"]) == datetime(
                tomorrow.year, tomorrow.month, tomorrow.day, 2, tzinfo=UTC
            )  # 10:00 in Shanghai
            assert "10:00" in await page.inner_text("tr[data-broadcast=Spring]")  # shown as it was typed
            await b.screenshot(f"console-broadcasts-{db}")
            await page.click("tr[data-broadcast=Spring] [data-action=cancel]")
            await page.wait_for_selector("tr[data-broadcast=Spring][data-status=CANCELLED]")

            # A store manager: the API scopes the figures to their store.
            await page.click("[data-testid=sign-out]")
            await sign_in("manager-b")
            await page.goto(f"{base}/console/#/attribution?by=STORE&days=30")
            await page.wait_for_selector("main[data-ready=attribution]")
            keys = await page.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.key)")
            assert len(keys) == 1 and "Store B" in await page.inner_text("tbody")
            await page.goto(f"{base}/console/#/reports")
            await page.wait_for_selector("main[data-ready=reports]")
            assert await page.locator("[data-testid=leaderboard]").count() == 0  # HQ's only
            assert await page.locator("nav a[data-nav=batches], nav a[data-nav=signals]").count() == 0
            await b.screenshot(f"console-manager-{db}")
            # Their store's events: created (for their store), listed with the API's figures, published;
            # no campaign or coupon form.
            manager = await sign_in_token(base, "manager-b")
            await page.goto(f"{base}/console/#/programme")
            await page.wait_for_selector("main[data-ready=programme]")
            assert await page.locator("[data-testid=campaign-form], [data-testid=coupon-templates]").count() == 0
            await page.fill("[data-testid=event-title]", "Store B tasting")
            await page.fill("[data-testid=event-startsAt]", f"{tomorrow.isoformat()}T15:00")
            await page.fill("[data-testid=event-endsAt]", f"{tomorrow.isoformat()}T16:00")
            await page.fill("[data-testid=event-capacity]", "12")
            await page.fill("[data-testid=event-place]", "Store B")
            await page.click("[data-testid=event-submit]")
            row = page.locator("[data-testid=events] tr:has-text('Store B tasting')")
            await row.locator("[data-action=publish]").click()
            await page.wait_for_selector("[data-testid=events] tr:has-text('Store B tasting') >> text=Published")
            listed = (await api(base, "{ events(first: 10) { nodes { title storeId status } } }", {}, manager))[
                "events"
            ]
            [tasting] = [e for e in listed["nodes"] if e["title"] == "Store B tasting"]
            assert tasting == {
                "title": "Store B tasting",
                "storeId": global_ids.encode("Store", cast["b"].id),
                "status": "PUBLISHED",
            }
            # Segments counted within their store.
            await page.goto(f"{base}/console/#/segments")
            await page.wait_for_selector("main[data-ready=segments]")
            await page.select_option("[data-testid=stage]", "REGISTERED")
            theirs = (await api(base, PREVIEW, {"c": {"stage": "REGISTERED"}}, manager))["segmentPreview"]["count"]
            brand_wide = (await api(base, PREVIEW, {"c": {"stage": "REGISTERED"}}, hq))["segmentPreview"]["count"]
            assert await counted() == theirs < brand_wide
        assert b.elsewhere == [], b.elsewhere
        assert b.problems == [], b.problems
    assert cast["b"].name == "Store B"
