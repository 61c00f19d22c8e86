#!/usr/bin/env bash
# pg.sh: a private PostgreSQL cluster for `make run` and the integration tests.
#
#   scripts/pg.sh init  DIR           initdb in DIR/data (once; idempotent)
#   scripts/pg.sh start DIR [--fast]  start it (idempotent), create database jwtmint
#   scripts/pg.sh stop  DIR           stop it (fast shutdown); ok when not running
#   scripts/pg.sh url   DIR [ROLE]    print the libpq conninfo of database jwtmint:
#                                     as the superuser (psql, tests that tamper
#                                     on purpose), or ROLE owner (migrations:
#                                     database_migrate_url) or app (jwtmint at
#                                     run time: database_url)
#
# Invariants: the cluster listens on no TCP port (listen_addresses = ''), only
# on the unix socket DIR/.s.PGSQL.5432, so it never collides with another
# PostgreSQL on this host. Authentication is "trust" for the superuser jwtmint:
# this is a throwaway cluster for development and tests, never production.
# --fast turns durability off (fsync, synchronous_commit, full_page_writes).
# initdb refuses to run as root: as root the cluster is owned by and run as the
# `postgres` OS user, and DIR is chowned to it.
set -eu

PORT=5432
DB=jwtmint
SUPERUSER=jwtmint
OWNER=jwtmint_owner
APP=jwtmint_app

die() { echo "pg.sh: $*" >&2; exit 1; }
usage() {
	echo "usage: pg.sh init DIR | start DIR [--fast] | stop DIR | url DIR [owner|app]" >&2
	exit 2
}

find_bindir() {
	local d
	if [ -n "${PG_BINDIR:-}" ]; then
		[ -x "$PG_BINDIR/pg_ctl" ] || die "PG_BINDIR=$PG_BINDIR has no pg_ctl"
		echo "$PG_BINDIR"
		return
	fi
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
	if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then
		echo "$d"
		return
	fi
	if command -v pg_ctl >/dev/null 2>&1; then
		dirname "$(command -v pg_ctl)"
		return
	fi
	die "no PostgreSQL server binaries (pg_ctl) found: install postgresql (apt-get install postgresql)"
}

