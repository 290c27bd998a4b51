"""The application service layer: one function per action, shared by the CLI and the API."""
