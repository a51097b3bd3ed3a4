"""Helpers shared by the test modules (importable because tests/ is on the test path)."""
