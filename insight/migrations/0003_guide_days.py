from tortoise import migrations

from foundation.postgres_only import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("insight", "0002_touch_days")]

    initial = False

    operations = [
        PostgresOnlySQL(
            [
                # The attribution figures per local day, guide and store: attribution by guide for HQ
                # (summed over stores) and for a store manager (their store), read from a year of
                # these instead of every touch.
                "CREATE TABLE insight_guide_day (brand_id INT NOT NULL, day DATE NOT NULL, guide_id INT, "
                "store_id INT, new_members INT NOT NULL, referred_members INT NOT NULL, purchases INT NOT NULL, "
                "revenue_cents BIGINT NOT NULL, coupons_issued INT NOT NULL, coupons_written_off INT NOT NULL, "
                "event_sign_ups INT NOT NULL, events_attended INT NOT NULL, tasks_done INT NOT NULL, "
                "tasks_followed_by_purchase INT NOT NULL)",
                "CREATE INDEX insight_guide_day_day ON insight_guide_day (brand_id, day)",
            ],
            reverse_sql=["DROP TABLE insight_guide_day"],
        ),
    ]
