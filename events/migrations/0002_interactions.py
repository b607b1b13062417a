from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from events.models.interactions import InteractionKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('events', '0001_initial'), ('referral', '0002_outbox'), ('tenancy', '0002_wechat_templates')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Interaction',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('event', fields.ForeignKeyField('events.Event', source_field='event_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='POLL: poll\nQUIZ: quiz\nDRAW: draw', enum_type=InteractionKind, max_length=8)),
                ('question', fields.CharField(max_length=200)),
                ('options', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('correct_option', fields.IntField(null=True)),
                ('prize_count', fields.IntField(default=0)),
                ('seed', fields.CharField(null=True, max_length=64)),
                ('winners', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('drawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'interaction', 'app': 'events', 'pk_attr': 'id', 'table_description': "One interaction. A draw commits to its seed when created (only the seed's SHA-256 is shown)"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='InteractionAnswer',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('interaction', fields.ForeignKeyField('events.Interaction', source_field='interaction_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('option', fields.IntField()),
                ('correct', fields.BooleanField(null=True)),
                ('answered_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'interaction_answer', 'app': 'events', 'unique_together': (('interaction', 'member'),), 'pk_attr': 'id', 'table_description': "A member's answer: unique (interaction, member), so each member answers once."},
            bases=['Model'],
        ),
    ]
