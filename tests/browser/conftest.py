"""Browser tests use the Playwright fixtures in tests/conftest.py (one browser per run)."""
