#!/usr/bin/env bash
# nginx.sh: nginx in front of jwtmint's FastCGI, for `make run` and the tests.
#
#   scripts/nginx.sh conf  OUTDIR PORT FCGI  write OUTDIR/nginx.conf from
#                                            conf/nginx.conf.in
#   scripts/nginx.sh start OUTDIR            start it in the background and
#                                            wait until the port answers
#   scripts/nginx.sh stop  OUTDIR            stop it; ok when not running
#
# PORT 0: any free port, retried on EADDRINUSE; after start, OUTDIR/port
# holds it (scripts/web-lib.sh).
# FCGI is jwtmint's FastCGI address: unix:/abs/path.sock or 127.0.0.1:9000.
# PLATFORM_PORT and PLATFORM_FCGI (both, or neither) add a second server
# block on 127.0.0.1:PLATFORM_PORT in front of jwtmint's platform listener
# (conf/nginx-platform.conf.in).
# Beside nginx.conf it writes jwtmint_gate_forward (conf/nginx-gate-forward.conf.in)
# and jwtmint_errors (conf/nginx-errors.conf: nginx's own errors as JSON).
# KEEP_CONN=on (default off) keeps FastCGI connections open and reuses them
# (fastcgi_keep_conn on, upstream keepalive); off opens one per request.
# nginx listens on 127.0.0.1:PORT only. Everything it writes (pid, logs, temp
# files) stays in OUTDIR. As root, its workers run as nobody:nogroup (OUTDIR
# and the FastCGI socket must then be reachable by that user).
set -eu

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
TEMPLATE=$HERE/../conf/nginx.conf.in

WEB=nginx
WEB_CONF_OPT=
WEB_ZOMBIE_CHECK=0
# shellcheck source=SCRIPTDIR/web-lib.sh
. "$HERE/web-lib.sh"

cmd_conf() {
	local port=$1 fcgi=$2 user="" group keep=${KEEP_CONN:-off} keepalive=""
	check_port "$port"
	case "$keep" in
	on) keepalive="keepalive 64;" ;;
	off) ;;
	*) die "KEEP_CONN must be on or off" ;;
	esac
	case "$fcgi" in
	unix:/*) ;;
	unix:*) die "FCGI unix socket path must be absolute: $fcgi" ;;
	*:*[!0-9]*|*:) die "FCGI must be unix:/abs/path.sock or HOST:PORT: $fcgi" ;;
	*:*) ;;
	*) die "FCGI must be unix:/abs/path.sock or HOST:PORT: $fcgi" ;;
	esac
	case "$OUTDIR$fcgi" in
	*[\;\{\}\"\'\ \	]*) die "OUTDIR and FCGI must not contain spaces, quotes, ';' or braces" ;;
	esac
	[ -r "$TEMPLATE" ] || die "template not found: $TEMPLATE"
	group=$(nobody_group)
	[ -z "$group" ] || user="user nobody $group;"
	mkdir -p "$OUTDIR/tmp"
	sed -e "s|@OUTDIR@|$(sed_escape "$OUTDIR")|g" \
	    -e "s|@PORT@|$(port_text "$port")|g" \
	    -e "s|@FCGI@|$(sed_escape "$fcgi")|g" \
	    -e "s|@USER@|$user|g" \
	    -e "s|@KEEPCONN@|$keep|g" \
	    -e "s|@KEEPALIVE@|$keepalive|g" \
	    "$TEMPLATE" >"$OUTDIR/nginx.conf.tmp"
	mv "$OUTDIR/nginx.conf.tmp" "$OUTDIR/nginx.conf"
	sed -e "s|@OUTDIR@|$(sed_escape "$OUTDIR")|g" \
	    "$HERE/../conf/nginx-gate-forward.conf.in" >"$OUTDIR/jwtmint_gate_forward"
	cp "$HERE/../conf/nginx-errors.conf" "$OUTDIR/jwtmint_errors"
	: >"$OUTDIR/platform.conf"
	if [ -n "${PLATFORM_PORT:-}${PLATFORM_FCGI:-}" ]; then
		check_port "${PLATFORM_PORT:-}"
		[ "$PLATFORM_PORT" -ge 1 ] || die "PLATFORM_PORT must be 1 to 65535"
		case "${PLATFORM_FCGI:-}" in
		unix:/*|127.0.0.1:[0-9]*) ;;
		*) die "PLATFORM_FCGI must be unix:/abs/path.sock or 127.0.0.1:PORT" ;;
		esac
		case "$PLATFORM_FCGI" in
		*[\;\{\}\"\'\ \	]*) die "PLATFORM_FCGI must not contain spaces, quotes, ';' or braces" ;;
		esac
		sed -e "s|@OUTDIR@|$(sed_escape "$OUTDIR")|g" \
		    -e "s|@PLATFORM_PORT@|$PLATFORM_PORT|g" \
		    -e "s|@PLATFORM_FCGI@|$(sed_escape "$PLATFORM_FCGI")|g" \
		    "$HERE/../conf/nginx-platform.conf.in" >"$OUTDIR/platform.conf"
	fi
	echo '{"pong":true}' >"$OUTDIR/ping.json"
	echo "$port" >"$OUTDIR/port"
}

web_launch() {
	local nginx
	nginx=$(find_server NGINX "install nginx-light (apt-get install nginx-light)" nginx)
	if [ "$(id -u)" = 0 ]; then
		# Workers run as nobody: they must reach OUTDIR.
		chmod o+x "$OUTDIR"
	fi
	# nginx never removes a unix socket it listened on: one left by a
	# start that failed (or a crash) would make every later start fail.
	[ -n "$(running_pid)" ] || rm -f "$OUTDIR/backend.sock"
	# -e: the error log before the configuration is read (not /var/log).
	"$nginx" -q -t -p "$OUTDIR/" -e "$OUTDIR/error.log" -c "$OUTDIR/nginx.conf" 2>"$OUTDIR/start.err" ||
		{ cat "$OUTDIR/start.err" >&2; die "bad configuration $OUTDIR/nginx.conf"; }
	# daemon on: the master binds, forks, writes its pid file and returns
	# (after 5 tries 0.5 s apart when the port is in use).
	"$nginx" -p "$OUTDIR/" -e "$OUTDIR/error.log" -c "$OUTDIR/nginx.conf" 2>"$OUTDIR/start.err" ||
		launch_failed "nginx failed to start"
}

web_main "$@"
