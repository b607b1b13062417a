from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from events.models.events import Audience, EventStatus
from events.models.registrations import RegistrationStatus
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index
from tortoise.migrations.constraints import CheckConstraint

class Migration(migrations.Migration):
    dependencies = [('referral', '0001_initial'), ('tenancy', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Event',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('referral.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=80)),
                ('description', fields.TextField(default='', unique=False)),
                ('cover_url', fields.CharField(null=True, max_length=300)),
                ('place', fields.CharField(null=True, max_length=200)),
                ('online_url', fields.CharField(null=True, max_length=300)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('signup_opens_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('signup_closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('cancel_deadline', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('check_in_opens_minutes', fields.IntField(default=60)),
                ('capacity', fields.IntField()),
                ('allow_walk_ins', fields.BooleanField(default=False)),
                ('audience', fields.CharEnumField(default=Audience.ALL, description='ALL: all\nTAG: tag\nSTORE: store', enum_type=Audience, max_length=8)),
                ('audience_tag', fields.ForeignKeyField('referral.Tag', source_field='audience_tag_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('audience_store', fields.ForeignKeyField('referral.Store', source_field='audience_store_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('questions', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=EventStatus.DRAFT, description='DRAFT: draft\nPUBLISHED: published\nCANCELLED: cancelled', enum_type=EventStatus, max_length=10)),
                ('confirmed_count', fields.IntField(default=0)),
                ('waitlist_seq', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'event', 'app': 'events', 'constraints': [CheckConstraint(check='confirmed_count >= 0 AND confirmed_count <= capacity', name='event_within_capacity')], 'indexes': [Index(fields=['brand_id', 'starts_at'])], 'pk_attr': 'id', 'table_description': 'A community event run by HQ or by a store. Counters are kept in the row and changed by'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Invitation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('event', fields.ForeignKeyField('events.Event', source_field='event_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('guide', fields.ForeignKeyField('referral.Guide', source_field='guide_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('invited_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'invitation', 'app': 'events', 'unique_together': (('event', 'member', 'guide'),), 'pk_attr': 'id', 'table_description': 'A guide invited one of their members to an event (once per guide, event and member).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Registration',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('event', fields.ForeignKeyField('events.Event', source_field='event_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('referral.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(description='CONFIRMED: confirmed\nWAITLISTED: waitlisted\nCANCELLED: cancelled', enum_type=RegistrationStatus, max_length=10)),
                ('waitlist_position', fields.IntField(null=True)),
                ('answers', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('invited_by', fields.ForeignKeyField('referral.Guide', source_field='invited_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('ticket_code', fields.CharField(max_length=16)),
                ('signed_up_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('checked_in_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('walk_in', fields.BooleanField(default=False)),
            ],
            options={'table': 'registration', 'app': 'events', 'unique_together': (('event', 'member'), ('brand', 'ticket_code')), 'indexes': [Index(fields=['event_id', 'status', 'waitlist_position']), Index(fields=['member_id', 'signed_up_at'])], 'pk_attr': 'id', 'table_description': "One member's place at one event: unique (event, member), so a double tap signs up once."},
            bases=['Model'],
        ),
        # tortoise 1.1.9's CreateModel records check constraints but does not create them.
        ops.AddConstraint(
            model_name='Event',
            constraint=CheckConstraint(check='confirmed_count >= 0 AND confirmed_count <= capacity', name='event_within_capacity'),
        ),
        # SQLite adds the check by rebuilding the table, which drops its index: recreate it.
        ops.RunSQL(
            'CREATE INDEX IF NOT EXISTS "idx_event_brand_i_feb8b1" ON "event" ("brand_id", "starts_at")',
            reverse_sql="SELECT 1",
        ),
    ]
