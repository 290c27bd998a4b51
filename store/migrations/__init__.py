"""Alembic migrations of the store, shipped inside the package.

`store.migrate` runs them (no alembic.ini: the configuration is built in code), and
`rectrack db upgrade` / `rectrack db revision` are their command line. Each file under
`versions/` is one schema change, in order, from the schema as first released; the helpers
in `store.migrations.steps` keep each step safe to run on a store that already has part of
it (stores upgraded by hand before Alembic).
"""
