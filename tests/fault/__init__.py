"""Fault injection for integration tests: see tests/fault/proxy.py."""
