# jwtmint: plain GNU make, pkg-config for every library, objects in build/.
#   make            build build/jwtmint and build/jwtmint-admin
#   make run        install what is missing, build, start the local stack
#   make test       install what is missing, build, run every test
#   make asan       the same binaries with ASan + UBSan in build/asan/
#   make fuzz       libFuzzer targets in build/fuzz/ (clang), built only;
#                   with FUZZ_SECS=N each is then also run N seconds
#                   (scripts/fuzz.sh: ASan + UBSan, seeds from tests/fuzz/seeds/)
#   make fuzz-long  the same with FUZZ_SECS=600 unless given
#   make bench      throughput and latency next to a baseline (scripts/bench.sh)
#   make deb        the Debian package, in build/deb/ (scripts/deb-build.sh:
#                   dpkg-buildpackage -us -uc -b on a copy of the tree)
#   make deb-check  make deb, lintian, then install, run, and purge it in a
#                   cached debootstrap chroot under var/deb-root (root;
#                   scripts/deb-check.sh; never installs on this machine)
#   make soak       10 minutes of mixed load; fails unless RSS, fds and database
#                   connections stay flat (scripts/soak.sh; SOAK_SECS=600;
#                   not part of make test)
#   make install    install under PREFIX (default /usr/local), staged under
#                   DESTDIR when given (below); make uninstall removes it
#                   again, all but the configuration file

CC	?= cc
PKGS	 = fcgi libpq jansson libcrypto libssl libjwt libargon2
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN	 = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wformat=2 -Wwrite-strings -Wno-format-nonliteral -Wno-format-truncation
HARDEN	 = -fstack-protector-strong -D_FORTIFY_SOURCE=2 -fPIE
CFLAGS	?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(HARDEN) $(CFLAGS) $(PKG_CFLAGS) -Isrc -Ibuild
LDFLAGS	+= -pie -Wl,-z,relro,-z,now
LIBS	 = $(PKG_LIBS)

B	?= build

# Layer 1 and 2: pure modules (no fcgiapp.h, no libpq-fe.h).
PURE	 = bstr reqid accesslog metrics metrics_text stmt webhook listenfd sdnotify monoclock auditchain b64url jreq pathpat cursor etag duration utf8 jsonw form http ipaddr tokcache basicauth clen gatein scope logesc log secret apikey config jwk jws kek claims granttype perm refresh username password jwtverify ratelimit deadline rotation usage redirecturi pkce htmlesc urlbuild loginui cookie
# Layer 3 and up.
STORE	 = db store store_user store_idem store_usage migrations secretcheck store_app authcode store_login
# Operations, written once: the CLI and the HTTP handlers are adapters.
OPS	 = ops_revoke ops_key ops_org ops_role ops_user ops_audit ops_signing ops_kek ops_anomaly ops_usage ops_app ops_login
HTTP	 = grant_cc grant_password grant_refresh grant_exchange grant_code issue tokencheck \
	   pwcheck clientauth oauth_err route keyring keycache revcache appcache cors app \
	   h_token h_jwks h_metadata h_health h_revoke h_introspect h_check \
	   h_platform h_platform_ops h_metrics adminapi h_admin h_admin_keys h_admin_openapi \
	   h_admin_users h_admin_roles \
	   h_admin_audit h_admin_anomalies h_admin_usage h_admin_apps h_admin_login loginweb h_authorize h_logout h_logincss \
	   h_portal
SERVER	 = $(HTTP) worker housekeeper usage_anomaly hookpost supervisor main openapi portalfiles
ADMIN	 = admin admin_migrate admin_org admin_key admin_signing admin_role \
	   admin_user admin_revoke admin_audit admin_rotate admin_anomaly admin_usage admin_app admin_login

PURE_OBJ   = $(PURE:%=$(B)/%.o)
STORE_OBJ  = $(STORE:%=$(B)/%.o) $(OPS:%=$(B)/%.o)
SERVER_OBJ = $(SERVER:%=$(B)/%.o)
ADMIN_OBJ  = $(ADMIN:%=$(B)/%.o)

UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BIN   = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

all: $(B)/jwtmint $(B)/jwtmint-admin $(B)/fcgi-trivial $(B)/argon2-rate

$(B)/%.o: src/%.c src/*.h | $(B)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/migrations.c: sql/*.sql scripts/embed-sql.sh | $(B)
	sh scripts/embed-sql.sh sql/*.sql > $@

$(B)/migrations.o: $(B)/migrations.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(B)/openapi.c: docs/openapi.json scripts/embed-file.sh | $(B)
	sh scripts/embed-file.sh openapi_json docs/openapi.json > $@

$(B)/openapi.o: $(B)/openapi.c
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

# The portal's static files, embedded (src/portalfiles.h): the binary
# serves the files it was built with, nothing to install beside it.
PORTAL_FILES = portal/index.html portal/style.css portal/app.js \
	   portal/auth.js portal/api.js portal/ui.js portal/keys.js \
	   portal/users.js portal/audit.js portal/login.js portal/icon.svg

$(B)/portalfiles.c: $(PORTAL_FILES) scripts/embed-portal.sh | $(B)
	sh scripts/embed-portal.sh $(PORTAL_FILES) > $@

$(B)/portalfiles.o: $(B)/portalfiles.c src/portalfiles.h
	$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(B)/jwtmint: $(SERVER_OBJ) $(STORE_OBJ) $(PURE_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(B)/jwtmint-admin: $(ADMIN_OBJ) $(STORE_OBJ) $(PURE_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# The baseline of the benchmark: the smallest libfcgi responder.
$(B)/fcgi-trivial: tests/bench/fcgi_trivial.c | $(B)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS)

$(B)/argon2-rate: tests/bench/argon2_rate.c | $(B)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS)

$(B)/tests/%: tests/unit/%.c tests/unit/t.h $(PURE_OBJ) | $(B)/tests
	$(CC) $(ALL_CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(PURE_OBJ) $(LIBS)

$(B) $(B)/tests:
	mkdir -p $@

units: $(UNIT_BIN)

asan:
	$(MAKE) B=build/asan CFLAGS="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    HARDEN="-fstack-protector-strong -fPIE" all units

FUZZ_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_SECS ?=
fuzz:
	$(MAKE) B=build/fuzz CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -Wno-unknown-warning-option" \
	    HARDEN="-fPIE" fuzz-targets
	@if [ -n "$(FUZZ_SECS)" ]; then sh scripts/fuzz.sh $(FUZZ_SECS); fi

fuzz-long:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECS=$(or $(FUZZ_SECS),600)

fuzz-targets: $(FUZZ_SRC:tests/fuzz/%.c=$(B)/%)

$(B)/fuzz_%: tests/fuzz/fuzz_%.c $(PURE_OBJ)
	$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(PURE_OBJ) $(LIBS)

# --- make install ---------------------------------------------------------
# FHS layout; a Debian package passes PREFIX=/usr and DESTDIR (and may pass
# any of the directories). The installed binaries are linked with their own
# config.o, built for SYSCONFDIR ($(IB)/paths.h): they read
# $(SYSCONFDIR)/jwtmint/jwtmint.conf when no -c or JWTMINT_CONFIG names a
# file, never a var/ or conf/ file of the directory they run in, as the
# build tree's binaries do (src/config.c, config_find).
PREFIX	?= /usr/local
SBINDIR	?= $(PREFIX)/sbin
BINDIR	?= $(PREFIX)/bin
DATADIR	?= $(PREFIX)/share/jwtmint
MANDIR	?= $(PREFIX)/share/man
SYSCONFDIR ?= /etc
UNITDIR	?= $(PREFIX)/lib/systemd/system
INSTALL	?= install

CONFDIR	 = $(SYSCONFDIR)/jwtmint
MAN5	 = man/jwtmint.conf.5
MAN8	 = man/jwtmint.8 man/jwtmint-admin.8
UNITS	 = $(wildcard conf/systemd/*.service conf/systemd/*.socket)
# The web-server examples: every file of conf/ but the templates of the
# tests (*.in) and the units (installed apart).
EXAMPLES = $(filter-out conf/systemd/%,$(shell find conf -type f ! -name '*.in' | sort))
# The paths the units, the manuals and the configuration name are those of
# the default install: rewritten to this install's.
INST_SED = -e 's|/usr/local/lib/systemd/system|$(UNITDIR)|g' \
	   -e 's|/usr/local/sbin/|$(SBINDIR)/|g' \
	   -e 's|/usr/local/bin/|$(BINDIR)/|g' \
	   -e 's|/usr/local/share/jwtmint|$(DATADIR)|g' \
	   -e 's|/etc/jwtmint/|$(CONFDIR)/|g'

# Where the installed binaries are linked (tests/integration/test_install.py
# links them in its temp dir, beside the tree's objects).
IB	?= $(B)/inst
INST_PURE_OBJ = $(filter-out $(B)/config.o,$(PURE_OBJ)) $(IB)/config.o

$(IB):
	mkdir -p $@

# Rewritten only when SYSCONFDIR changes, so config.o is rebuilt then.
$(IB)/paths.h: FORCE | $(IB)
	@printf '#define CONFIG_INSTALLED 1\n#define CONFIG_SYSTEM_PATH "%s"\n' \
	    '$(CONFDIR)/jwtmint.conf' > $@.new
	@if cmp -s $@.new $@; then rm -f $@.new; else mv $@.new $@; fi

$(IB)/config.o: src/config.c src/*.h $(IB)/paths.h
	$(CC) $(ALL_CFLAGS) -include $(IB)/paths.h -c -o $@ $<

$(IB)/jwtmint: $(SERVER_OBJ) $(STORE_OBJ) $(INST_PURE_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

$(IB)/jwtmint-admin: $(ADMIN_OBJ) $(STORE_OBJ) $(INST_PURE_OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

# The configuration: conf/jwtmint.conf with the secrets' files named where
# the units and a package keep them; installed only when absent, 0640
# (group jwtmint when that group exists and no DESTDIR stages the install:
# the service's user reads it; a warning with the commands to run when it
# does not), never overwritten.
$(IB)/jwtmint.conf: conf/jwtmint.conf $(IB)/paths.h
	sed $(INST_SED) \
	    -e 's|^kek_file =$$|kek_file = $(CONFDIR)/kek|' \
	    -e 's|^pepper_file =$$|pepper_file = $(CONFDIR)/pepper|' $< > $@

install: $(IB)/jwtmint $(IB)/jwtmint-admin $(IB)/jwtmint.conf
	$(INSTALL) -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(DATADIR)/sql $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	$(INSTALL) -m 755 $(IB)/jwtmint $(DESTDIR)$(SBINDIR)/jwtmint
	$(INSTALL) -m 755 $(IB)/jwtmint-admin $(DESTDIR)$(BINDIR)/jwtmint-admin
	$(INSTALL) -m 644 sql/*.sql $(DESTDIR)$(DATADIR)/sql/
	for f in $(EXAMPLES); do \
		$(INSTALL) -d "$(DESTDIR)$(DATADIR)/$$(dirname "$$f")" && \
		sed $(INST_SED) "$$f" > "$(DESTDIR)$(DATADIR)/$$f" && \
		chmod 644 "$(DESTDIR)$(DATADIR)/$$f" || exit 1; \
	done
	for f in $(UNITS); do \
		sed $(INST_SED) "$$f" > "$(DESTDIR)$(UNITDIR)/$${f##*/}" && \
		chmod 644 "$(DESTDIR)$(UNITDIR)/$${f##*/}" || exit 1; \
	done
	for f in $(MAN5); do \
		sed $(INST_SED) "$$f" > "$(DESTDIR)$(MANDIR)/man5/$${f##*/}" && \
		chmod 644 "$(DESTDIR)$(MANDIR)/man5/$${f##*/}" || exit 1; \
	done
	for f in $(MAN8); do \
		sed $(INST_SED) "$$f" > "$(DESTDIR)$(MANDIR)/man8/$${f##*/}" && \
		chmod 644 "$(DESTDIR)$(MANDIR)/man8/$${f##*/}" || exit 1; \
	done
	@# An existing directory keeps its owner and mode (a package's 0750).
	[ -d "$(DESTDIR)$(CONFDIR)" ] || $(INSTALL) -d -m 755 "$(DESTDIR)$(CONFDIR)"
	@if [ -e "$(DESTDIR)$(CONFDIR)/jwtmint.conf" ]; then \
		echo "install: $(DESTDIR)$(CONFDIR)/jwtmint.conf exists: kept" \
		    "(the new default is $(DATADIR)/conf/jwtmint.conf)"; \
	else \
		echo $(INSTALL) -m 640 $(IB)/jwtmint.conf $(DESTDIR)$(CONFDIR)/jwtmint.conf; \
		$(INSTALL) -m 640 $(IB)/jwtmint.conf $(DESTDIR)$(CONFDIR)/jwtmint.conf && \
		if [ -n "$(DESTDIR)" ]; then :; \
		elif [ "$$(id -u)" = 0 ] && getent group jwtmint >/dev/null; then \
			chgrp jwtmint $(CONFDIR)/jwtmint.conf; \
		else \
			echo "install: WARNING: no group jwtmint (or not root):" \
			    "$(CONFDIR)/jwtmint.conf is 0640 $$(id -un), unreadable" \
			    "by the units' User=jwtmint. Create the user and give" \
			    "it the file, as root:" >&2; \
			echo "    useradd --system --user-group --no-create-home" \
			    "--home-dir /nonexistent --shell /usr/sbin/nologin jwtmint" >&2; \
			echo "    chgrp jwtmint $(CONFDIR)/jwtmint.conf &&" \
			    "chmod 0640 $(CONFDIR)/jwtmint.conf" >&2; \
		fi; \
	fi

# Everything install put there but the configuration (and its directory).
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/jwtmint $(DESTDIR)$(BINDIR)/jwtmint-admin
	for f in $(notdir $(wildcard sql/*.sql)); do \
		rm -f "$(DESTDIR)$(DATADIR)/sql/$$f"; done
	for f in $(EXAMPLES); do rm -f "$(DESTDIR)$(DATADIR)/$$f"; done
	if [ -d "$(DESTDIR)$(DATADIR)" ]; then \
		find "$(DESTDIR)$(DATADIR)" -depth -type d -empty -delete; fi
	for f in $(UNITS); do rm -f "$(DESTDIR)$(UNITDIR)/$${f##*/}"; done
	for f in $(MAN5); do rm -f "$(DESTDIR)$(MANDIR)/man5/$${f##*/}"; done
	for f in $(MAN8); do rm -f "$(DESTDIR)$(MANDIR)/man8/$${f##*/}"; done

deps:
	@sh scripts/install-deps.sh

deps-deb:
	@sh scripts/install-deps.sh deb

run: deps
	@$(MAKE) --no-print-directory all
	@bash scripts/run.sh

test: deps
	@$(MAKE) --no-print-directory -j2 all units
	@bash tests/run.sh

deb: deps-deb
	@bash scripts/deb-build.sh

deb-check: deps-deb
	@bash scripts/deb-check.sh

bench: deps
	@$(MAKE) --no-print-directory all
	@bash scripts/bench.sh

soak: deps
	@$(MAKE) --no-print-directory all
	@bash scripts/soak.sh

clean:
	rm -rf build

FORCE:

.PHONY: all units asan fuzz fuzz-long fuzz-targets deps deps-deb run test deb deb-check bench soak clean \
	install uninstall FORCE
