#!/usr/bin/env bash
# deb-build.sh: `make deb`. Builds the Debian package (debian/) with
# `dpkg-buildpackage -us -uc -b` from a copy of the tree in build/deb/src,
# so that everything dpkg-buildpackage writes next to the source tree (the
# .deb, .buildinfo, .changes) lands in build/deb/ and nothing outside the
# repository is touched. The copy holds the files git knows plus untracked
# ones not ignored (so uncommitted work is packaged; build/ and var/ never
# are); without git, the tree minus build/, var/ and .git/.
#
# Prints the path of the .deb on the last line. The build log is
# build/deb/build.log.
set -eu

cd "$(dirname "$0")/.."
OUT=build/deb
LOG=$OUT/build.log

for p in dpkg-buildpackage dh dpkg-checkbuilddeps; do
	command -v "$p" >/dev/null 2>&1 || {
		echo "deb-build: $p is missing: run scripts/install-deps.sh deb (dpkg-dev, debhelper)" >&2
		exit 1
	}
done

rm -rf "$OUT"
mkdir -p "$OUT/src"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	# Files deleted in the work tree but still in the index are left out.
	git ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do
			[ -e "$f" ] && printf '%s\0' "$f"
		done |
		tar --null -T - -cf - | tar -C "$OUT/src" -xf -
else
	tar --exclude=./build --exclude=./var --exclude=./.git -cf - . |
		tar -C "$OUT/src" -xf -
fi

echo "deb-build: dpkg-buildpackage -us -uc -b in $OUT/src (log: $LOG)"
DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}"
export DEB_BUILD_OPTIONS
if ! (cd "$OUT/src" && dpkg-buildpackage -us -uc -b) >"$LOG" 2>&1; then
	tail -n 40 "$LOG" >&2
	echo "deb-build: dpkg-buildpackage failed (whole log: $LOG)" >&2
	exit 1
fi

deb=$(ls "$OUT"/jwtmint_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "deb-build: no jwtmint_*.deb in $OUT" >&2; exit 1; }
echo "$deb"