# Run a server binary as the cluster's owner: `postgres` when we are root.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# Make DIR absolute without requiring it to exist yet.
absdir() {
	local d=$1 parent
	case "$d" in
	/*) ;;
	*) d="$(pwd -P)/$d" ;;
	esac
	parent=$(dirname "$d")
	if [ -d "$parent" ]; then
		parent=$(cd "$parent" && pwd -P)
		d="${parent%/}/$(basename "$d")"
	fi
	printf '%s\n' "$d" | sed -e 's#/\./#/#g' -e 's#//*#/#g'
}

# The libpq conninfo for DIR: values with unusual characters are quoted.
conninfo() {
	local host=$1 user=$2
	case "$host" in
	*[!A-Za-z0-9/._+-]*)
		host=$(printf '%s' "$host" | sed "s/[\\\\']/\\\\&/g")
		host="'$host'"
		;;
	esac
	printf 'host=%s port=%s dbname=%s user=%s\n' "$host" "$PORT" "$DB" "$user"
}

is_running() {
	# pg_ctl status: 0 running, 3 not running, 4 no data directory.
	as_owner "$BINDIR/pg_ctl" status -D "$DATA" >/dev/null 2>&1
}

check_reachable() {
	# The owner must be able to reach DIR (a parent with mode 0700 owned by
	# root would stop it): say so clearly instead of failing deep in initdb.
	if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -w "$DIR"; then
		die "user postgres cannot write to $DIR (check the modes of its parent directories)"
	fi
}

cmd_init() {
	mkdir -p "$DIR"
	if [ "$(id -u)" = 0 ]; then
		id postgres >/dev/null 2>&1 || die "running as root needs the OS user postgres (initdb refuses root)"
		chown postgres: "$DIR"
		[ -d "$DATA" ] && chown -R postgres: "$DATA"
	fi
	check_reachable
	if [ -f "$DATA/PG_VERSION" ]; then
		return 0
	fi
	[ -e "$DATA" ] && [ -n "$(ls -A "$DATA" 2>/dev/null)" ] &&
		die "$DATA exists, is not empty and is not a PostgreSQL cluster"
	(cd "$DIR" && as_owner "$BINDIR/initdb" --nosync -A trust -U "$SUPERUSER" \
		-E UTF8 --no-locale -D "$DATA" >"$DIR/initdb.log" 2>&1) ||
		{ cat "$DIR/initdb.log" >&2; die "initdb failed in $DATA (log: $DIR/initdb.log)"; }
	# No TCP at all; the socket lives in DIR. Settings passed on the command
	# line at start win over these, so both agree.
	cat >>"$DATA/postgresql.conf" <<EOF

# --- written by scripts/pg.sh ---
listen_addresses = ''
port = $PORT
max_connections = 200
unix_socket_directories = '$(printf '%s' "$DIR" | sed "s/'/''/g")'
EOF
}

wait_socket() {
	for _ in $(seq 1 100); do
		if "$BINDIR/pg_isready" -q -h "$DIR" -p "$PORT" -d postgres -U "$SUPERUSER" 2>/dev/null; then
			return 0
		fi
		sleep 0.1
	done
	die "PostgreSQL in $DATA does not answer on $DIR/.s.PGSQL.$PORT (log: $DIR/postgres.log)"
}

sql() {	# $1 = database, $2 = SQL: one row's columns, |-separated
	"$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h "$DIR" -p "$PORT" -U "$SUPERUSER" \
		-d "$1" -tAc "$2"
}

create_roles() {
	sql postgres "DO \$\$ BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$OWNER') THEN
		CREATE ROLE $OWNER LOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$APP') THEN
		CREATE ROLE $APP LOGIN;
	END IF;
	END \$\$" >/dev/null || die "cannot create the roles $OWNER and $APP (log: $DIR/postgres.log)"
}

create_db() {
	local have
	have=$(sql postgres "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '$DB'") ||
		die "cannot query the cluster in $DATA (log: $DIR/postgres.log)"
	if [ -z "$have" ]; then
		"$BINDIR/createdb" -h "$DIR" -p "$PORT" -U "$SUPERUSER" -O "$OWNER" "$DB" ||
			die "createdb $DB failed (log: $DIR/postgres.log)"
	elif [ "$have" != "$OWNER" ]; then
		adopt
	fi
}

# A database of an earlier version of this script (everything owned by the
# superuser): give it and every table, view and function of its public
# schema to the owner role, so that it can migrate (sequences follow their
# tables).
adopt() {
	sql "$DB" "ALTER DATABASE $DB OWNER TO $OWNER;
	DO \$\$ DECLARE r record; BEGIN
	FOR r IN SELECT c.oid::regclass AS t FROM pg_class c
	    JOIN pg_namespace n ON n.oid = c.relnamespace
	    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
	    AND pg_get_userbyid(c.relowner) <> '$OWNER' LOOP
		EXECUTE format('ALTER TABLE %s OWNER TO $OWNER', r.t);
	END LOOP;
	FOR r IN SELECT p.oid::regprocedure AS f FROM pg_proc p
	    JOIN pg_namespace n ON n.oid = p.pronamespace
	    WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '$OWNER' LOOP
		EXECUTE format('ALTER FUNCTION %s OWNER TO $OWNER', r.f);
	END LOOP;
	END \$\$" >/dev/null || die "cannot hand database $DB over to $OWNER (log: $DIR/postgres.log)"
}

cmd_start() {
	local fast=$1 opts
	[ -f "$DATA/PG_VERSION" ] || die "no cluster in $DATA: run 'pg.sh init $DIR' first"
	check_reachable
	if ! is_running; then
		opts="-k '$DIR' -p $PORT -c listen_addresses= -c max_connections=200"
		if [ "$fast" = 1 ]; then
			opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
		fi
		(cd "$DIR" && as_owner "$BINDIR/pg_ctl" start -w -t 30 -D "$DATA" \
			-l "$DIR/postgres.log" -o "$opts" >/dev/null) ||
			{ tail -n 20 "$DIR/postgres.log" >&2 2>/dev/null || true
			  die "pg_ctl start failed for $DATA (log: $DIR/postgres.log)"; }
	fi
	wait_socket
	create_roles
	create_db
}

cmd_stop() {
	if [ ! -f "$DATA/PG_VERSION" ]; then
		return 0
	fi
	if ! is_running; then
		return 0
	fi
	(cd "$DIR" && as_owner "$BINDIR/pg_ctl" stop -w -t 30 -m fast -D "$DATA" >/dev/null) ||
		die "pg_ctl stop failed for $DATA (log: $DIR/postgres.log)"
}

[ $# -ge 2 ] || usage
CMD=$1
DIR=$(absdir "$2")
DIR=${DIR%/}
[ -n "$DIR" ] || die "DIR must not be /"
DATA=$DIR/data
shift 2

FAST=0
USER_OF_URL=$SUPERUSER
for a in "$@"; do
	case "$CMD:$a" in
	start:--fast) FAST=1 ;;
	url:owner) USER_OF_URL=$OWNER ;;
	url:app) USER_OF_URL=$APP ;;
	*) echo "pg.sh: unexpected argument: $a" >&2; usage ;;
	esac
done

case "$CMD" in
url)
	conninfo "$DIR" "$USER_OF_URL"
	exit 0
	;;
init|start|stop) ;;
*) usage ;;
esac

# unix socket paths are limited to 107 bytes.
[ ${#DIR} -le 90 ] || die "DIR is too long for a unix socket path (${#DIR} > 90): $DIR"

BINDIR=$(find_bindir)
case "$CMD" in
init) cmd_init ;;
start) cmd_start "$FAST" ;;
stop) cmd_stop ;;
esac
