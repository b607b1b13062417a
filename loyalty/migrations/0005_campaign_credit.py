from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

# What earlier releases granted through campaign rules, credited to those rules after the fact.
# Text concatenation is || on both engines; the touch's source names its record ("coupon:12").
BACKFILL = (
    "UPDATE coupon SET campaign_id = (SELECT MIN(r.campaign_id) FROM reward r WHERE r.coupon_id = coupon.id) "
    "WHERE campaign_id IS NULL",
    "UPDATE coupon SET campaign_id = (SELECT MIN(s.campaign_id) FROM step_reward s WHERE s.coupon_id = coupon.id) "
    "WHERE campaign_id IS NULL",
    "UPDATE points_entry SET campaign_id = (SELECT MIN(r.campaign_id) FROM reward r WHERE r.points_entry_id = points_entry.id) "
    "WHERE campaign_id IS NULL",
    "UPDATE touch SET campaign_id = (SELECT c.campaign_id FROM coupon c WHERE 'coupon:' || c.id = touch.source) "
    "WHERE kind = 'coupon_issued' AND campaign_id IS NULL",
    "UPDATE touch SET campaign_id = (SELECT c.campaign_id FROM coupon c WHERE 'writeoff:' || c.id = touch.source) "
    "WHERE kind = 'coupon_written_off' AND campaign_id IS NULL",
    "UPDATE touch SET campaign_id = (SELECT MIN(r.campaign_id) FROM reward r WHERE 'claim:' || r.claim_id = touch.source) "
    "WHERE kind = 'purchase' AND campaign_id IS NULL",
    "UPDATE touch SET campaign_id = (SELECT MIN(r.campaign_id) FROM reward r WHERE 'return:' || r.claim_id = touch.source) "
    "WHERE kind = 'purchase_reversed' AND campaign_id IS NULL",
)


class AddForeignKeyOnce(ops.AddField):
    """SQLite cannot drop a column that references another table, so unapplying this migration there
    leaves the column in place; applying it again then finds it and only records the state."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor and state_editor.client.capabilities.dialect == "sqlite" and not state_editor.collect_sql:
            table = {"Coupon": "coupon", "PointsEntry": "points_entry"}[self.model_name]
            columns = await state_editor.client.execute_query_dict(f"PRAGMA table_info({table})")
            if any(c["name"] == f"{self.name}_id" for c in columns):
                return
        await super().database_forward(app_label, old_state, new_state, state_editor)


async def credit_campaigns(apps, schema_editor) -> None:
    if schema_editor.collect_sql:
        return
    for statement in BACKFILL:
        await schema_editor.client.execute_script(statement)


class Migration(migrations.Migration):
    dependencies = [('loyalty', '0004_event_step_rewards'), ('referral', '0004_fingerprints'), ('referral', '0005_report_dimensions')]

    initial = False

    operations = [
        AddForeignKeyOnce(
            model_name='Coupon',
            name='campaign',
            field=fields.ForeignKeyField('loyalty.Campaign', source_field='campaign_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        AddForeignKeyOnce(
            model_name='PointsEntry',
            name='campaign',
            field=fields.ForeignKeyField('loyalty.Campaign', source_field='campaign_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT),
        ),
        ops.RunPython(credit_campaigns, ops.RunPython.noop),
    ]
