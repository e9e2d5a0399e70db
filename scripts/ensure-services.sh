#!/usr/bin/env bash
# Makes sure the services the tests need are up: PostgreSQL on 127.0.0.1:5432 (the case store tests run
# against it). This machine starts it before each session; a fresh CI machine may not have.
set -euo pipefail
if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then exit 0; fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "ensure-services: PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is missing (apt-get install postgresql)" >&2
  exit 1
fi
version="$(ls /etc/postgresql | sort -V | tail -n 1)"
echo "ensure-services: starting PostgreSQL ${version}" >&2
pg_ctlcluster --skip-systemctl-redirect "${version}" main start || true
for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p 5432; then exit 0; fi
  sleep 1
done
echo "ensure-services: PostgreSQL did not become ready on 127.0.0.1:5432 within 60 s" >&2
exit 1
