#!/usr/bin/env bash
# apache.sh: Apache httpd 2.4 in front of jwtmint, for `make run WEB=apache`
# and the tests.
#
#   scripts/apache.sh conf  OUTDIR PORT FCGI [AUTHZ]  write OUTDIR/apache.conf
#                                                     from conf/apache.conf.in
#   scripts/apache.sh start OUTDIR                    start it (daemon, pid file)
#                                                     and wait until the port
#                                                     answers
#   scripts/apache.sh stop  OUTDIR                    stop it; ok when not running
#
# PORT 0: any free port, retried on EADDRINUSE; after start, OUTDIR/port
# holds it (scripts/web-lib.sh).
# FCGI is jwtmint's FastCGI address for its endpoints (mod_proxy_fcgi):
# unix:/abs/path.sock or 127.0.0.1:9000. AUTHZ is the address of the gate
# for the example API under /api/ (mod_authnz_fcgi, TCP only): HOST:PORT,
# by default FCGI when that is TCP. Apache's own errors are JSON:
# OUTDIR/jwtmint_errors.conf is a copy of conf/apache-errors.conf. Apache listens on 127.0.0.1:PORT only and
# its ServerRoot, pid file, logs, locks and cgid socket are OUTDIR. As root
# its children run as nobody (OUTDIR and the FastCGI socket must then be
# reachable by that user).
set -eu

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
TEMPLATE=$HERE/../conf/apache.conf.in

WEB=apache
WEB_CONF_OPT=AUTHZ
WEB_ZOMBIE_CHECK=1
# shellcheck source=SCRIPTDIR/web-lib.sh
. "$HERE/web-lib.sh"

find_moddir() {
	local d
	for d in "${APACHE_MODDIR:-}" /usr/lib/apache2/modules /usr/lib64/httpd/modules /usr/lib/httpd/modules; do
		if [ -n "$d" ] && [ -f "$d/mod_authnz_fcgi.so" ]; then
			echo "$d"
			return
		fi
	done
	die "no mod_authnz_fcgi.so found (set APACHE_MODDIR)"
}

check_plain() {
	case "$1" in
	*[\"\\\$\	\ \<\>\|]*|*"'"*) die "$2 must not contain spaces, quotes, '<', '>', '|', backslashes or '\$': $1" ;;
	esac
}

# HOST:PORT → fcgi://HOST:PORT/
tcp_url() {
	local host=${1%:*} port=${1##*:}
	case "$port" in ''|*[!0-9]*) return 1 ;; esac
	[ -n "$host" ] || return 1
	[ "$port" -ge 1 ] && [ "$port" -le 65535 ] || return 1
	check_plain "$host" address
	echo "fcgi://$host:$port/"
}

write_backend() {
	cat >"$OUTDIR/htdocs/api.cgi" <<'CGI'
#!/bin/sh
# Written by scripts/apache.sh: the example API behind jwtmint's gate.
# Apache ran it only after mod_authnz_fcgi's authorizer answered 200, and
# put the authorizer's Variable-JWTMINT_* headers in the environment.
esc() { printf '%s' "$1" | tr -d '\000-\037' | sed -e 's/[\\"]/\\&/g'; }
printf 'Status: 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n'
printf '{"path":"%s","subject":"%s","client":"%s","org":"%s","scope":"%s","accounts":"%s","account":"%s","remote_user":"%s","api_key_seen":%s,"request_id":"%s"}\n' \
	"$(esc "${SCRIPT_NAME:-}${PATH_INFO:-}")" "$(esc "${JWTMINT_SUBJECT:-}")" \
	"$(esc "${JWTMINT_CLIENT:-}")" "$(esc "${JWTMINT_ORG:-}")" \
	"$(esc "${JWTMINT_SCOPES:-}")" "$(esc "${JWTMINT_ACCOUNTS:-}")" \
	"$(esc "${JWTMINT_ACCOUNT:-}")" "$(esc "${REMOTE_USER:-}")" \
	"$([ -n "${HTTP_X_API_KEY:-}" ] && echo true || echo false)" \
	"$(esc "${UNIQUE_ID:-}")"
CGI
	chmod 755 "$OUTDIR/htdocs/api.cgi"
}

cmd_conf() {
	local port=$1 fcgi=$2 authz=$3 user="" group proxy authz_url moddir
	check_port "$port"
	check_plain "$OUTDIR" OUTDIR
	# unix socket paths are limited to 107 bytes (cgid.sock).
	[ ${#OUTDIR} -le 90 ] || die "OUTDIR is too long for the cgid socket (${#OUTDIR} > 90): $OUTDIR"
	case "$fcgi" in
	unix:/*)
		check_plain "$fcgi" FCGI
		proxy="${fcgi}|fcgi://localhost/"
		[ -n "$authz" ] || die "FCGI is a unix socket: give AUTHZ, a TCP HOST:PORT (mod_authnz_fcgi speaks TCP only)"
		;;
	unix:*) die "FCGI unix socket path must be absolute: $fcgi" ;;
	*:*)
		proxy=$(tcp_url "$fcgi") || die "FCGI must be unix:/abs/path.sock or HOST:PORT: $fcgi"
		[ -n "$authz" ] || authz=$fcgi
		;;
	*) die "FCGI must be unix:/abs/path.sock or HOST:PORT: $fcgi" ;;
	esac
	authz_url=$(tcp_url "$authz") || die "AUTHZ must be HOST:PORT (mod_authnz_fcgi speaks TCP only): $authz"
	moddir=$(find_moddir)
	[ -r "$TEMPLATE" ] || die "template not found: $TEMPLATE"
	group=$(nobody_group)
	[ -z "$group" ] || user="User nobody\\nGroup $group"
	mkdir -p "$OUTDIR/htdocs"
	sed -e "s|@OUTDIR@|$(sed_escape "$OUTDIR")|g" \
	    -e "s|@PORT@|$(port_text "$port")|g" \
	    -e "s|@MODDIR@|$(sed_escape "$moddir")|g" \
	    -e "s|@PROXY@|$(sed_escape "$proxy")|g" \
	    -e "s|@AUTHZ@|$(sed_escape "$authz_url")|g" \
	    -e "s|@USER@|$user|g" \
	    "$TEMPLATE" >"$OUTDIR/apache.conf.tmp"
	mv "$OUTDIR/apache.conf.tmp" "$OUTDIR/apache.conf"
	write_backend
	cp "$HERE/../conf/apache-errors.conf" "$OUTDIR/jwtmint_errors.conf"
	echo "$port" >"$OUTDIR/port"
}

web_launch() {
	local apache
	apache=$(find_server APACHE "install apache2 (apache2-bin has every module used)" apache2 httpd)
	if [ "$(id -u)" = 0 ]; then
		# Children run as nobody: they must reach OUTDIR and the script.
		chmod o+x "$OUTDIR"
	fi
	# -E: errors before ErrorLog is open go here, not to /var/log.
	"$apache" -t -f "$OUTDIR/apache.conf" -E "$OUTDIR/start.err" >/dev/null 2>&1 ||
		{ "$apache" -t -f "$OUTDIR/apache.conf" >&2 2>&1 || true
		  cat "$OUTDIR/start.err" >&2 2>/dev/null || true
		  die "bad configuration $OUTDIR/apache.conf"; }
	# -k start: the parent binds, detaches, writes its pid file and serves.
	"$apache" -f "$OUTDIR/apache.conf" -E "$OUTDIR/start.err" -k start >/dev/null 2>&1 ||
		launch_failed "apache failed to start"
}

web_main "$@"
