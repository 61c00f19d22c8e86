#!/usr/bin/env bash
# nginx.sh: nginx in front of jwtmint's FastCGI, for `make run` and the tests.
#
#   scripts/nginx.sh conf  OUTDIR PORT FCGI  write OUTDIR/nginx.conf from
#                                            conf/nginx.conf.in
#   scripts/nginx.sh start OUTDIR            start it in the background and
#                                            wait until the port answers
#   scripts/nginx.sh stop  OUTDIR            stop it; ok when not running
#
# FCGI is jwtmint's FastCGI address: unix:/abs/path.sock or 127.0.0.1:9000.
# nginx listens on 127.0.0.1:PORT only. Everything it writes (pid, logs, temp
# files) stays in OUTDIR. As root, its workers run as nobody:nogroup (OUTDIR
# and the FastCGI socket must then be reachable by that user).
set -eu

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
TEMPLATE=$HERE/../conf/nginx.conf.in

die() { echo "nginx.sh: $*" >&2; exit 1; }
usage() {
	echo "usage: nginx.sh conf OUTDIR PORT FCGI | start OUTDIR | stop OUTDIR" >&2
	exit 2
}

find_nginx() {
	if [ -n "${NGINX:-}" ]; then
		echo "$NGINX"
	elif [ -x /usr/sbin/nginx ]; then
		echo /usr/sbin/nginx
	elif command -v nginx >/dev/null 2>&1; then
		command -v nginx
	else
		die "nginx not found: install nginx-light (apt-get install nginx-light)"
	fi
}

absdir() {
	mkdir -p "$1" || die "cannot create $1"
	(cd "$1" && pwd -P)
}

# Escape a value for the replacement side of sed s|...|...|.
sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

cmd_conf() {
	local port=$1 fcgi=$2 user="" group
	case "$port" in
	''|*[!0-9]*) die "PORT must be a number: $port" ;;
	esac
	if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then die "PORT out of range: $port"; fi
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
	if [ "$(id -u)" = 0 ]; then
		group=$(id -gn nobody 2>/dev/null) || die "running as root needs the OS user nobody"
		user="user nobody $group;"
	fi
	mkdir -p "$OUTDIR/tmp"
	sed -e "s|@OUTDIR@|$(sed_escape "$OUTDIR")|g" \
	    -e "s|@PORT@|$port|g" \
	    -e "s|@FCGI@|$(sed_escape "$fcgi")|g" \
	    -e "s|@USER@|$user|g" \
	    "$TEMPLATE" >"$OUTDIR/nginx.conf.tmp"
	mv "$OUTDIR/nginx.conf.tmp" "$OUTDIR/nginx.conf"
	sed -e "s|@OUTDIR@|$(sed_escape "$OUTDIR")|g" \
	    "$HERE/../conf/nginx-gate-forward.conf.in" >"$OUTDIR/jwtmint_gate_forward"
	echo '{"pong":true}' >"$OUTDIR/ping.json"
	echo "$port" >"$OUTDIR/port"
}

# The pid of the running master, or nothing.
running_pid() {
	local pid
	[ -f "$OUTDIR/nginx.pid" ] || return 0
	pid=$(cat "$OUTDIR/nginx.pid" 2>/dev/null || true)
	case "$pid" in
	''|*[!0-9]*) return 0 ;;
	esac
	if kill -0 "$pid" 2>/dev/null; then
		echo "$pid"
	fi
}

port_answers() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

cmd_start() {
	local nginx port
	[ -f "$OUTDIR/nginx.conf" ] || die "no $OUTDIR/nginx.conf: run 'nginx.sh conf' first"
	port=$(cat "$OUTDIR/port" 2>/dev/null) || die "no $OUTDIR/port: run 'nginx.sh conf' first"
	nginx=$(find_nginx)
	if [ -n "$(running_pid)" ]; then
		port_answers "$port" && return 0
	fi
	if [ "$(id -u)" = 0 ]; then
		# Workers run as nobody: they must reach OUTDIR.
		chmod o+x "$OUTDIR"
	fi
	# -e: the error log before the configuration is read (not /var/log).
	"$nginx" -q -t -p "$OUTDIR/" -e "$OUTDIR/error.log" -c "$OUTDIR/nginx.conf" 2>"$OUTDIR/start.err" ||
		{ cat "$OUTDIR/start.err" >&2; die "bad configuration $OUTDIR/nginx.conf"; }
	# daemon on: the master forks, writes its pid file and returns.
	"$nginx" -p "$OUTDIR/" -e "$OUTDIR/error.log" -c "$OUTDIR/nginx.conf" 2>"$OUTDIR/start.err" ||
		{ cat "$OUTDIR/start.err" >&2; tail -n 5 "$OUTDIR/error.log" >&2 2>/dev/null || true
		  die "nginx failed to start (log: $OUTDIR/error.log)"; }
	for _ in $(seq 1 100); do
		if port_answers "$port"; then
			return 0
		fi
		sleep 0.05
	done
	tail -n 5 "$OUTDIR/error.log" >&2 2>/dev/null || true
	die "nginx does not answer on 127.0.0.1:$port (log: $OUTDIR/error.log)"
}

cmd_stop() {
	local pid
	pid=$(running_pid)
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true	# fast shutdown
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	echo "nginx.sh: nginx $pid did not stop in 5 s, killed" >&2
}

[ $# -ge 2 ] || usage
CMD=$1
case "$CMD" in
conf)
	[ $# -eq 4 ] || usage
	OUTDIR=$(absdir "$2")
	cmd_conf "$3" "$4"
	;;
start)
	[ $# -eq 2 ] || usage
	[ -d "$2" ] || die "no such directory: $2"
	OUTDIR=$(absdir "$2")
	cmd_start
	;;
stop)
	[ $# -eq 2 ] || usage
	[ -d "$2" ] || exit 0
	OUTDIR=$(absdir "$2")
	cmd_stop
	;;
*) usage ;;
esac
