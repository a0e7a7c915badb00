#!/usr/bin/env bash
# Start a local PostgreSQL (Debian package) on 127.0.0.1:5432 with a rumorlens user and test DB.
# Idempotent: safe to run when the server is already up.
set -euo pipefail
ver=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$ver main"; then
  pg_createcluster "$ver" main >/dev/null
fi
pg_ctlcluster "$ver" main start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
su postgres -c "psql -qtc \"SELECT 1 FROM pg_roles WHERE rolname='rumorlens'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE ROLE rumorlens LOGIN SUPERUSER PASSWORD 'rumorlens'\""
su postgres -c "psql -qtc \"SELECT 1 FROM pg_database WHERE datname='rumorlens_test'\"" | grep -q 1 ||
  su postgres -c "psql -qc \"CREATE DATABASE rumorlens_test OWNER rumorlens\""
echo "postgres ready: postgresql://rumorlens:rumorlens@127.0.0.1:5432/rumorlens_test"
