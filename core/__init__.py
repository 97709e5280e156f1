"""Shared helpers every app may use: the one domain error and its form and API helpers."""
