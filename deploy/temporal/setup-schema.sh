#!/bin/sh
# One-shot job `temporal-schema` of docker-compose.yml (image temporalio/admin-tools):
# creates Temporal's two PostgreSQL databases and brings their schemas to the version this
# admin-tools image ships, which is the one the temporalio/server image of the same tag
# expects (docker-compose.yml pins both to the same version). Every step is idempotent,
# so the job runs on every `docker compose up`: `create` leaves an existing database
# alone, `setup-schema -v 0.0` leaves an already versioned schema alone, and
# `update-schema` applies only the versions a database does not have yet (which is how a
# Temporal upgrade migrates it).
set -eu

: "${POSTGRES_SEEDS:?POSTGRES_SEEDS (the PostgreSQL host) is required}"
: "${POSTGRES_USER:?POSTGRES_USER is required}"
: "${SQL_PASSWORD:?SQL_PASSWORD (the password of POSTGRES_USER) is required}"
port=${DB_PORT:-5432}
schemas=/etc/temporal/schema/postgresql/v12
tries=30

attempt=1
until nc -z -w 5 "$POSTGRES_SEEDS" "$port"; do
    if [ "$attempt" -ge "$tries" ]; then
        echo "schema: PostgreSQL at $POSTGRES_SEEDS:$port did not answer ($tries tries)" >&2
        exit 1
    fi
    echo "schema: waiting for PostgreSQL at $POSTGRES_SEEDS:$port (try $attempt/$tries)"
    attempt=$((attempt + 1))
    sleep 2
done

sql_tool() {
    temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "$port" \
        -u "$POSTGRES_USER" "$@"
}

for pair in temporal:temporal temporal_visibility:visibility; do
    database=${pair%%:*}
    directory=${pair#*:}
    echo "schema: database $database"
    sql_tool --db "$database" create
    sql_tool --db "$database" setup-schema -v 0.0
    sql_tool --db "$database" update-schema -d "$schemas/$directory/versioned"
done
echo "schema: Temporal's databases are at the version this image ships"
