"""What members are told: the texts of every notice kind, per locale, in the brand's time zone."""
