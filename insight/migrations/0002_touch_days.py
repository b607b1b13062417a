from tortoise import migrations

from foundation.postgres_only import PostgresOnlySQL


class Migration(migrations.Migration):
    dependencies = [("insight", "0001_initial")]

    initial = False

    operations = [
        PostgresOnlySQL(
            [
                # The attribution figures per local day of the brand (its zone at the refresh), per
                # store, campaign, and the member's channel and registration tag: what the series
                # filters by, but the guide (a guide's touches are few and indexed: read live).
                "CREATE TABLE insight_touch_day (brand_id INT NOT NULL, day DATE NOT NULL, store_id INT, "
                "campaign_id INT, channel VARCHAR(16), registration_tag VARCHAR(64), "
                "new_members INT NOT NULL, referred_members INT NOT NULL, purchases INT NOT NULL, "
                "revenue_cents BIGINT NOT NULL, coupons_issued INT NOT NULL, coupons_written_off INT NOT NULL, "
                "event_sign_ups INT NOT NULL, events_attended INT NOT NULL, tasks_done INT NOT NULL, "
                "tasks_followed_by_purchase INT NOT NULL)",
                "CREATE INDEX insight_touch_day_day ON insight_touch_day (brand_id, day)",
            ],
            reverse_sql=["DROP TABLE insight_touch_day"],
        ),
    ]
