"""Stores, guides, members, referral chains, attribution and customer profiles."""
