"""The other HQ reports as CSV files, GET /exports/reports/<report>.csv, with the GraphQL query's
arguments and role scoping: attribution-series, demographics, cohorts, rfm. Each is bounded (a few
hundred rows at most), so it is computed whole, then written out; same file conventions as
report_exports (UTF-8 with a BOM, formula-like text defused), same refusals (400/404 with a code)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from foundation import csv_text, replica
from foundation.auth.caller import Caller
from foundation.settings import Settings
from foundation.tenancy import regional
from foundation.tenancy.models import Brand
from insight import cohorts, demographics, rfm, series as pre_computed_series
from insight.errors import InsightError
from insight.members import Members
from loyalty.errors import LoyaltyError
from referral.errors import ReferralError
from referral.models import Channel
from referral.services import report_series
from server.exports import Endpoint
from server.report_exports import (
    FIGURE_HEADER,
    BadRequest,
    amount,
    figure_cells,
    filters_of,
    instant,
    some_id,
    staff_caller,
    store_of,
)

Table = tuple[str, list[str], Iterable[Sequence[object]]]  # file name, header, rows
# (caller, query parameters, the brand's regional settings, now) -> the table
Report = Callable[[Caller, Any, regional.Regional, datetime], Awaitable[Table]]


def csv_endpoint(settings: Settings, report: Report, clock: Callable[[], datetime]) -> Endpoint:
    async def endpoint(request: Request) -> Response:
        try:
            caller = await staff_caller(settings, request)
            money = regional.of(await Brand.get(id=caller.brand_id))
            # The figures are read here, whole (the rows are formatted as they stream).
            async with replica.reports():
                name, header, rows = await report(caller, request.query_params, money, clock())
        except BadRequest as refusal:
            return refusal.response
        except (ReferralError, LoyaltyError, InsightError) as exc:
            status = 404 if exc.code.value.endswith("NOT_FOUND") else 400
            return BadRequest(status, exc.code.value, exc.message, exc.field).response
        return StreamingResponse(
            _lines(header, rows),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": f'attachment; filename="{name}"'},
        )

    return endpoint


async def _lines(header: list[str], rows: Iterable[Sequence[object]]) -> AsyncIterator[str]:
    yield csv_text.BOM + csv_text.line(header)
    for row in rows:
        yield csv_text.line(row)


async def _members(caller: Caller, params: Any) -> Members:
    """storeId (a store manager: theirs), guideId, channel, campaignId: as the GraphQL queries take them."""
    try:
        channel = Channel[params["channel"]] if params.get("channel") else None
    except KeyError:
        raise BadRequest(400, "INVALID_ARGUMENT", "channel takes the GraphQL enum names.", "channel") from None
    members = Members(
        store_id=store_of(caller, params),
        guide_id=some_id(params, "guideId", "Guide"),
        channel=channel,
        campaign_id=some_id(params, "campaignId", "Campaign"),
    )
    await members.check(caller.brand_id)
    return members


def _choice(params: Any, field: str, default: str, enum: Any) -> Any:
    try:
        return enum(params.get(field, default).lower())
    except ValueError:
        raise BadRequest(400, "INVALID_ARGUMENT", f"{field} takes the GraphQL enum names.", field) from None


async def attribution_series(caller: Caller, params: Any, money: regional.Regional, now: datetime) -> Table:
    grain = _choice(params, "grain", "DAY", report_series.Grain)
    filters = await filters_of(caller, params)
    start, end = instant(params, "from"), instant(params, "to")
    points, as_of = await pre_computed_series.series(
        brand_id=caller.brand_id, start=start, end=end, grain=grain, zone=money.zone, filters=filters
    )
    fresh = _as_of(as_of, now)
    rows = ([p.start.isoformat(), p.end.isoformat(), *figure_cells(p.figures, money), fresh] for p in points)
    header = ["start", "end", *FIGURE_HEADER, "as_of"]
    return f"attribution-{grain.value}-{start:%Y%m%d}-{end:%Y%m%d}.csv", header, rows


async def demographic_groups(caller: Caller, params: Any, money: regional.Regional, now: datetime) -> Table:
    by = _choice(params, "by", "GENDER", demographics.Trait)
    today = now.astimezone(money.zone).date()
    found = await demographics.demographics(
        brand_id=caller.brand_id, by=by, today=today, members=await _members(caller, params)
    )
    rows = (
        [g.key, g.members, g.buyers, amount(g.revenue_cents, money), money.currency, _as_of(g.as_of, now)]
        for g in found
    )
    return f"demographics-{by.value}.csv", ["key", "members", "buyers", "revenue", "currency", "as_of"], rows


async def cohort_cells(caller: Caller, params: Any, money: regional.Regional, now: datetime) -> Table:
    try:
        first = date.fromisoformat(params.get("from", ""))
        months = int(params.get("months", "12"))
    except ValueError:
        raise BadRequest(400, "RANGE_INVALID", "from is a date (YYYY-MM-DD), months a whole number.", "from") from None
    found = await cohorts.cohorts(
        brand_id=caller.brand_id,
        first_month=first,
        months=months,
        now=now,
        zone=money.zone,
        members=await _members(caller, params),
    )
    header = ["month", "members", "since", "buyers", "again", "revenue", "currency", "as_of"]
    rows = (
        [
            c.month.isoformat(),
            c.members,
            cell.since,
            cell.buyers,
            cell.returning,
            amount(cell.revenue_cents, money),
            money.currency,
            _as_of(c.as_of, now),
        ]
        for c in found
        for cell in c.cells
    )
    return f"cohorts-{first:%Y%m}-{months}.csv", header, rows


async def rfm_groups(caller: Caller, params: Any, money: regional.Regional, now: datetime) -> Table:
    start, end = instant(params, "from"), instant(params, "to")
    found = await rfm.groups(brand_id=caller.brand_id, start=start, end=end, members=await _members(caller, params))
    rows = ([g.name, g.members, amount(g.revenue_cents, money), money.currency, _as_of(g.as_of, now)] for g in found)
    return f"rfm-{start:%Y%m%d}-{end:%Y%m%d}.csv", ["group", "members", "revenue", "currency", "as_of"], rows


def _as_of(snapshot: datetime | None, now: datetime) -> str:
    """When the purchases were read: the pre-computed tables' refresh, or now (read live)."""
    return (snapshot or now).isoformat()


REPORTS: dict[str, Report] = {
    "attribution-series": attribution_series,
    "demographics": demographic_groups,
    "cohorts": cohort_cells,
    "rfm": rfm_groups,
}
