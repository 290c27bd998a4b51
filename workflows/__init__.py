"""Durable workflows: thin shells over the domain state (no I/O, no time zones)."""
