"""A launch-day load test: a realistic mix of mini-program, guide and HQ requests through HTTP
GraphQL against `scrm serve --workers N` on PostgreSQL. Run `python -m bench.load --help`."""
