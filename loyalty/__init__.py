"""One code per item: code batches, scan claims, points; (coming) campaigns, coupons and write-off."""
