"""Activities: every piece of I/O the workflows need (store, notices, time zones)."""
