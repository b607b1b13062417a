"""HQ's reports as CSV files, streamed from GET /exports/reports/<report>.csv with the same
filters and the same role scoping as the GraphQL query (a store manager gets their store's figures).
UTF-8 with a byte-order mark, formula-like text defused (foundation/csv_text)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from foundation import csv_text, global_ids, replica
from foundation.auth.caller import Caller, Role
from foundation.auth.errors import AuthError, AuthErrorCode
from foundation.settings import Settings
from foundation.tenancy import regional
from foundation.tenancy.models import Brand
from loyalty.errors import LoyaltyError
from loyalty.models import Campaign
from loyalty.services import campaigns
from referral.errors import ReferralError, ReferralErrorCode
from referral.models import Channel, Guide, Member, Store
from referral.services import reports
from schema.permissions import report_store
from server.exports import Endpoint, caller_of

FIGURE_HEADER = [
    "newMembers",
    "referredMembers",
    "purchases",
    "revenue",
    "currency",
    "couponsIssued",
    "couponsWrittenOff",
    "eventSignUps",
    "eventsAttended",
    "tasksDone",
    "tasksFollowedByPurchase",
]
HEADER = ["key", "name", *FIGURE_HEADER]
_ID_KINDS = {reports.Dimension.GUIDE: "Guide", reports.Dimension.STORE: "Store", reports.Dimension.CAMPAIGN: "Campaign"}


class BadRequest(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        body = {"message": message, "code": code, **({"field": field} if field else {})}
        self.response = JSONResponse({"errors": [body]}, status_code=status)


def attribution_csv(settings: Settings) -> Endpoint:
    """?from=&to= (ISO 8601 with offset) &by=GUIDE|STORE|CHANNEL|CAMPAIGN|REGISTRATION_TAG and the
    filters storeId, guideId, campaignId (global ids), channel, registrationTag."""

    async def endpoint(request: Request) -> Response:
        try:
            caller = await staff_caller(settings, request)
            report = await _report_arguments(caller, request.query_params)
            # The first page is read before answering: a filter naming nothing is a 400, not a broken file.
            pages = reports.attribution_pages(**report)
            first = await _page(pages) or []
        except BadRequest as refusal:
            return refusal.response
        except (ReferralError, LoyaltyError) as exc:
            status = 404 if exc.code.value.endswith("NOT_FOUND") else 400
            return BadRequest(status, exc.code.value, exc.message, exc.field).response
        brand = await Brand.get(id=caller.brand_id)
        by: reports.Dimension = report["by"]
        name = f"attribution-{by.value}-{report['start']:%Y%m%d}-{report['end']:%Y%m%d}.csv"
        return StreamingResponse(
            _lines(brand, by, first, pages),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    return endpoint


async def _lines(
    brand: Brand, by: reports.Dimension, first: list[reports.Figures], rest: AsyncIterator[list[reports.Figures]]
) -> AsyncIterator[str]:
    money = regional.of(brand)
    yield csv_text.BOM + csv_text.line(HEADER)
    page: list[reports.Figures] | None = first
    while page:
        names = await _names(brand.id, by, [row.key for row in page if row.key is not None])
        for row in page:
            name = names.get(row.key, "") if row.key is not None else ""
            yield csv_text.line([_key(by, row.key), name, *figure_cells(row, money)])
        page = await _page(rest)


async def _page(pages: AsyncIterator[list[reports.Figures]]) -> list[reports.Figures] | None:
    """The next page, read on the replica when it is fresh enough (foundation.replica): each page
    asks again, so a long download holds no connection and follows the replica's freshness."""
    async with replica.reports():
        return await anext(pages, None)


def amount(cents: int, money: regional.Regional) -> str:
    """Minor units as the currency's major unit, to its digits (29900 CNY: 299.00)."""
    return f"{Decimal(cents).scaleb(-money.currency_digits):.{money.currency_digits}f}"


