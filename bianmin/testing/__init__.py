"""Helpers shared by the tests of every app (plain values and functions; the fixtures are in the root conftest)."""
