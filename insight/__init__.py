"""What HQ reads every week beyond attribution: who its members are (demographics), and how they
buy over time (cohorts, repurchase). Reads referral's members and touches; owns no tables yet."""
