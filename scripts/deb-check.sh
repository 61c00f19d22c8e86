#!/usr/bin/env bash
# deb-check.sh: `make deb-check`. Builds the Debian package (make deb), runs
# lintian on it (any error fails), and tries it in a throwaway Debian 12
# root, never on this machine:
#   1. a `debootstrap --variant=minbase bookworm` tree from the mirror this
#      machine's apt uses, made once and cached in var/deb-root/bookworm
#      (about 100 MB downloaded, 200 MB on disk); each run works on a fresh
#      copy in var/deb-root/run/root. The .debs apt fetched there are kept
#      in var/deb-root/debs, so a warm run downloads nothing.
#   2. in the copy (policy-rc.d answers 101: nothing starts; no /proc,
#      /dev or /sys mounted: apt, dpkg, adduser and jwtmint need none):
#      the package's dependencies with apt, a list of every file, then the
#      package itself with apt. Checks: the jwtmint user; /etc/jwtmint
#      root:jwtmint 0750, jwtmint.conf 0640; secrets kek and pepper of 32
#      random bytes, base64, root 0600, unchanged by a reinstall; the
#      units' Exec programs, the man pages and README.Debian exist.
#   3. a private PostgreSQL (scripts/pg.sh, on this machine, unix socket
#      only), its socket directory bind-mounted at /run/jwtmint-pg in the
#      root. The operator's edits to /etc/jwtmint/jwtmint.conf:
#      database_url, database_migrate_url, issuer. Then
#      scripts/deb-check-run.py: jwtmint-admin migrate, an organization, a
#      signing key and an API key with the installed jwtmint-admin;
#      jwtmint.service started as systemd would behind jwtmint.socket (the
#      units' User=, LoadCredential=, Environment=, ExecStartPre=,
#      ExecStart= with the socket as fd 3, ExecReload=); a token issued
#      over FastCGI on the socket and verified against the JWKS by jwcrypto
#      and PyJWT, before and after a reload; SIGTERM, exit 0.
#   4. an upgrade (the package repacked as a later version): the edited
#      conffile, its mode and the secrets stay; the service starts again
#      and a token is verified.
#   5. `apt-get purge jwtmint`; the file list again: only what README.Debian
#      says stays may differ (/etc/jwtmint with kek and pepper; the jwtmint
#      user and group in /etc/passwd, group, shadow, gshadow). Then the
#      package once more, over the secrets the purge left (as on a second
#      host given the first host's): they must be kept.
# Output: one line per step; on failure the reason and the run's directory,
# kept for inspection (removed on success). Exit status 0 only when all
# passed. Every step has a time limit. Needs root (chroot, mount).
# DEB_MIRROR=URL overrides the mirror. DEB_CHECK_REUSE=1 tests the package
# already in build/deb instead of building it (while working on the checks).
set -euo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
cd "$TOP"
VAR=$TOP/var/deb-root
CACHE=$VAR/bookworm
DEBS=$VAR/debs
RUN=$VAR/run
ROOT=$RUN/root
PGMNT=/run/jwtmint-pg
ISSUER=https://auth.deb-check.example
T0=$(date +%s)
PGDIR=""
MOUNTS=()

say() { echo "deb-check: [$(( $(date +%s) - T0 ))s] $*"; }
die() { echo "deb-check: FAIL: $*" >&2; exit 1; }

if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || die "needs root (chroot, mount) and there is no sudo"
	exec sudo -E bash "$0" "$@"
fi
for p in debootstrap lintian dpkg-buildpackage chroot mount timeout python3; do
	command -v "$p" >/dev/null 2>&1 ||
		die "$p is missing: run scripts/install-deps.sh deb (debootstrap, lintian, dpkg-dev, debhelper)"
done

