#!/usr/bin/env bash
# lighttpd.sh: lighttpd in front of jwtmint, for `make run WEB=lighttpd` and
# the tests.
#
#   scripts/lighttpd.sh conf  OUTDIR PORT FCGI [CONF]  write OUTDIR/lighttpd.conf
#                                                      from conf/lighttpd.conf.in
#   scripts/lighttpd.sh start OUTDIR                   start it (daemonized, pid
#                                                      file) and wait until the
#                                                      port answers
#   scripts/lighttpd.sh stop  OUTDIR                   stop it; ok when not running
#
# PORT 0: any free port, retried on EADDRINUSE; after start, OUTDIR/port
# holds it (scripts/web-lib.sh).
# FCGI is jwtmint's FastCGI address, unix:/abs/path.sock or 127.0.0.1:9000:
# jwtmint's endpoints, and the example API under /api/ behind the gate
# (mod_fastcgi "mode" => "authorizer", docs/GATE.md). Or FCGI is
# cgi:/abs/path/to/jwtmint and CONF its configuration file: every request
# runs jwtmint once as plain CGI (mod_cgi), without the gate.
# lighttpd's own errors are JSON: OUTDIR/errors/ holds a copy of
# conf/lighttpd-errors/ (server.errorfile-prefix).
# lighttpd listens on 127.0.0.1:PORT only. Everything it writes (pid, logs,
# temp files, the example backend) stays in OUTDIR. As root it runs as
# nobody (OUTDIR, the FastCGI socket, and in CGI mode the binary, CONF and
# its secrets must then be reachable by that user).
set -eu

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
TEMPLATE=$HERE/../conf/lighttpd.conf.in

WEB=lighttpd
WEB_CONF_OPT=CONF
WEB_ZOMBIE_CHECK=1
# shellcheck source=SCRIPTDIR/web-lib.sh
. "$HERE/web-lib.sh"

