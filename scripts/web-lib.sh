# shellcheck shell=bash
# web-lib.sh: what scripts/nginx.sh, lighttpd.sh and apache.sh share, the
# helpers and the command line `conf OUTDIR PORT FCGI [OPT] | start OUTDIR |
# stop OUTDIR`. Each script sets, then sources this file:
#
#   WEB               its server: nginx, lighttpd or apache. Messages start
#                     with "$WEB.sh: "; in OUTDIR the server's configuration
#                     is $WEB.conf, its pid file $WEB.pid, its log error.log,
#                     and the file port holds the port it listens on.
#   WEB_CONF_OPT      the name of conf's optional last argument, or empty
#                     when conf takes none.
#   WEB_ZOMBIE_CHECK  1: a zombie server (exited, left for a parent that
#                     does not reap) counts as stopped; 0: as running.
#
# and defines cmd_conf PORT FCGI OPT and cmd_start, which run with OUTDIR set
# to the absolute OUTDIR. Then it calls web_main "$@".

die() { echo "$WEB.sh: $*" >&2; exit 1; }
usage() {
	echo "usage: $WEB.sh conf OUTDIR PORT FCGI${WEB_CONF_OPT:+ [$WEB_CONF_OPT]} | start OUTDIR | stop OUTDIR" >&2
	exit 2
}

# find_server VAR HINT NAME...: the server's binary. The environment
# variable VAR when set, else /usr/sbin/NAME (the first), else the first NAME
# on PATH; none: die "NAME not found: HINT".
find_server() {
	local var=$1 hint=$2 name
	shift 2
	if [ -n "${!var:-}" ]; then
		echo "${!var}"
		return
	elif [ -x "/usr/sbin/$1" ]; then
		echo "/usr/sbin/$1"
		return
	fi
	for name in "$@"; do
		if command -v "$name" >/dev/null 2>&1; then
			command -v "$name"
			return
		fi
	done
	die "$1 not found: $hint"
}

absdir() {
	mkdir -p "$1" || die "cannot create $1"
	(cd "$1" && pwd -P)
}

# Escape a value for the replacement side of sed s|...|...|.
sed_escape() { printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'; }

# As root, the group of the OS user nobody, whom the server's workers run as;
# otherwise nothing.
nobody_group() {
	[ "$(id -u)" = 0 ] || return 0
	id -gn nobody 2>/dev/null || die "running as root needs the OS user nobody"
}

check_port() {
	case "$1" in
	''|*[!0-9]*) die "PORT must be a number: $1" ;;
	esac
	if [ "$1" -lt 1 ] || [ "$1" -gt 65535 ]; then die "PORT out of range: $1"; fi
}

# Whether process $1 runs (see WEB_ZOMBIE_CHECK).
alive() {
	local st
	kill -0 "$1" 2>/dev/null || return 1
	[ "$WEB_ZOMBIE_CHECK" = 1 ] || return 0
	st=$(sed -e 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 0
	[ "$st" != Z ]
}

# The pid of the running server (from its pid file), or nothing.
running_pid() {
	local pid
	[ -f "$OUTDIR/$WEB.pid" ] || return 0
	pid=$(cat "$OUTDIR/$WEB.pid" 2>/dev/null || true)
	case "$pid" in
	''|*[!0-9]*) return 0 ;;
	esac
	if alive "$pid"; then
		echo "$pid"
	fi
}

port_answers() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The port from conf; dies when conf has not been run.
conf_port() {
	[ -f "$OUTDIR/$WEB.conf" ] || die "no $OUTDIR/$WEB.conf: run '$WEB.sh conf' first"
	cat "$OUTDIR/port" 2>/dev/null || die "no $OUTDIR/port: run '$WEB.sh conf' first"
}

# Whether the server runs and answers on port $1: start has nothing to do.
already_up() {
	[ -n "$(running_pid)" ] && port_answers "$1"
}

# Die with MSG and the end of the server's log.
die_with_log() {
	tail -n 5 "$OUTDIR/error.log" >&2 2>/dev/null || true
	die "$1 (log: $OUTDIR/error.log)"
}

# Wait up to 5 s until the server answers on port $1.
wait_for_port() {
	for _ in $(seq 1 100); do
		if port_answers "$1"; then
			return 0
		fi
		sleep 0.05
	done
	die_with_log "$WEB does not answer on 127.0.0.1:$1"
}

# TERM (nginx: fast shutdown; Apache: stop now, children included), and KILL
# after 5 s.
cmd_stop() {
	local pid
	pid=$(running_pid)
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 1 100); do
		alive "$pid" || return 0
		sleep 0.05
	done
	kill -KILL "$pid" 2>/dev/null || true
	echo "$WEB.sh: $WEB $pid did not stop in 5 s, killed" >&2
}

web_main() {
	[ $# -ge 2 ] || usage
	case "$1" in
	conf)
		[ $# -eq 4 ] || { [ -n "$WEB_CONF_OPT" ] && [ $# -eq 5 ]; } || usage
		OUTDIR=$(absdir "$2")
		cmd_conf "$3" "$4" "${5:-}"
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
}
