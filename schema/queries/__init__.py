import strawberry

from schema.queries.broadcasts import BroadcastQueries
from schema.queries.conversations import ConversationQueries
from schema.queries.coupons import CouponQueries
from schema.queries.events import EventQueries
from schema.queries.fraud import FraudQueries
from schema.queries.inbox import InboxQueries
from schema.queries.insight import InsightReportQueries
from schema.queries.insights import InsightQueries
from schema.queries.journeys import JourneyQueries
from schema.queries.loyalty import LoyaltyQueries
from schema.queries.node import NodeQueries
from schema.queries.orders import OrderQueries
from schema.queries.reach import ReachQueries
from schema.queries.referral import ReferralQueries
from schema.queries.staff import StaffQueries
from schema.queries.stores import StoreQueries
from schema.queries.tasks import TaskQueries
from schema.queries.viewer import ViewerQueries


@strawberry.type(description="What a client may read. Each field says who may ask it; others get null or FORBIDDEN.")
class Query(
    ViewerQueries,
    NodeQueries,
    StoreQueries,
    ReferralQueries,
    InsightQueries,
    InsightReportQueries,
    CouponQueries,
    InboxQueries,
    LoyaltyQueries,
    OrderQueries,
    EventQueries,
    FraudQueries,
    StaffQueries,
    ReachQueries,
    BroadcastQueries,
    TaskQueries,
    JourneyQueries,
    ConversationQueries,
):
    pass


__all__ = ["Query"]
