"""Session tokens, password hashing, roles and the caller a request acts as. Who may sign in and how
(members, staff accounts) lives in `access/`."""
