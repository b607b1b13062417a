"""Composition root: ASGI app, settings, sign-in, integrations and the command line."""
