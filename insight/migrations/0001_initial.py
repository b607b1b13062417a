from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

from foundation.postgres_only import PostgresOnlySQL

class Migration(migrations.Migration):
    dependencies = [('tenancy', '0001_initial'), ('tenancy', '0002_wechat_templates'), ('tenancy', '0003_sealed_credentials'), ('tenancy', '0004_allowed_origins'), ('tenancy', '0005_regional_settings'), ('tenancy', '0006_platform_tokens'), ('tenancy', '0007_wechat_push')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Snapshot',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.OneToOneField('tenancy.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('refreshed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('zone', fields.CharField(max_length=64)),
                ('buyers', fields.IntField()),
                ('took_ms', fields.IntField()),
            ],
            options={'table': 'insight_snapshot', 'app': 'insight', 'pk_attr': 'id', 'table_description': "A brand's last refresh: the member-level reports read the tables as they were then."},
            bases=['Model'],
        ),
        PostgresOnlySQL(
            [
                # One row per member who bought or returned: every purchase and return in time order
                # ("at"), the running net count and revenue before and after each ("net", "cents":
                # one longer, starting at 0), and the purchases alone ("bought"). A period's figures
                # are differences found by binary search (width_bucket), whatever the period.
                "CREATE TABLE insight_member_purchases (brand_id INT NOT NULL, member_id INT NOT NULL, "
                "at TIMESTAMPTZ[] NOT NULL, net INT[] NOT NULL, cents BIGINT[] NOT NULL, "
                "bought TIMESTAMPTZ[] NOT NULL, total_net INT NOT NULL, total_cents BIGINT NOT NULL, "
                "PRIMARY KEY (brand_id, member_id))",
                # Cohort cells by registration month (the brand's calendar) and months since (-1: the
                # cohort's size), per origin store, guide serving them and channel, for the filters.
                "CREATE TABLE insight_cohort_cell (brand_id INT NOT NULL, month DATE NOT NULL, "
                "since SMALLINT NOT NULL, origin_store_id INT, guide_id INT, channel VARCHAR(16), "
                "buyers INT NOT NULL, again INT NOT NULL, cents BIGINT NOT NULL)",
                "CREATE INDEX insight_cohort_cell_month ON insight_cohort_cell (brand_id, month)",
            ],
            reverse_sql=["DROP TABLE insight_cohort_cell", "DROP TABLE insight_member_purchases"],
        ),
    ]
