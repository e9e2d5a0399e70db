#!/usr/bin/env bash
# Makes sure the services the tests need are up: PostgreSQL on 127.0.0.1:5432 (the case store and fleet
# tests run against it) and Redis on 127.0.0.1:6379 (the fleet's BullMQ queue tests). This machine starts
# them before each session; a fresh CI machine may not have.
set -euo pipefail

ensure_postgres() {
  if pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then return 0; fi
  if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    echo "ensure-services: PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is missing (apt-get install postgresql)" >&2
    return 1
  fi
  local version
  version="$(ls /etc/postgresql | sort -V | tail -n 1)"
  echo "ensure-services: starting PostgreSQL ${version}" >&2
  pg_ctlcluster --skip-systemctl-redirect "${version}" main start || true
  for _ in $(seq 1 60); do
    if pg_isready -q -h 127.0.0.1 -p 5432; then return 0; fi
    sleep 1
  done
  echo "ensure-services: PostgreSQL did not become ready on 127.0.0.1:5432 within 60 s" >&2
  return 1
}

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then return 0; fi
  if ! command -v redis-server >/dev/null 2>&1; then
    echo "ensure-services: Redis is not running on 127.0.0.1:6379 and redis-server is missing (apt-get install redis-server)" >&2
    return 1
  fi
  echo "ensure-services: starting Redis" >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 30); do
    if redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then return 0; fi
    sleep 1
  done
  echo "ensure-services: Redis did not answer PING on 127.0.0.1:6379 within 30 s (see /var/log/redis/ci.log)" >&2
  return 1
}

ensure_postgres
ensure_redis
