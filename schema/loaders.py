"""DataLoaders, one set per request, each filtering by the caller's brand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from events.services import interactions
from loyalty.services import coupons
from referral.models import Guide, Member, ReferralPolicy, Store
from referral.services import policy as policies, profiles, tags
from server.tenancy.models import Brand

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
    def __init__(self, *, brand_id: int | None) -> None:
        self.brand: DataLoader[int, Brand | None] = _by_id(Brand, brand_id, brand_field="id")
        self.store: DataLoader[int, Store | None] = _by_id(Store, brand_id)
        self.member: DataLoader[int, Member | None] = _by_id(Member, brand_id)
        self.guide: DataLoader[int, Guide | None] = _by_id(Guide, brand_id)
        self.policy: DataLoader[int, ReferralPolicy] = DataLoader(load_fn=_policies)
        self.profile_stats: DataLoader[int, profiles.Stats] = DataLoader(load_fn=self._stats)
        self.member_tags: DataLoader[int, list[str]] = DataLoader(load_fn=self._tags)
        self.coupons_issued: DataLoader[int, int] = DataLoader(load_fn=_coupons_issued)
        self.answer_counts: DataLoader[int, Counter[int]] = DataLoader(load_fn=_answer_counts)
        self._brand_id = brand_id

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


async def _coupons_issued(template_ids: Sequence[int]) -> list[int]:
    found = await coupons.issued_counts(template_ids)
    return [found[t] for t in template_ids]


async def _policies(brand_ids: Sequence[int]) -> list[ReferralPolicy]:
    return [await policies.get(brand_id=brand_id) for brand_id in brand_ids]


