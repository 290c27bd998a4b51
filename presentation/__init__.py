"""Presentation shared by the terminal (`cli/`) and the dashboard (`api/dashboard/`).

It sits below both, so neither front end imports the other: it may read domain and store
types, never `api` or `cli` (tests/unit/test_architecture.py holds it to that).
"""
