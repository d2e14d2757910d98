#!/bin/sh
# Install PHP (CLI) and Debian's WordPress package: the oracle for cmsbridge's block parser tests
# (tests/php_oracle.py loads wp-includes/class-wp-block-parser.php and blocks.php from it).
# Idempotent: does nothing when `php` and /usr/share/wordpress are already there. Debian/Ubuntu, as root.
# The trailing "apache2-bin-" and "libapache2-mod-php8.2-" keep apt from pulling in Apache.
set -eu

WP_ROOT="${CMSBRIDGE_WP_ROOT:-/usr/share/wordpress}"

if command -v php >/dev/null 2>&1 && [ -f "$WP_ROOT/wp-includes/class-wp-block-parser.php" ]; then
    echo "install-php: php $(php -r 'echo PHP_VERSION;') and WordPress at $WP_ROOT already installed"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "install-php: run as root (apt-get install needs it)" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=600 update
# The package line known to install WordPress 6.1 without Apache on Debian 12 (see docs of the test servers).
apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
    wordpress mariadb-server mariadb-client php-cli php-mysql php-xml php-mbstring php-curl php-gd \
    php-intl php-zip libapache2-mod-php8.2- apache2-bin-

php -r 'echo "install-php: php ", PHP_VERSION, "\n";'
test -f "$WP_ROOT/wp-includes/class-wp-block-parser.php"
echo "install-php: WordPress block parser at $WP_ROOT/wp-includes/class-wp-block-parser.php"