# The mirror of a suite in this machine's apt sources (deb822 .sources
# first, then one-line .list), else deb.debian.org.
mirror_of() {	# $1 = suite, $2 = default
	local m
	m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk -v s="$1" '
		/^[ \t]*$/ { u = "" }
		/^URIs:/ { u = $2 }
		/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s && u != "") { print u; exit } }')
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			sed -e 's/\[[^]]*\]//' | awk -v s="$1" '$1 == "deb" && $3 == s { print $2; exit }')
	fi
	echo "${m:-$2}"
}
MIRROR=${DEB_MIRROR:-$(mirror_of bookworm http://deb.debian.org/debian)}
SECMIRROR=$(mirror_of bookworm-security http://deb.debian.org/debian-security)

# A command inside the root, with a clean environment and a time limit.
inroot() {	# $1 = seconds, then the command
	local t=$1
	shift
	timeout "$t" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root \
		DEBIAN_FRONTEND=noninteractive chroot "$ROOT" "$@"
}

# apt in the root; on failure (a list gone stale on the mirror) once more
# after apt-get update.
apt_root() {
	inroot 900 apt-get -q -y -o Dpkg::Use-Pty=0 "$@" >>"$RUN/apt.log" 2>&1 && return 0
	inroot 300 apt-get -q update >>"$RUN/apt.log" 2>&1 || true
	inroot 900 apt-get -q -y -o Dpkg::Use-Pty=0 "$@" >>"$RUN/apt.log" 2>&1 ||
		{ tail -n 25 "$RUN/apt.log" >&2; die "apt-get $* failed in the root (log: $RUN/apt.log)"; }
}

# Processes whose root directory is the chroot (only ever ours).
root_pids() {
	local p r
	for p in /proc/[0-9]*; do
		r=$(readlink "$p/root" 2>/dev/null) || continue
		case "$r" in "$ROOT"|"$ROOT"/*) echo "${p#/proc/}" ;; esac
	done
}

cleanup() {
	local rc=$? m pids i
	set +e
	pids=$(root_pids)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill -TERM $pids 2>/dev/null
		for i in $(seq 1 50); do
			[ -z "$(root_pids)" ] && break
			sleep 0.1
		done
		pids=$(root_pids)
		# shellcheck disable=SC2086
		[ -n "$pids" ] && kill -KILL $pids 2>/dev/null
	fi
	for (( i = ${#MOUNTS[@]} - 1; i >= 0; i-- )); do
		m=${MOUNTS[$i]}
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null ||
			echo "deb-check: could not unmount $m" >&2
	done
	if [ -n "$PGDIR" ]; then
		bash scripts/pg.sh stop "$PGDIR" >/dev/null 2>&1
		rm -rf "$PGDIR"
	fi
	if [ $rc = 0 ]; then
		rm -rf "$RUN"
	else
		echo "deb-check: FAILED after $(( $(date +%s) - T0 ))s; logs and the root are in $RUN" >&2
	fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

domount() {	# mount ARGS... TARGET: remembered for the trap
	mount "$@"
	MOUNTS+=("${@: -1}")
}

# A file list of the root (and a digest of every file under /etc, which
# holds what the package may leave). Left out: what apt and dpkg keep of
# their own (lists, caches, the database, logs) and the mount points.
snapshot() {	# $1 = output prefix
	(cd "$ROOT" && find . \( -path ./proc -o -path ./dev -o -path ./sys \
		-o -path ".$PGMNT" -o -path ./var/lib/apt -o -path ./var/cache/apt \
		-o -path ./var/lib/dpkg -o -path ./var/log \) -prune -o -printf '%M %U:%G %p\n') |
		LC_ALL=C sort >"$1.files"
	(cd "$ROOT" && find ./etc -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) >"$1.etc"
}

# --- 1. The package and lintian ----------------------------------------------
if [ -z "${DEB_CHECK_REUSE:-}" ]; then
	say "building the package (make deb)"
	timeout 1800 bash scripts/deb-build.sh >/dev/null || die "make deb failed (log: build/deb/build.log)"
else
	say "DEB_CHECK_REUSE: testing the package already in build/deb"
fi
DEB=$(ls "$TOP"/build/deb/jwtmint_*.deb 2>/dev/null | head -n 1)
[ -n "$DEB" ] || die "no build/deb/jwtmint_*.deb"
say "built ${DEB#"$TOP"/}"

say "lintian"
lint_rc=0
timeout 600 lintian --fail-on error "$TOP"/build/deb/jwtmint_*.changes >"$TOP/build/deb/lintian.txt" 2>&1 ||
	lint_rc=$?
grep -v 'running with root privileges' "$TOP/build/deb/lintian.txt" | sed 's/^/deb-check:   /' || true
[ $lint_rc = 0 ] || die "lintian reports errors (exit $lint_rc; build/deb/lintian.txt)"
say "lintian: $(grep -c '^E:' "$TOP/build/deb/lintian.txt" || true) errors, $(grep -c '^W:' "$TOP/build/deb/lintian.txt" || true) warnings"

# --- 2. The throwaway root ------------------------------------------------------
if [ -d "$RUN" ]; then
	# A run killed before its trap ran: its mounts first (only this
	# script mounts under $RUN), deepest first.
	for m in $(awk -v r="$RUN/" 'index($2, r) == 1 { print $2 }' /proc/self/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" || die "cannot unmount $m, left by an earlier run"
	done
	rm -rf "$RUN"
fi
mkdir -p "$VAR" "$DEBS" "$RUN"
if [ ! -d "$CACHE" ]; then
	say "debootstrap --variant=minbase bookworm from $MIRROR (once; cached in ${CACHE#"$TOP"/})"
	rm -rf "$CACHE.tmp"
	timeout 1800 debootstrap --variant=minbase bookworm "$CACHE.tmp" "$MIRROR" \
		>"$VAR/debootstrap.log" 2>&1 ||
		{ tail -n 20 "$VAR/debootstrap.log" >&2; die "debootstrap failed (log: $VAR/debootstrap.log)"; }
	cat >"$CACHE.tmp/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb $SECMIRROR bookworm-security main
EOF
	printf 'APT::Install-Recommends "false";\nAPT::Install-Suggests "false";\nAcquire::Retries "3";\n' \
		>"$CACHE.tmp/etc/apt/apt.conf.d/90deb-check"
	timeout 600 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$CACHE.tmp" apt-get -q update \
		>>"$VAR/debootstrap.log" 2>&1 || die "apt-get update in the new root failed (log: $VAR/debootstrap.log)"
	rm -f "$CACHE.tmp"/var/cache/apt/archives/*.deb
	mv "$CACHE.tmp" "$CACHE"
fi

say "copying the cached root to ${ROOT#"$TOP"/}"
cp -a "$CACHE" "$ROOT"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf" 2>/dev/null || true
printf '#!/bin/sh\n# deb-check: no service starts in this root\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
chmod 755 "$ROOT/usr/sbin/policy-rc.d"
mkdir -p "$ROOT$PGMNT"
cp "$DEBS"/*.deb "$ROOT/var/cache/apt/archives/" 2>/dev/null || true

depends=$(dpkg-deb -f "$DEB" Depends)
say "installing the dependencies with apt: $depends"
apt_root satisfy "$depends"
snapshot "$RUN/before"

say "installing ${DEB##*/} with apt"
cp "$DEB" "$ROOT/tmp/"
apt_root install "/tmp/${DEB##*/}"
cp -n "$ROOT"/var/cache/apt/archives/*.deb "$DEBS/" 2>/dev/null || true

# --- Checks of the installed package -----------------------------------------
st() { inroot 10 stat -c '%U:%G %a' "$1"; }	# names of the root's own user database
expect_mode() {	# $1 = path, $2 = "owner:group mode"
	local have
	have=$(st "$1") || die "$1 is missing"
	[ "$have" = "$2" ] || die "$1 is $have, want $2"
}
inroot 10 getent passwd jwtmint >/dev/null || die "no jwtmint user"
inroot 10 getent group jwtmint >/dev/null || die "no jwtmint group"
expect_mode /etc/jwtmint "root:jwtmint 750"
expect_mode /etc/jwtmint/jwtmint.conf "root:jwtmint 640"
for s in kek pepper; do
	expect_mode "/etc/jwtmint/$s" "root:root 600"
	n=$(base64 -d "$ROOT/etc/jwtmint/$s" | wc -c) || die "/etc/jwtmint/$s is not base64"
	[ "$n" = 32 ] || die "/etc/jwtmint/$s holds $n bytes, want 32"
done
[ "$(cat "$ROOT/etc/jwtmint/kek")" != "$(cat "$ROOT/etc/jwtmint/pepper")" ] || die "kek and pepper are equal"
grep -qx 'kek_file = /etc/jwtmint/kek' "$ROOT/etc/jwtmint/jwtmint.conf" || die "jwtmint.conf does not name /etc/jwtmint/kek"
inroot 10 dpkg-query -W -f='${Conffiles}\n' jwtmint | grep -q ' /etc/jwtmint/jwtmint.conf ' ||
	die "/etc/jwtmint/jwtmint.conf is not a conffile"
for p in /usr/sbin/jwtmint /usr/bin/jwtmint-admin; do
	[ -x "$ROOT$p" ] || die "$p is not installed"
done
for p in man8/jwtmint.8.gz man8/jwtmint-admin.8.gz man5/jwtmint.conf.5.gz; do
	[ -s "$ROOT/usr/share/man/$p" ] || die "/usr/share/man/$p is not installed"
done
[ -s "$ROOT/usr/share/doc/jwtmint/README.Debian.gz" ] || die "no /usr/share/doc/jwtmint/README.Debian.gz"
ls "$ROOT"/usr/share/jwtmint/sql/*.sql >/dev/null 2>&1 || die "no migrations in /usr/share/jwtmint/sql"
units=$(cd "$ROOT" && ls lib/systemd/system/jwtmint*.service lib/systemd/system/jwtmint*.socket 2>/dev/null) ||
	die "no systemd units in /lib/systemd/system"
for u in $units; do
	for x in $(sed -n 's/^Exec[A-Za-z]*=[-@:+!]*\([^ ]*\).*/\1/p' "$ROOT/$u"); do
		[ -x "$ROOT$x" ] || die "$u runs $x, which is not installed"
	done
	if [ "${u%.service}" != "$u" ]; then
		grep -qx 'User=jwtmint' "$ROOT/$u" "$ROOT/$u.d/"*.conf 2>/dev/null ||
			die "$u does not run as User=jwtmint"
	fi
done
say "installed: user jwtmint, /etc/jwtmint root:jwtmint 0750, conffile 0640, secrets root 0600, units: $(for u in $units; do printf '%s ' "${u##*/}"; done)"

sum_before=$(cat "$ROOT/etc/jwtmint/kek" "$ROOT/etc/jwtmint/pepper" | sha256sum)
apt_root install --reinstall "/tmp/${DEB##*/}"
[ "$(cat "$ROOT/etc/jwtmint/kek" "$ROOT/etc/jwtmint/pepper" | sha256sum)" = "$sum_before" ] ||
	die "a reinstall changed /etc/jwtmint/kek or pepper"
say "reinstalled: the secrets are unchanged"

# --- 3. Run it ------------------------------------------------------------------
PGDIR=$(mktemp -d /tmp/jwtmint-deb-pg.XXXXXX)
chmod 755 "$PGDIR"
say "private PostgreSQL in $PGDIR, socket directory bind-mounted at $PGMNT"
timeout 120 bash scripts/pg.sh init "$PGDIR" >/dev/null
timeout 120 bash scripts/pg.sh start "$PGDIR" --fast >/dev/null
domount --bind "$PGDIR" "$ROOT$PGMNT"

# What an operator sets: the database and the issuer.
conf=$ROOT/etc/jwtmint/jwtmint.conf
sed -i -e "s|^database_url =.*|database_url = host=$PGMNT port=5432 dbname=jwtmint user=jwtmint_app|" \
	-e "s|^database_migrate_url =.*|database_migrate_url = host=$PGMNT port=5432 dbname=jwtmint user=jwtmint_owner|" \
	-e "s|^issuer =.*|issuer = $ISSUER|" "$conf"
expect_mode /etc/jwtmint/jwtmint.conf "root:jwtmint 640"
say "configured database_url, database_migrate_url and issuer in /etc/jwtmint/jwtmint.conf"

# Debian's python3, which has the python3-jwcrypto and python3-jwt that
# scripts/install-deps.sh installs (another python3 may be first in PATH).
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
timeout 300 "$PY" scripts/deb-check-run.py "$ROOT" "$ISSUER" "$RUN" || die "running the installed jwtmint failed"
[ -z "$(root_pids)" ] || die "processes still run in the root after jwtmint stopped: $(root_pids | tr '\n' ' ')"

# An upgrade: the same package repacked as a later version. The
# operator's edits to the conffile, its mode and the secrets must survive,
# and the service must start and issue tokens as before.
up=$RUN/upgrade
dpkg-deb -R "$DEB" "$up"
version=$(dpkg-deb -f "$DEB" Version)
sed -i "s/^Version: .*/Version: $version+debcheck1/" "$up/DEBIAN/control"
dpkg-deb -b "$up" "$ROOT/tmp/jwtmint-upgrade.deb" >/dev/null
rm -rf "$up"
say "upgrading to $version+debcheck1 (the same package repacked)"
apt_root install /tmp/jwtmint-upgrade.deb
rm -f "$ROOT/tmp/jwtmint-upgrade.deb"
[ "$(inroot 10 dpkg-query -W -f='${Version}' jwtmint)" = "$version+debcheck1" ] || die "the upgrade did not happen"
grep -qx "issuer = $ISSUER" "$conf" || die "the upgrade lost the operator's edits to jwtmint.conf"
expect_mode /etc/jwtmint "root:jwtmint 750"
expect_mode /etc/jwtmint/jwtmint.conf "root:jwtmint 640"
[ "$(cat "$ROOT/etc/jwtmint/kek" "$ROOT/etc/jwtmint/pepper" | sha256sum)" = "$sum_before" ] ||
	die "the upgrade changed /etc/jwtmint/kek or pepper"
say "upgraded: the edited conffile, its mode and the secrets kept"
timeout 300 "$PY" scripts/deb-check-run.py "$ROOT" "$ISSUER" "$RUN" again ||
	die "running the installed jwtmint after the upgrade failed"
jgid=$(inroot 10 id -g jwtmint)

umount "$ROOT$PGMNT"
unset 'MOUNTS[-1]'

# --- 4. Purge -------------------------------------------------------------------
say "apt-get purge jwtmint"
apt_root purge jwtmint
rm -f "$ROOT/tmp/${DEB##*/}"
st_after=$(inroot 10 dpkg-query -W -f='${db:Status-Abbrev}' jwtmint 2>/dev/null || true)
case "$st_after" in
""|"un "*|"pn "*) ;;
*) die "dpkg still knows jwtmint after purge: '$st_after'" ;;
esac
ls "$ROOT"/var/lib/dpkg/info/jwtmint.* >/dev/null 2>&1 && die "dpkg's info files of jwtmint remain"
snapshot "$RUN/after"

# Every difference in the file list must be documented (README.Debian).
# The secrets and their directory; the backups of the user database that
# adding the jwtmint user made (passwd-, shadow-, ...); adduser's lock file
# in /run (a tmpfs on a booted system).
allowed_new="^d[-rwx]{9} 0:$jgid \\./etc/jwtmint\$|^-rw------- 0:0 \\./etc/jwtmint/(kek|pepper)\$"
allowed_new="$allowed_new|^-[-rwx]{9} [0-9]+:[0-9]+ \\./etc/(passwd|group|shadow|gshadow)-\$|^-[-rwx]{9} 0:0 \\./run/adduser\$"
new=$(LC_ALL=C comm -13 "$RUN/before.files" "$RUN/after.files" | grep -Ev "$allowed_new" || true)
gone=$(LC_ALL=C comm -23 "$RUN/before.files" "$RUN/after.files" |
	grep -Ev '^-[-rwx]{9} [0-9]+:[0-9]+ \./etc/(passwd|group|shadow|gshadow)-$' || true)
[ -z "$new" ] || die "left after purge, and not documented:"$'\n'"$new"
[ -z "$gone" ] || die "changed or removed by install and purge:"$'\n'"$gone"
changed=$(diff "$RUN/before.etc" "$RUN/after.etc" | sed -n 's/^> [0-9a-f]*  \.\///p' |
	grep -Evx 'etc/(passwd|group|shadow|gshadow)-?|etc/jwtmint/(kek|pepper)' || true)
[ -z "$changed" ] || die "files under /etc changed by install and purge:"$'\n'"$changed"
inroot 10 getent passwd jwtmint >/dev/null || die "the jwtmint user is gone (README.Debian says it stays)"
say "purged: left are /etc/jwtmint/{kek,pepper} and the jwtmint user and group, as documented:"
LC_ALL=C comm -13 "$RUN/before.files" "$RUN/after.files" | sed 's/^/deb-check:   /'

# A host that already has secrets (this one's, left by the purge, as a
# second host has the first host's): installing keeps them.
cp "$DEB" "$ROOT/tmp/"
apt_root install "/tmp/${DEB##*/}"
[ "$(cat "$ROOT/etc/jwtmint/kek" "$ROOT/etc/jwtmint/pepper" | sha256sum)" = "$sum_before" ] ||
	die "installing over existing /etc/jwtmint/kek and pepper changed them"
expect_mode /etc/jwtmint/jwtmint.conf "root:jwtmint 640"
apt_root purge jwtmint
say "installed again over the secrets the purge left: kept; purged again"

cp -n "$ROOT"/var/cache/apt/archives/*.deb "$DEBS/" 2>/dev/null || true
say "PASS (${DEB#"$TOP"/})"
