#!/bin/sh
# PostgreSQL init script (docker-entrypoint-initdb.d): create the rectrack store's role
# and database next to Temporal's. Runs only when the data directory is first created.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v rectrack_password="$RECTRACK_DB_PASSWORD" <<'SQL'
CREATE ROLE rectrack LOGIN PASSWORD :'rectrack_password';
CREATE DATABASE rectrack OWNER rectrack;
SQL
