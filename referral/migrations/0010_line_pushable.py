from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('referral', '0009_inbound_messages'), ('tenancy', '0007_wechat_push')]

    initial = False

    operations = [
        ops.AddField(
            model_name='MemberIdentity',
            name='pushable',
            field=fields.BooleanField(null=True),
        ),
    ]
