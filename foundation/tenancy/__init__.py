"""Brands as tenants: every row in the system belongs to exactly one brand."""