def figure_cells(row: reports.Figures, money: regional.Regional) -> list[object]:
    """The cells of FIGURE_HEADER for one row of figures."""
    return [
        row.new_members,
        row.referred_members,
        row.purchases,
        amount(row.revenue_cents, money),
        money.currency,
        row.coupons_issued,
        row.coupons_written_off,
        row.event_sign_ups,
        row.events_attended,
        row.tasks_done,
        row.tasks_followed_by_purchase,
    ]


def _key(by: reports.Dimension, key: str | None) -> str:
    if key is None or by in reports.TEXT_KEYS:
        return key or ""
    if by is reports.Dimension.CHANNEL:
        return Channel(key).name
    return global_ids.encode(_ID_KINDS[by], int(key))


async def _names(brand_id: int, by: reports.Dimension, keys: list[str]) -> dict[str, str]:
    """What a person reads beside each key: the guide's or store's or campaign's name."""
    ids = [int(k) for k in keys if k.isdigit()]
    if by is reports.Dimension.STORE:
        return {str(s.id): s.name for s in await Store.filter(brand_id=brand_id, id__in=ids)}
    if by is reports.Dimension.CAMPAIGN:
        return {str(c.id): c.name for c in await Campaign.filter(brand_id=brand_id, id__in=ids)}
    if by is reports.Dimension.GUIDE:
        guides = {g.id: g.member_id for g in await Guide.filter(brand_id=brand_id, id__in=ids)}
        people = {m.id: m.display_name or m.name or "" for m in await Member.filter(id__in=list(guides.values()))}
        return {str(g): people.get(m, "") for g, m in guides.items()}
    return {}


async def staff_caller(settings: Settings, request: Request) -> Caller:
    try:
        caller = await caller_of(settings, request)
    except AuthError as exc:
        raise BadRequest(401, exc.code.value, exc.message) from None
    if not (caller.has(Role.HQ) or caller.has(Role.STORE_MANAGER)):
        raise BadRequest(403, AuthErrorCode.FORBIDDEN.value, "HQ and store managers only.")
    return caller


def instant(params: Any, field: str) -> datetime:
    try:
        value = datetime.fromisoformat(params.get(field, ""))
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise BadRequest(400, ReferralErrorCode.PERIOD_INVALID.value, "An ISO 8601 time with its offset.", field)
    return value


def some_id(params: Any, field: str, kind: str) -> int | None:
    if not params.get(field):
        return None
    pk = global_ids.key_of(params[field], kind)
    if pk is None:
        raise BadRequest(400, "INVALID_ID", f"Not a valid {kind} ID.", field)
    return pk


def store_of(caller: Caller, params: Any) -> int | None:
    """The store asked for, as the GraphQL reports scope it (a store manager: their own only)."""
    return report_store(caller, some_id(params, "storeId", "Store"))


async def filters_of(caller: Caller, params: Any) -> reports.Filters:
    """The attribution filters, as the GraphQL query takes them."""
    try:
        channel = Channel[params["channel"]] if params.get("channel") else None
    except KeyError:
        raise BadRequest(400, "INVALID_ARGUMENT", "channel takes the GraphQL enum names.", "channel") from None
    store = store_of(caller, params)
    campaign = some_id(params, "campaignId", "Campaign")
    if campaign is not None:
        await campaigns.get(brand_id=caller.brand_id, campaign_id=campaign)
    tag = params.get("registrationTag") or None
    if tag is not None and not (len(tag) <= 64 and tag.isprintable()):
        raise BadRequest(
            400, "INVALID_ARGUMENT", "A registration tag has at most 64 printable characters.", "registrationTag"
        )
    return reports.Filters(
        guide_id=some_id(params, "guideId", "Guide"),
        store_id=store,
        channel=channel,
        campaign_id=campaign,
        registration_tag=tag,
    )


async def _report_arguments(caller: Caller, params: Any) -> dict[str, Any]:
    try:
        by = reports.Dimension(params.get("by", "GUIDE").lower())
    except ValueError:
        raise BadRequest(400, "INVALID_ARGUMENT", "by takes the GraphQL enum names.", "by") from None
    filters = await filters_of(caller, params)
    return {
        "brand_id": caller.brand_id,
        "start": instant(params, "from"),
        "end": instant(params, "to"),
        "by": by,
        **dataclasses.asdict(filters),
    }
