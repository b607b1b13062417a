"""The outbox's pace per channel, and quiet hours that wrap midnight and cross a DST change."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from reach.quiet_hours import release
from server.pacing import Pacer


async def test_a_pacer_spaces_sends_evenly_at_its_rate() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))
        now[0] += seconds

    pacer = Pacer(20.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        await pacer.wait()
    assert slept == [0.05] * 4 and round(now[0], 6) == 100.2
    now[0] += 10  # idle: the next send goes at once, no burst is saved up
    await pacer.wait()
    await pacer.wait()
    assert slept == [0.05] * 5


async def test_senders_waiting_side_by_side_get_successive_slots() -> None:
    import asyncio

    now = [0.0]
    woke: list[float] = []

    async def sleep(seconds: float) -> None:
        await asyncio.sleep(0)
        woke.append(round(now[0] + seconds, 6))

    pacer = Pacer(10.0, clock=lambda: now[0], sleep=sleep)
    await asyncio.gather(*(pacer.wait() for _ in range(4)))
    assert sorted(woke) == [0.1, 0.2, 0.3]  # the first goes at once


def test_quiet_hours_wrap_midnight_and_release_at_their_end() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    at = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)  # 22:00 local
    assert release(at, zone=shanghai, quiet_from=21 * 60, quiet_to=8 * 60) == datetime(
        2026, 6, 2, 8, 0, tzinfo=shanghai
    )
    early = datetime(2026, 6, 1, 22, 30, tzinfo=UTC)  # 06:30 local, the next day
    assert release(early, zone=shanghai, quiet_from=21 * 60, quiet_to=8 * 60) == datetime(
        2026, 6, 2, 8, 0, tzinfo=shanghai
    )
    noon = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)
    assert release(noon, zone=shanghai, quiet_from=21 * 60, quiet_to=8 * 60) is None
    assert release(noon, zone=shanghai, quiet_from=None, quiet_to=None) is None
    # A window inside one day: 12:00-13:30.
    assert release(noon, zone=shanghai, quiet_from=12 * 60, quiet_to=13 * 60 + 30) == datetime(
        2026, 6, 1, 13, 30, tzinfo=shanghai
    )


def test_quiet_hours_end_at_the_local_time_across_a_dst_change() -> None:
    london = ZoneInfo("Europe/London")
    # 22:00 on Saturday 28 March 2026 (GMT); clocks go forward at 01:00 that night.
    at = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)
    ends = release(at, zone=london, quiet_from=21 * 60, quiet_to=8 * 60)
    assert ends is not None and ends.astimezone(UTC) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)  # 08:00 BST


async def test_workers_sharing_redis_draw_successive_slots_from_one_pace() -> None:
    """Two workers' pacers on one channel: six sends side by side get six successive slots of the
    one rate (by Redis's clock), not two sets of three; another channel's pace is its own."""
    import asyncio

    import redis.asyncio as aioredis

    from server.pacing import SharedPacer

    client = aioredis.from_url("redis://127.0.0.1:6379/13")
    await client.delete("test:pace:line", "test:pace:wechat")
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    try:
        one, two = (SharedPacer(client, "test:pace:line", 1.0, sleep=sleep) for _ in range(2))
        await asyncio.gather(*(pacer.wait() for pacer in (one, two, one, two, one, two)))
        assert [round(w) for w in sorted(waited)] == [1, 2, 3, 4, 5]  # the first went at once
        assert all(abs(w - round(w)) < 0.2 for w in waited)
        waited.clear()
        await SharedPacer(client, "test:pace:wechat", 1.0, sleep=sleep).wait()
        assert waited == []
    finally:
        await client.delete("test:pace:line", "test:pace:wechat")
        await client.aclose()


async def test_without_redis_a_worker_paces_on_its_own() -> None:
    import redis.asyncio as aioredis

    from server.pacing import SharedPacer

    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(round(seconds, 1))

    unreachable = aioredis.from_url("redis://127.0.0.1:1/0", socket_connect_timeout=0.2)
    pacer = SharedPacer(unreachable, "test:pace:line", 2.0, sleep=sleep)
    await pacer.wait()
    await pacer.wait()
    await unreachable.aclose()
    assert waited == [0.5]  # the local pacer's second slot, half a second on
