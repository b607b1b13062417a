from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

async def tag_members(apps, schema_editor) -> None:
    """Members registered before the tag had its own column: copy it from their registration touch."""
    if schema_editor.collect_sql:
        return
    await schema_editor.client.execute_script(
        "UPDATE member SET registration_tag = (SELECT t.campaign FROM touch t WHERE t.member_id = member.id "
        "AND t.kind = 'registration' AND t.campaign IS NOT NULL ORDER BY t.id LIMIT 1) WHERE registered_at IS NOT NULL"
    )


class Migration(migrations.Migration):
    dependencies = [('referral', '0004_fingerprints')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Member',
            name='registration_tag',
            field=fields.CharField(null=True, max_length=64),
        ),
        ops.AddField(
            model_name='Touch',
            name='campaign_id',
            field=fields.IntField(null=True),
        ),
        ops.RunPython(tag_members, ops.RunPython.noop),
    ]
