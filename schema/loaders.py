"""DataLoaders, one set per request, each filtering by the caller's brand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from functools import cached_property
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from events.services import interactions
from foundation.tenancy.models import Brand
from loyalty.models import Campaign, CouponTemplate
from loyalty.services import coupons
from referral.models import Guide, Member, ReferralPolicy, Store
from referral.services import policy as policies, profiles, tags

M = TypeVar("M", bound=Model)


def _by_id(model: type[M], brand_id: int | None, brand_field: str = "brand_id") -> DataLoader[int, M | None]:
    async def load(ids: Sequence[int]) -> list[M | None]:
        if brand_id is None:
            return [None] * len(ids)
        rows = await model.filter(id__in=list(ids), **{brand_field: brand_id})
        found = {row.pk: row for row in rows}
        return [found.get(i) for i in ids]

    return DataLoader(load_fn=load)


class Loaders:
    """Each loader is built on first use: most requests (a claim, a sign-in) use none of them."""

    def __init__(self, *, brand_id: int | None) -> None:
        self._brand_id = brand_id

    @cached_property
    def brand(self) -> DataLoader[int, Brand | None]:
        return _by_id(Brand, self._brand_id, brand_field="id")

    @cached_property
    def store(self) -> DataLoader[int, Store | None]:
        return _by_id(Store, self._brand_id)

    @cached_property
    def member(self) -> DataLoader[int, Member | None]:
        return _by_id(Member, self._brand_id)

    @cached_property
    def campaign(self) -> DataLoader[int, Campaign | None]:
        return _by_id(Campaign, self._brand_id)

    @cached_property
    def coupon_template(self) -> DataLoader[int, CouponTemplate | None]:
        return _by_id(CouponTemplate, self._brand_id)

    @cached_property
    def guide(self) -> DataLoader[int, Guide | None]:
        return _by_id(Guide, self._brand_id)

    @cached_property
    def policy(self) -> DataLoader[int, ReferralPolicy]:
        return DataLoader(load_fn=_policies)

    @cached_property
    def profile_stats(self) -> DataLoader[int, profiles.Stats]:
        return DataLoader(load_fn=self._stats)

    @cached_property
    def member_tags(self) -> DataLoader[int, list[str]]:
        return DataLoader(load_fn=self._tags)

    @cached_property
    def coupons_issued(self) -> DataLoader[CouponTemplate, int]:
        return DataLoader(load_fn=_coupons_issued)

    @cached_property
    def answer_counts(self) -> DataLoader[int, Counter[int]]:
        return DataLoader(load_fn=_answer_counts)

    async def _stats(self, member_ids: Sequence[int]) -> list[profiles.Stats]:
        if self._brand_id is None:
            return [profiles.Stats() for _ in member_ids]
        found = await profiles.stats_for(brand_id=self._brand_id, member_ids=member_ids)
        return [found[m] for m in member_ids]

    async def _tags(self, member_ids: Sequence[int]) -> list[list[str]]:
        if self._brand_id is None:
            return [[] for _ in member_ids]
        found = await tags.names_for(brand_id=self._brand_id, member_ids=member_ids)
        return [found[m] for m in member_ids]


async def _answer_counts(interaction_ids: Sequence[int]) -> list[Counter[int]]:
    found = await interactions.answer_counts(interaction_ids)
    return [found[i] for i in interaction_ids]


async def _coupons_issued(templates: Sequence[CouponTemplate]) -> list[int]:
    found = await coupons.issued(templates)
    return [found[t.id] for t in templates]


async def _policies(brand_ids: Sequence[int]) -> list[ReferralPolicy]:
    return [await policies.get(brand_id=brand_id) for brand_id in brand_ids]
