#!/usr/bin/env bash
# Installs PostgreSQL from the distribution's packages when it is missing (idempotent; as root on
# Debian/Ubuntu). No cluster is created or started here: scripts/postgres-server runs a private one on
# loopback for the tests.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "install-postgres: PostgreSQL is missing; run this as root on Debian/Ubuntu to install it" >&2
    exit 1
fi
# the package would create and start a system cluster ("main"); the tests run their own
mkdir -p /etc/postgresql-common
if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-postgres: installing postgresql from the distribution" >&2
apt-get -o DPkg::Lock::Timeout=600 update -q >&2
apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends postgresql >&2
ls /usr/lib/postgresql/*/bin/initdb >/dev/null
