"""DataLoaders, one set per request, each filtering by the caller's brand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from referral.models import Guide, Member, ReferralPolicy, Store
from referral.services import policy as policies
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


async def _policies(brand_ids: Sequence[int]) -> list[ReferralPolicy]:
    return [await policies.get(brand_id=brand_id) for brand_id in brand_ids]