# Values end up inside "..." in lighttpd's configuration.
check_plain() {
	case "$1" in
	*[\"\\\$\	\ ]*|*"'"*) die "$2 must not contain spaces, quotes, backslashes or '\$': $1" ;;
	esac
}

write_backend() {
	# The example API behind the gate: echoes what jwtmint's /check told
	# lighttpd (Variable-* → environment), as a backend would receive it.
	cat >"$OUTDIR/htdocs/api.cgi" <<'CGI'
#!/bin/sh
# Written by scripts/lighttpd.sh: the example API behind jwtmint's gate.
# lighttpd ran it only after the FastCGI authorizer answered 200, and put
# the authorizer's Variable-JWTMINT_* headers in the environment.
esc() { printf '%s' "$1" | tr -d '\000-\037' | sed -e 's/[\\"]/\\&/g'; }
printf 'Status: 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n\r\n'
printf '{"path":"%s","subject":"%s","client":"%s","org":"%s","scope":"%s","accounts":"%s","account":"%s"}\n' \
	"$(esc "${SCRIPT_NAME:-}${PATH_INFO:-}")" "$(esc "${JWTMINT_SUBJECT:-}")" \
	"$(esc "${JWTMINT_CLIENT:-}")" "$(esc "${JWTMINT_ORG:-}")" \
	"$(esc "${JWTMINT_SCOPES:-}")" "$(esc "${JWTMINT_ACCOUNTS:-}")" \
	"$(esc "${JWTMINT_ACCOUNT:-}")"
CGI
	cat >"$OUTDIR/jwtmint_account.lua" <<'LUA'
-- Written by scripts/lighttpd.sh. JWTMINT_ACCOUNT for jwtmint's gate: the
-- first "account" parameter of the query string, percent-decoded. Runs at
-- the raw-URL stage, before the FastCGI authorizer builds its environment.
-- An error here is a 500: never a request that skips the check.
local q = lighty.r.req_attr["uri.query"]
if q ~= nil and q ~= "" then
	for pair in string.gmatch(q, "[^&]+") do
		local k, v = string.match(pair, "^([^=]*)=?(.*)$")
		if lighty.c.urldec(k) == "account" then
			v = lighty.c.urldec(v)
			if v ~= "" then
				lighty.r.req_env["JWTMINT_ACCOUNT"] = v
			end
			break
		end
	end
end
-- jwtmint's own cookies (the login page's session and binding) never reach
-- the application behind the gate on the same origin.
local c = lighty.r.req_header["Cookie"]
if c ~= nil then
	local keep = {}
	for pair in string.gmatch(c, "[^;]+") do
		local name = string.match(pair, "^%s*([^=]*)")
		if name ~= "jwtmint_session" and name ~= "jwtmint_login" and
		    name ~= "__Host-jwtmint_session" and name ~= "__Host-jwtmint_login" then
			keep[#keep + 1] = string.match(pair, "^%s*(.-)%s*$")
		end
	end
	if #keep > 0 then
		lighty.r.req_header["Cookie"] = table.concat(keep, "; ")
	else
		lighty.r.req_header["Cookie"] = nil
	end
end
return 0
LUA
	chmod 644 "$OUTDIR/htdocs/api.cgi" "$OUTDIR/jwtmint_account.lua"
}

cmd_conf() {
	local port=$1 fcgi=$2 cgiconf=$3 user="" group jw="" keep drop
	local cgibin="" cginame="" host fport
	check_port "$port"
	check_plain "$OUTDIR" OUTDIR
	case "$fcgi" in
	cgi:/*)
		cgibin=${fcgi#cgi:}
		[ -x "$cgibin" ] || die "not an executable: $cgibin"
		[ -n "$cgiconf" ] || die "cgi: mode needs CONF, the configuration file"
		case "$cgiconf" in /*) ;; *) die "CONF must be an absolute path: $cgiconf" ;; esac
		check_plain "$cgibin" FCGI
		check_plain "$cgiconf" CONF
		cginame=${cgibin##*/}
		keep=CGI drop=FASTCGI
		;;
	unix:/*)
		check_plain "$fcgi" FCGI
		jw="\"socket\" => \"${fcgi#unix:}\""
		keep=FASTCGI drop=CGI
		;;
	unix:*) die "FCGI unix socket path must be absolute: $fcgi" ;;
	*:*)
		host=${fcgi%:*} fport=${fcgi##*:}
		case "$fport" in ''|*[!0-9]*) die "FCGI must be unix:/abs/path.sock, HOST:PORT or cgi:/abs/jwtmint: $fcgi" ;; esac
		check_plain "$host" FCGI
		[ -n "$host" ] || die "FCGI has no host: $fcgi"
		jw="\"host\" => \"$host\", \"port\" => $fport"
		keep=FASTCGI drop=CGI
		;;
	*) die "FCGI must be unix:/abs/path.sock, HOST:PORT or cgi:/abs/jwtmint: $fcgi" ;;
	esac
	[ -n "$cgiconf" ] && [ "$keep" != CGI ] && die "CONF is for cgi: mode only"
	[ -r "$TEMPLATE" ] || die "template not found: $TEMPLATE"
	group=$(nobody_group)
	[ -z "$group" ] || user="server.username = \"nobody\"\\nserver.groupname = \"$group\""
	mkdir -p "$OUTDIR/tmp" "$OUTDIR/htdocs"
	sed -e "/#@${drop}_BEGIN@/,/#@${drop}_END@/d" \
	    -e "/#@${keep}_BEGIN@/d" -e "/#@${keep}_END@/d" \
	    -e "s|@OUTDIR@|$(sed_escape "$OUTDIR")|g" \
	    -e "s|@PORT@|$(port_text "$port")|g" \
	    -e "s|@JWTMINT@|$(sed_escape "$jw")|g" \
	    -e "s|@CGI_BIN@|$(sed_escape "$cgibin")|g" \
	    -e "s|@CGI_NAME@|$(sed_escape "$cginame")|g" \
	    -e "s|@CGI_CONF@|$(sed_escape "$cgiconf")|g" \
	    -e "s|@USER@|$user|g" \
	    "$TEMPLATE" >"$OUTDIR/lighttpd.conf.tmp"
	mv "$OUTDIR/lighttpd.conf.tmp" "$OUTDIR/lighttpd.conf"
	write_backend
	# The JSON error pages (server.errorfile-prefix); readable by nobody.
	mkdir -p "$OUTDIR/errors"
	cp "$HERE"/../conf/lighttpd-errors/jwtmint-*.html "$OUTDIR/errors/"
	chmod 644 "$OUTDIR"/errors/jwtmint-*.html
	echo "$port" >"$OUTDIR/port"
}

web_launch() {
	local lighttpd
	lighttpd=$(find_server LIGHTTPD \
		"install lighttpd and lighttpd-modules-lua (apt-get install lighttpd lighttpd-modules-lua)" lighttpd)
	touch "$OUTDIR/error.log" "$OUTDIR/cgi-stderr.log"
	if [ "$(id -u)" = 0 ]; then
		# lighttpd opens its logs and writes uploads after it has become
		# nobody: that user must reach OUTDIR and own these.
		chmod o+x "$OUTDIR"
		chown nobody "$OUTDIR/error.log" "$OUTDIR/cgi-stderr.log" "$OUTDIR/tmp"
	fi
	# -tt: parse and load every module (mod_magnet needs
	# lighttpd-modules-lua).
	if ! "$lighttpd" -tt -f "$OUTDIR/lighttpd.conf" >"$OUTDIR/start.err" 2>&1; then
		in_use && return 1
		cat "$OUTDIR/start.err" >&2
		grep -q magnet "$OUTDIR/start.err" &&
			echo "lighttpd.sh: mod_magnet is in lighttpd-modules-lua (apt-get install lighttpd-modules-lua)" >&2
		die "bad configuration $OUTDIR/lighttpd.conf"
	fi
	# Without -D lighttpd daemonizes, writes its pid file and returns once
	# the server runs (or says it failed).
	"$lighttpd" -f "$OUTDIR/lighttpd.conf" >"$OUTDIR/start.err" 2>&1 ||
		launch_failed "lighttpd failed to start"
}

web_main "$@"
