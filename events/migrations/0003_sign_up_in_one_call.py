"""A sign-up's place in one call on PostgreSQL: events_sign_up() does what events.services.signups
does step by step under the event's row lock, in one round trip instead of five. The lock is held
until COMMIT, so every round trip inside it is time every other member of a full event waits: the
caller runs the step's campaigns before this call, so that the lock spans the call and COMMIT.
tests/events/test_sign_up_paths.py runs the same sign-ups through both and compares every row they
write: change one, change both.

Written by hand (PL/pgSQL is not generated); a later change is a new migration that replaces the
function, so that a database migrated at any point holds the function its code expects.
"""

from tortoise import migrations

from foundation.postgres_only import PostgresOnlySQL

# Outcomes: EVENT_CANCELLED and EVENT_NOT_OPEN (nothing written), EXISTING (signed up already: that
# registration, nothing written) or SIGNED_UP (the registration written, with its touch).
SIGN_UP = r"""
CREATE OR REPLACE FUNCTION events_sign_up(
  p_brand integer, p_event integer, p_member integer, p_answers jsonb, p_now timestamptz, p_ticket text,
  p_invited integer, OUT p_outcome text, OUT p_registration registration
) LANGUAGE plpgsql AS $fn$
DECLARE
  e event;
  v_seat boolean;
  v_guide integer;
  v_store integer;
BEGIN
  SELECT * INTO e FROM event WHERE id = p_event FOR NO KEY UPDATE;
  IF e.status = 'cancelled' THEN
    p_outcome := 'EVENT_CANCELLED';
    RETURN;
  END IF;
  IF e.status <> 'published' OR NOT (e.signup_opens_at <= p_now AND p_now < e.signup_closes_at) THEN
    p_outcome := 'EVENT_NOT_OPEN';
    RETURN;
  END IF;
  SELECT * INTO p_registration FROM registration WHERE event_id = p_event AND member_id = p_member;
  IF FOUND AND p_registration.status <> 'cancelled' THEN
    p_outcome := 'EXISTING';
    RETURN;
  END IF;
  v_seat := e.confirmed_count < e.capacity;
  UPDATE event SET confirmed_count = confirmed_count + CASE WHEN v_seat THEN 1 ELSE 0 END,
    waitlist_seq = waitlist_seq + CASE WHEN v_seat THEN 0 ELSE 1 END
    WHERE id = p_event;
  IF p_registration.id IS NOT NULL THEN
    -- Signing up again after cancelling: the same row, back in line.
    UPDATE registration SET status = CASE WHEN v_seat THEN 'confirmed' ELSE 'waitlisted' END,
      answers = p_answers, signed_up_at = p_now, confirmed_at = CASE WHEN v_seat THEN p_now END,
      cancelled_at = NULL, invited_by_id = p_invited,
      waitlist_position = CASE WHEN v_seat THEN NULL ELSE e.waitlist_seq + 1 END
      WHERE id = p_registration.id
      RETURNING * INTO p_registration;
  ELSE
    INSERT INTO registration (brand_id, event_id, member_id, status, waitlist_position, answers, invited_by_id,
      ticket_code, signed_up_at, confirmed_at, cancelled_at, checked_in_at, walk_in)
    VALUES (p_brand, p_event, p_member, CASE WHEN v_seat THEN 'confirmed' ELSE 'waitlisted' END,
      CASE WHEN v_seat THEN NULL ELSE e.waitlist_seq + 1 END, p_answers, p_invited, p_ticket, p_now,
      CASE WHEN v_seat THEN p_now END, NULL, NULL, FALSE)
    RETURNING * INTO p_registration;
  END IF;
  -- The touch: the inviting guide (p_invited, read by the caller), else the guide bound to the member now
  -- (referral.services.attribution.guide_at); a guide's touch counts for the guide's store.
  IF p_invited IS NOT NULL THEN
    v_guide := p_invited;
  ELSE
    SELECT gb.guide_id, gb.store_id INTO v_guide, v_store
    FROM (SELECT 1) AS x LEFT JOIN guide_binding gb ON gb.id = (
      SELECT id FROM guide_binding WHERE brand_id = p_brand AND member_id = p_member AND started_at <= p_now
      ORDER BY started_at DESC, id DESC LIMIT 1) AND (gb.ended_at IS NULL OR gb.ended_at > p_now);
  END IF;
  IF v_guide IS NULL THEN
    v_store := NULL;
  ELSIF v_store IS NULL THEN
    SELECT store_id INTO v_store FROM guide WHERE id = v_guide;
  END IF;
  INSERT INTO touch (brand_id, member_id, kind, occurred_at, guide_id, store_id, event_ref, amount_cents, source)
  VALUES (p_brand, p_member, 'event_sign_up', p_now, v_guide, v_store, 'event:' || p_event, 0,
    'signup:' || p_registration.id || ':' || floor(extract(epoch FROM p_now))::bigint)
  ON CONFLICT DO NOTHING;
  p_outcome := 'SIGNED_UP';
END
$fn$
"""


class Migration(migrations.Migration):
    dependencies = [("events", "0002_interactions"), ("referral", "0019_touch_product_line")]

    initial = False

    operations = [
        PostgresOnlySQL(
            [SIGN_UP],
            reverse_sql=["DROP FUNCTION events_sign_up(integer, integer, integer, jsonb, timestamptz, text, integer)"],
        ),
    ]
