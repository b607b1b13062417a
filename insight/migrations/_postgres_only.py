"""A migration operation that runs its SQL on PostgreSQL only."""

from tortoise.migrations import operations as ops


class PostgresOnlySQL(ops.RunSQL):
    """The pre-computed tables use PostgreSQL arrays; SQLite, the embedded default for one brand's
    data, reads the touches directly and has no such tables."""

    async def _run_sql(self, state_editor, sqls):
        if state_editor.client.capabilities.dialect != "postgres":
            return None
        return await super()._run_sql(state_editor, sqls)
