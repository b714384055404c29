#!/usr/bin/env bash
# First start of the PostgreSQL container: one database (and owner) for Airflow's metadata,
# one for the crm-hub store. Passwords come from the environment (.env), never from files.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" \
  -v airflow_pw="$AIRFLOW_DB_PASSWORD" -v crmhub_pw="$CRMHUB_DB_PASSWORD" <<'SQL'
CREATE ROLE airflow LOGIN PASSWORD :'airflow_pw';
CREATE DATABASE airflow OWNER airflow;
CREATE ROLE crmhub LOGIN PASSWORD :'crmhub_pw';
CREATE DATABASE crmhub OWNER crmhub;
SQL
