import strawberry

from schema.queries.insights import InsightQueries
from schema.queries.referral import ReferralQueries
from schema.queries.stores import StoreQueries
from schema.queries.viewer import ViewerQueries


@strawberry.type
class Query(ViewerQueries, StoreQueries, ReferralQueries, InsightQueries):
    pass


__all__ = ["Query"]
