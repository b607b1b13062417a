"""Sign-in (WeChat, LINE, staff, development), session tokens and roles."""
