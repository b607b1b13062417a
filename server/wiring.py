"""How a domain reaches the domains above it, built once here at the top and passed to the services
that need it. A domain never imports one above it (tests/test_layers.py): referral's member merge,
data export and erasure reach loyalty's and events' rows through MemberData, and an event step
reaches loyalty's campaigns through StepReached. The app puts both in each request's context; the
CLI and tests take them from here."""

from __future__ import annotations

from dataclasses import dataclass

from events.services import member_data as event_member_data
from events.steps import StepReached
from loyalty.services import member_data as loyalty_member_data, merging as loyalty_merging, step_rewards
from reach import member_data as reach_member_data
from referral.services.member_data import MemberData


@dataclass(frozen=True)
class Wiring:
    member_data: MemberData
    on_event_step: StepReached


def wire() -> Wiring:
    return Wiring(
        member_data=MemberData(
            move=(loyalty_merging.move_member, event_member_data.move_member, reach_member_data.move),
            export=(loyalty_member_data.export, event_member_data.export, reach_member_data.export),
            erase=(loyalty_member_data.erase, event_member_data.erase, reach_member_data.erase),
        ),
        on_event_step=step_rewards.reward,
    )
