#!/usr/bin/env bash
# Starts the local PostgreSQL, Redis and RabbitMQ the test suite talks to, when they are down.
set -euo pipefail

wait_for() {  # wait_for NAME COMMAND...
  local name=$1; shift
  for _ in $(seq 1 30); do "$@" >/dev/null 2>&1 && return 0; sleep 1; done
  echo "error: $name did not come up" >&2; return 1
}

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q; }
if ! pg_up; then
  echo "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  wait_for PostgreSQL pg_up
fi

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG; }
if command -v redis-server >/dev/null && ! redis_up; then
  echo "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  wait_for Redis redis_up
fi

rabbitmq_up() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }
if command -v rabbitmq-server >/dev/null && ! rabbitmq_up; then
  echo "starting RabbitMQ"
  rabbitmq-server -detached
  wait_for RabbitMQ rabbitmq_up
fi
