"""Reach: the brand acting on what it knows. Segments first; broadcasts, guide tasks, journeys and
conversations build on them."""
