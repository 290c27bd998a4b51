"""The store: sqlmodel tables, engine, the event projection and read queries.

Used by activities (writes) and the CLI (reads); never imported by workflows.
"""
