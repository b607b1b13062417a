from tortoise import migrations
from tortoise.migrations import operations as ops
from loyalty.models.campaigns import Beneficiary, Trigger
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0003_campaigns_points_lots'), ('referral', '0001_initial'), ('referral', '0002_outbox'), ('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StepReward',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('campaign', fields.ForeignKeyField('loyalty.Campaign', source_field='campaign_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('step', fields.CharField(max_length=64)),
                ('beneficiary', fields.CharEnumField(description='MEMBER: member\nGUIDE: guide\nINVITER: inviter', enum_type=Beneficiary, max_length=8)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('points', fields.IntField(default=0)),
                ('coupon', fields.ForeignKeyField('loyalty.Coupon', source_field='coupon_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('shortfall', fields.CharField(null=True, max_length=40)),
                ('granted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'step_reward', 'app': 'loyalty', 'unique_together': (('campaign', 'step', 'beneficiary'),), 'indexes': [Index(fields=['member_id', 'granted_at'])], 'pk_attr': 'id', 'table_description': 'What a campaign granted for an event step (a sign-up, a check-in, an answer), once per'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Campaign',
            name='trigger',
            field=fields.CharEnumField(default=Trigger.CLAIM, description='CLAIM: claim\nEVENT_SIGN_UP: event_sign_up\nEVENT_CHECK_IN: event_check_in\nEVENT_INTERACTION: event_interaction', enum_type=Trigger, max_length=20),
        ),
    ]
