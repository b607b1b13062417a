"""Who is calling: sign-in of members (WeChat, LINE, development) and staff, staff accounts, and the
caller a session token names. Stands on `foundation` (tokens, passwords, brands) and `referral`
(members, identities, stores)."""
