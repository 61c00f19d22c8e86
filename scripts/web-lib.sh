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
# and defines cmd_conf PORT FCGI OPT and web_launch, which run with OUTDIR set
# to the absolute OUTDIR. Then it calls web_main "$@".
#
# cmd_conf writes the port into $WEB.conf with port_text: PORT 0 leaves
# @PORT@ there, and web_main keeps that as $WEB.conf.anyport. web_launch
# starts the server on the port of $WEB.conf: it returns 0 when the server
# started, 1 when the port was in use (launch_failed), and dies otherwise.
#
# Ports: PORT 0 means any free port. None of the three servers can bind
# port 0 and say which port it got, so `start` picks one (pick_port) and,
# when the server fails with EADDRINUSE (another process took it first),
# says so on stderr and in OUTDIR/ports.log and tries another, PORT_TRIES
# times (default 8). The port it listens on is then in OUTDIR/port. A
# PORT given explicitly is never changed: in use, start fails saying so.

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
	if [ "$1" -gt 65535 ]; then die "PORT out of range: $1"; fi
}

# What cmd_conf writes for @PORT@: the port, or @PORT@ itself for 0.
port_text() {
	if [ "$1" = 0 ]; then echo @PORT@; else echo "$1"; fi
}

# A port for PORT 0: random below the kernel's ephemeral range (where bind
# to port 0 and outgoing connections take theirs), not answering now. Two
# runs may still pick the same one: start retries on EADDRINUSE.
pick_port() {
	local lo=20000 hi p
	hi=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
	case "$hi" in ''|*[!0-9]*) hi=32768 ;; esac
	hi=$((hi - 1))
	[ "$hi" -gt $((lo + 1000)) ] || { lo=1024; hi=65535; }
	for _ in 1 2 3 4 5 6 7 8; do
		p=$((lo + (RANDOM * 32768 + RANDOM) % (hi - lo + 1)))
		port_answers "$p" || break
	done
	echo "$p"
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

# The port from conf (0: any, chosen at start); dies when conf has not run.
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

# Whether the last launch failed because its port was in use: the words of
# EADDRINUSE in start.err or in what error.log got since the launch.
in_use() {
	grep -qs "Address already in use" "$OUTDIR/start.err" && return 0
	[ -f "$OUTDIR/error.log" ] &&
	    tail -c +"$((ERRLOG_MARK + 1))" "$OUTDIR/error.log" | grep -q "Address already in use"
}

# For web_launch, after the server failed: return 1 when its port was in
# use (start tries another or says so), else show why and die with MSG.
launch_failed() {
	in_use && return 1
	cat "$OUTDIR/start.err" >&2 2>/dev/null || true
	die_with_log "$1"
}

# Launch on port $1: 0 when the server runs and answers, 1 when the port
# was in use; anything else dies.
launch_at() {
	ERRLOG_MARK=$(stat -c %s "$OUTDIR/error.log" 2>/dev/null || echo 0)
	: >"$OUTDIR/start.err"
	web_launch || return 1
	wait_for_port "$1"
}

cmd_start() {
	local port i tries=${PORT_TRIES:-8}
	if [ ! -f "$OUTDIR/$WEB.conf.anyport" ]; then
		port=$(conf_port)
		already_up "$port" && return 0
		launch_at "$port" ||
		    die "127.0.0.1:$port is in use (EADDRINUSE)"
		return 0
	fi
	port=$(cat "$OUTDIR/port" 2>/dev/null || echo 0)
	if [ "$port" != 0 ] && already_up "$port"; then
		return 0
	fi
	for i in $(seq 1 "$tries"); do
		port=$(pick_port)
		sed -e "s|@PORT@|$port|g" "$OUTDIR/$WEB.conf.anyport" >"$OUTDIR/$WEB.conf"
		echo "$port" >"$OUTDIR/port"
		launch_at "$port" && return 0
		echo "$WEB.sh: 127.0.0.1:$port is in use (EADDRINUSE): another port ($i of $tries)" |
		    tee -a "$OUTDIR/ports.log" >&2
	done
	echo 0 >"$OUTDIR/port"
	die "no free port in $tries tries (EADDRINUSE each time, see $OUTDIR/ports.log)"
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
		rm -f "$OUTDIR/$WEB.conf.anyport"
		cmd_conf "$3" "$4" "${5:-}"
		if [ "$3" = 0 ]; then
			mv "$OUTDIR/$WEB.conf" "$OUTDIR/$WEB.conf.anyport"
		fi
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
