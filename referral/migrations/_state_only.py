"""A migration operation that changes only tortoise's picture of a field, not the table."""

from tortoise.migrations import operations as ops


class AlterFieldState(ops.AlterField):
    """A new enum value changes only the field's description: a varchar needs no DDL, and SQLite's
    generated table rebuild would drop the table's unique constraints."""

    async def database_forward(self, *args, **kwargs):
        return None

    async def database_backward(self, *args, **kwargs):
        return None
