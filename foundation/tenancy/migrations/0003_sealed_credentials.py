from tortoise import migrations
from tortoise.migrations import operations as ops

from foundation.tenancy.sealing import PREFIX, SealedField, vault

COLUMNS = ("wechat_secret", "line_channel_secret", "line_channel_access_token")


class AlterColumnType(ops.AlterField):
    """SQLite changes a column's declared type by rebuilding the table, and the brand table cannot
    be dropped while every other table refers to it. SQLite does not enforce VARCHAR lengths, so
    there the change is to the migration state only; PostgreSQL alters the column in place."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor and state_editor.client.capabilities.dialect != "sqlite":
            await super().database_forward(app_label, old_state, new_state, state_editor)

    async def database_backward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor and state_editor.client.capabilities.dialect != "sqlite":
            await super().database_backward(app_label, old_state, new_state, state_editor)


async def seal_stored(apps, schema_editor) -> None:
    """Credentials stored before sealing existed are sealed under this process's first key."""
    if schema_editor.collect_sql:
        return
    client = schema_editor.client
    value, id_ = ("?", "?") if client.capabilities.dialect == "sqlite" else ("$1", "$2")
    for row in await client.execute_query_dict(f"SELECT id, {', '.join(COLUMNS)} FROM brand"):
        for column in COLUMNS:
            if row[column] is not None and not row[column].startswith(PREFIX):
                await client.execute_query(f"UPDATE brand SET {column} = {value} WHERE id = {id_}",
                                           [vault().seal(row[column]), row["id"]])


class Migration(migrations.Migration):
    dependencies = [('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates')]

    initial = False

    operations = [
        *(AlterColumnType(model_name='Brand', name=column, field=SealedField(null=True, unique=False))
          for column in COLUMNS),
        ops.RunPython(seal_stored, ops.RunPython.noop),
    ]
