"""The ground floor every package stands on: brands as tenants (`tenancy`), settings, session tokens
and roles (`auth`), rate limits, metrics, logs, the CPU pool, and the WeChat and LINE clients
(`integrations`). It imports no domain, no `schema/` and no `server/`."""
