#!/bin/sh
# Install nginx (Debian's nginx-light): the tests load the redirect maps `cmsbridge redirects --format
# nginx` prints into a real nginx on loopback. Idempotent; Debian/Ubuntu, as root. The service is not
# started: the tests run their own nginx with their own configuration.
set -eu

if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    echo "install-nginx: $(/usr/sbin/nginx -v 2>&1) already installed"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-nginx: run as root (apt-get install needs it)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update
apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends nginx-light
/usr/sbin/nginx -v
