"""Identifiers are validated whole (a trailing newline is not a SKU), and a response that breaks after
its status went out is logged as a failure, not as the 200 it started as."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import httpx
import pytest
from starlette.types import Receive, Scope, Send

from events.errors import EventError
from events.services import check_in
from foundation.tenancy import service as brands
from loyalty.errors import LoyaltyError
from loyalty.services import batches
from referral.errors import ReferralError
from referral.services import enrolment, stores
from server.request_log import RequestContext
from tests import factories

HOSTILE_ENDINGS = ["\n", "\r\n", "\x00", " ", "\u2028"]


@pytest.mark.parametrize("ending", HOSTILE_ENDINGS)
async def test_identifiers_must_match_whole(db, ending: str) -> None:
    brand = await factories.brand("acme")
    with pytest.raises(LoyaltyError) as sku:
        await batches.create(
            brand_id=brand.id,
            key_id=1,
            sku=f"EVIL{ending}",
            product_name="Milk",
            quantity=10,
            price_cents=100,
            points_per_item=1,
        )
    assert (sku.value.code.value, sku.value.field) == ("BATCH_FIELD_INVALID", "sku")
    # Store codes and slugs are refused, or trimmed by design before they are checked: never stored as sent.
    try:
        store = await stores.create(brand_id=brand.id, code=f"S1{ending}", name="Store")
        assert store.code == "S1"
    except ReferralError as exc:
        assert exc.field == "code"
    try:
        made = await brands.create(slug=f"evil{ending}", name="Evil")
        assert made.slug == "evil"
    except ValueError:
        pass


async def test_a_stream_that_breaks_after_its_200_is_logged_as_failed(caplog: pytest.LogCaptureFixture) -> None:
    async def breaks_mid_stream(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"code,url\n", "more_body": True})
        raise RuntimeError("the export broke")

    app = RequestContext(breaks_mid_stream)
    with caplog.at_level(logging.INFO, logger="scrm.access"):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            with pytest.raises(RuntimeError):
                await http.get("/exports/x")
    records = [r for r in caplog.records if r.name == "scrm.access"]
    assert [(r.levelno, r.getMessage(), getattr(r, "failed", False)) for r in records] == [
        (logging.ERROR, "request failed", True)
    ]


SIGNED_FORGERIES = [
    "{p}1.9999999999.ññññññññññññññññññññ",
    "{p}١.9999999999.abc",
    "{p}1.9999999999.abc\x00",
    "{p}99999999999999999999.1.abc",
    "{p}1.99999999999999999999.abc",
    "{p}1.2.🍼",
    "",
]


@pytest.mark.parametrize("forgery", SIGNED_FORGERIES)
async def test_signed_tokens_with_foreign_characters_are_invalid_not_internal_errors(db, forgery: str) -> None:
    brand = await factories.brand("acme")
    with pytest.raises(ReferralError) as enrol:
        await enrolment.verify(key=b"k" * 32, brand_id=brand.id, token=forgery.format(p="E"), now=datetime.now(UTC))
    assert enrol.value.code.value == "ENROLMENT_INVALID"
    with pytest.raises(EventError) as venue:
        check_in._verify(b"k" * 32, brand.id, forgery.format(p="V"), datetime.now(UTC))
    assert venue.value.code.value == "CHECK_IN_CODE_INVALID"
