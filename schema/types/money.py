"""Money as the API gives it: a whole number of the currency's minor unit, with the currency, so a
client formats it (Intl.NumberFormat) without guessing where the decimal point goes."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from foundation.tenancy import regional
from schema.scalars import MinorUnits


@strawberry.type(description="An amount of money in the brand's currency.")
class Money:
    amount: MinorUnits = strawberry.field(
        description="In the currency's minor unit: 29900 is 299.00 CNY, and 2990 is 2,990 JPY."
    )
    currency: str = strawberry.field(description="ISO 4217 code, such as CNY or JPY.")
    digits: int = strawberry.field(description="How many of the amount's digits are after the decimal point.")


async def money(info: Info, amount: int) -> Money:
    """`amount` in the caller's brand's currency (every figure a caller reads is their brand's)."""
    brand = await info.context.loaders.brand.load(info.context.caller.brand_id)
    settings = regional.of(brand)
    return Money(amount=MinorUnits(amount), currency=settings.currency, digits=settings.currency_digits)
