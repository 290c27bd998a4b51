"""The `rectrack` command line: parsing, loading files, rendering, the local dev stack."""
