#!/bin/sh
# install-deps.sh: install the Debian 12 packages jwtmint needs to build,
# run and test, when any is missing. A fast no-op when all are there.
# Uses sudo when not root. Called by `make run` and `make test`; with
# the argument deb by `make deb` and `make deb-check`.
set -eu

PKGS="build-essential pkg-config clang libclang-rt-14-dev
libfcgi-dev libjwt-dev libssl-dev libpq-dev libjansson-dev libargon2-dev
postgresql postgresql-client nginx-light spawn-fcgi wrk curl
lighttpd lighttpd-modules-lua apache2-bin systemd util-linux python3-requests
python3 python3-jwt python3-jwcrypto python3-authlib python3-cryptography
golang-go golang-golang-x-oauth2-dev python3-requests-oauthlib mandoc
openssl libapache2-mod-auth-openidc
prometheus python3-prometheus-client
chromium chromium-driver python3-selenium
valgrind"
# `install-deps.sh deb`: also what make deb and make deb-check need (not
# make test or make run).
if [ "${1:-}" = deb ]; then
	PKGS="$PKGS dpkg-dev debhelper lintian debootstrap fakeroot"
fi

missing=""
for p in $PKGS; do
	# dpkg-query is fast (no network): only ask apt when something is missing.
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
# Node.js and npm run the OpenAPI validator of make test (tests/openapi/);
# any install that provides both commands will do (Debian's or another).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
	missing="$missing nodejs npm"
fi
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || {
		echo "install-deps: not root and no sudo: install$missing by hand" >&2
		exit 1
	}
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
# Installing postgresql or nginx must not start system instances we would
# collide with: policy-rc.d 101 forbids service starts during this install.
# libapache2-mod-auth-openidc needs apache2-bin only (no service, no
# /etc/apache2 enabling without the apache2 package); the tests load it
# with their own LoadModule line.
prc=/usr/sbin/policy-rc.d
made_prc=0
if [ ! -e "$prc" ]; then
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$prc" >/dev/null
	$SUDO chmod 755 "$prc"
	made_prc=1
fi
rc=0
$SUDO apt-get update -qq || rc=$?
if [ $rc = 0 ]; then
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing || rc=$?
fi
[ $made_prc = 1 ] && $SUDO rm -f "$prc"
exit $rc
