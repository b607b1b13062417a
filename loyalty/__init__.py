"""One code per item: code batches, scan claims, points, campaigns, coupons and their write-off, returns."""
