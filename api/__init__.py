"""The rectrack HTTP API (FastAPI): see api.app.create_app."""
