"""A migration operation that runs its SQL on PostgreSQL only."""

from typing import Any

from tortoise.migrations import operations as ops


class PostgresOnlySQL(ops.RunSQL):
    """For what only the production engine has: the pre-computed report tables (PostgreSQL arrays)
    and the claim in one function call (PL/pgSQL). SQLite, the embedded default for one brand's
    data, reads the touches directly and claims step by step from Python."""

    async def _run_sql(self, state_editor: Any, sqls: Any) -> None:
        if state_editor.client.capabilities.dialect != "postgres":
            return
        await super()._run_sql(state_editor, sqls)
