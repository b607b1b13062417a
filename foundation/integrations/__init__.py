"""Clients of WeChat and LINE, built once per process and shared by sign-in and messaging."""
