from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('referral', '0001_initial'), ('referral', '0002_outbox'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Message',
            name='handed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
