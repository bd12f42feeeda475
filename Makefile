# Makefile — builds libobs.a (every module but the mains) and the programs on
# top of it; runs the tests, the demo and the benchmark. Plain GNU make.
#
#   make            build obsagent, obsq, obstop and the test tools
#   make test       build and run every test; last line "N passed, N failed"
#   make demo       build, generate sample logs, import them, print a summary
#   make bench      import, query, obstop-frame, EMF-endpoint, /metrics,
#                   follow-mode and ClickHouse (forwarding, queries on both
#                   engines) benchmarks (BENCH_QUERY=0, ... skip one);
#                   BENCH_COMPRESS=1 adds what zstd would make of the
#                   message text (bench/bench_compress.sh, needs libzstd)
#   make fuzz       run each libFuzzer target (clang) for FUZZ_SECONDS (60)
#   make soak       the follow-mode suite with 10x longer kill-and-rotate soaks
#                   (rename; copytruncate through symlinked paths), the
#                   copytruncate + restart loop 32 times, and the
#                   files+TCP+UDP load test for a minute
#   make valgrind   each program's main paths under valgrind memcheck (no leaks,
#                   no memory errors); not part of make test
#   make install    the programs, man pages, bash and zsh completion, the
#                   systemd unit and its environment file under PREFIX
#                   (/usr/local) in DESTDIR; make uninstall removes them
#   make deb        a Debian package, build/obs_VERSION_ARCH.deb
#   make check-fresh  debootstrap a Debian 12 into FRESH_DIR, chroot, and run
#                   make demo, make test and the package there from a clean
#                   clone (slow, needs root and the Debian mirror; not in test)
#   make deps       install every Debian package any target needs (as root);
#                   deps-test, deps-bench, deps-fuzz: one group (scripts/deps.sh)
#   SANITIZE=address,undefined   build (into build-san/) with sanitizers
#   WERROR=1        treat warnings as errors (CI sets it)
#   V=1             show full compiler command lines

.DEFAULT_GOAL := all
CC       ?= cc
OBS_VERSION := $(shell sed -n 's/^\#define OBS_VERSION "\(.*\)"/\1/p' common/obs.h)
PKGS     := sqlite3 libcjson libpcre2-8 libuv libmicrohttpd libcurl zlib
SANITIZE ?=
WERROR   ?=

ifeq ($(SANITIZE),)
BUILD    := build
OPT      := -O2
else
BUILD    := build-san
OPT      := -O1 -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
SAN_LD   := -fsanitize=$(SANITIZE)
endif

WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ifneq ($(WERROR),)
WARN     += -Werror
endif

# Dependencies: the build's packages are checked before anything is built
# (scripts/deps.sh build): as root the missing ones are installed, else the
# apt-get line is printed and make stops there. config.mk caches
# pkg-config's answer. The tests' tools are installed by make test
# (deps-test), not by the build.
NODEPS_GOALS := clean deps deps-test deps-bench deps-fuzz deps-deb check-fresh uninstall
ifneq ($(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
ifeq ($(shell sh scripts/deps.sh --check build && echo ok),)
ifeq ($(shell sh scripts/deps.sh build >&2 && echo ok),)
$(error the build needs the packages above)
endif
endif
-include $(BUILD)/config.mk
endif
$(BUILD)/config.mk: scripts/deps.sh Makefile
	@mkdir -p $(BUILD)
	@printf 'PKG_CFLAGS := %s\nPKG_LIBS := %s\nCURSES_CFLAGS := %s\nCURSES_LIBS := %s\n' \
	  "$$(pkg-config --cflags $(PKGS))" "$$(pkg-config --libs $(PKGS))" \
	  "$$(pkg-config --cflags ncursesw)" "$$(pkg-config --libs ncursesw)" > $@

CFLAGS   ?= -g
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE -I. $(OPT) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP
LDLIBS   := $(PKG_LIBS) -lm
# obsq runs once per query: SQLite and PCRE2 are linked into it from the
# same Debian packages' static archives, which saves ~0.5 ms of dynamic
# loading of a ~10 ms query (docs/performance.md). The long-running
# obsagent and obstop load them as shared libraries.
OBSQ_LIBS := -Wl,-Bstatic -lsqlite3 -lpcre2-8 -Wl,-Bdynamic $(filter-out -lsqlite3 -lpcre2-8,$(LDLIBS))

ifeq ($(V),1)
Q :=
else
Q := @
endif

# tui/term.c is the only file that includes curses: it is built with
# ncursesw's flags and linked into obstop only.
# Every module's folder: the library is all of them but the programs' mains.
MODULES  := common emf lambda clickhouse store agent agent/tail agent/net agent/prom agent/forward \
            query query/cmds query/pattern query/sqlfuncs query/clickhouse query/obsq query/report tui
MAINS    := agent/main.c query/obsq/main.c tui/main.c tui/term.c
LIB_SRC  := $(filter-out $(MAINS),$(foreach m,$(MODULES),$(wildcard $(m)/*.c)))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB      := $(BUILD)/libobs.a
PROGS    := $(BUILD)/obsagent $(BUILD)/obsq $(BUILD)/obstop
# unit tests mirror the modules: tests/unit/<module>/test_<what>.c
UNIT_SRC := $(foreach m,$(MODULES),$(wildcard tests/unit/$(m)/test_*.c))
UNITS    := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
TOOLS    := $(BUILD)/lambdagen $(BUILD)/bench_raw_insert $(BUILD)/bench_frame $(BUILD)/timeit
# made from the option tables at build time (scripts/gendoc.c): the man
# pages from docs/man/*.in, the completion scripts
GENDOC   := $(BUILD)/gendoc
MANPAGES := $(patsubst docs/man/%.in,$(BUILD)/man/%,$(wildcard docs/man/*.in))
BASHCOMP := $(patsubst %,$(BUILD)/completion/bash/%,obsagent obsq obstop)
ZSHCOMP  := $(patsubst %,$(BUILD)/completion/zsh/_%,obsagent obsq obstop)
DOCS     := $(MANPAGES) $(BASHCOMP) $(ZSHCOMP)
# the fuzz targets again, with a plain main (tests/fuzz/driver.c): make test
# runs them over their seeds and regression inputs without clang
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_RUN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/%)

.PHONY: all test test-unit demo bench fuzz soak valgrind deps deps-test deps-bench deps-fuzz deps-deb \
        clean install uninstall deb check-fresh
# keep the objects of the tests and tools (make would delete them as
# intermediate files, and print one long rm line at the end of every run)
.SECONDARY:
all: $(PROGS) $(DOCS) $(TOOLS) $(UNITS) $(FUZZ_RUN)

# Objects depend on the flags: switching WERROR=1 (or CFLAGS) rebuilds them,
# so a warning can't hide in an object built without -Werror.
FLAGS_FILE := $(BUILD)/cflags
$(FLAGS_FILE): FORCE
	@mkdir -p $(BUILD)
	@echo '$(ALL_CFLAGS)' | cmp -s - $@ || echo '$(ALL_CFLAGS)' > $@
.PHONY: FORCE
FORCE:

$(BUILD)/%.o: %.c $(FLAGS_FILE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(BUILD)/obsagent: $(BUILD)/agent/main.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^ $(LDLIBS)
$(BUILD)/obsq: $(BUILD)/query/obsq/main.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^ $(OBSQ_LIBS)
$(BUILD)/tui/term.o: ALL_CFLAGS += $(CURSES_CFLAGS)
$(BUILD)/obstop: $(BUILD)/tui/main.o $(BUILD)/tui/term.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^ $(LDLIBS) $(CURSES_LIBS)
$(BUILD)/lambdagen: $(BUILD)/tests/gen/lambdagen.o
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^ -lm
$(BUILD)/bench_raw_insert: $(BUILD)/bench/bench_raw_insert.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^ $(LDLIBS)
# not in TOOLS: it alone links libzstd (a bench dependency), so `make` and
# `make test` never need it; make bench builds it for BENCH_COMPRESS=1
$(BUILD)/bench_compress: $(BUILD)/bench/bench_compress.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^ $(LDLIBS) -lzstd
$(BUILD)/bench_frame: $(BUILD)/bench/bench_frame.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^ $(LDLIBS)
$(GENDOC): $(BUILD)/scripts/gendoc.o $(LIB)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^ $(LDLIBS)
$(BUILD)/man/%: docs/man/%.in $(GENDOC)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(GENDOC) man $(basename $*) $< >$@.tmp && mv $@.tmp $@
$(BUILD)/completion/bash/%: $(GENDOC)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(GENDOC) bash $* >$@.tmp && mv $@.tmp $@
$(BUILD)/completion/zsh/_%: $(GENDOC)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  GEN     $@")
	$(Q)$(GENDOC) zsh $* >$@.tmp && mv $@.tmp $@
$(BUILD)/timeit: $(BUILD)/bench/timeit.o
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^
$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^ $(LDLIBS)
$(BUILD)/fuzz/%: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz/driver.o $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(SAN_LD) -o $@ $^ $(LDLIBS)

test: deps-test all
	@BUILD=$(BUILD) sh tests/run.sh

test-unit: $(UNITS)
	@BUILD=$(BUILD) sh tests/run.sh unit

valgrind: all
	@BUILD=$(BUILD) sh tests/valgrind.sh

# the demo needs the programs and the generator only
demo: $(PROGS) $(BUILD)/lambdagen
	@BUILD=$(BUILD) sh scripts/demo.sh

bench: deps-test deps-bench all
	@BUILD=$(BUILD) sh bench/bench_import.sh
	@echo
	@BUILD=$(BUILD) sh bench/bench_query.sh
	@echo
	@BUILD=$(BUILD) sh bench/bench_obstop.sh
	@echo
	@BUILD=$(BUILD) sh bench/bench_emf.sh
	@echo
	@BUILD=$(BUILD) sh bench/bench_metrics.sh
	@if [ "$${BENCH_FOLLOW:-1}" != 0 ]; then echo; BUILD=$(BUILD) sh bench/bench_follow.sh; fi
	@echo
	@BUILD=$(BUILD) sh bench/bench_clickhouse.sh
	@if [ "$${BENCH_COMPRESS:-0}" = 1 ]; then echo; $(MAKE) --no-print-directory $(BUILD)/bench_compress && \
	  BUILD=$(BUILD) sh bench/bench_compress.sh; fi

# Fuzzing: each tests/fuzz/fuzz_X.c is built by clang with libFuzzer + ASan +
# UBSan into build-fuzz/ (over the library built the same way, once), and
# run for FUZZ_SECONDS with its seeds tests/fuzz/corpus/X/ and regression
# inputs tests/fuzz/regressions/X/ (when present). A crash stops make with
# the fuzzer's report; the input is written to build-fuzz/crash-*.
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS := -g -O1 -std=c11 -D_GNU_SOURCE -I. -fno-sanitize-recover=all $(PKG_CFLAGS)
FUZZ_OBJ := $(LIB_SRC:%.c=build-fuzz/%.o)
build-fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CLANG   $<")
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build-fuzz/libobs.a: $(FUZZ_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c build-fuzz/libobs.a
	@$(if $(Q),echo "  CLANG   $@")
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)
fuzz: deps-fuzz $(BUILD)/config.mk $(FUZZ_SRC:tests/fuzz/%.c=build-fuzz/%)
	@for f in $(FUZZ_SRC); do \
	  n=$$(basename $$f .c); x=$${n#fuzz_}; \
	  echo "  FUZZ    $$n ($(FUZZ_SECONDS) s)"; \
	  mkdir -p build-fuzz/corpus-$$n; \
	  seeds=; for d in tests/fuzz/corpus/$$x tests/fuzz/regressions/$$x; do [ -d $$d ] && seeds="$$seeds $$d"; done; \
	  build-fuzz/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -artifact_prefix=build-fuzz/ \
	    build-fuzz/corpus-$$n $$seeds >build-fuzz/$$n.log 2>&1; st=$$?; \
	  if [ $$st -ne 0 ]; then tail -n 40 build-fuzz/$$n.log; exit 1; fi; \
	  grep -E '^Done [0-9]+ runs' build-fuzz/$$n.log | tail -n 1; \
	done

soak: all
	@SOAK_LINES=$${SOAK_LINES:-60000} SOAK_MS=$${SOAK_MS:-240000} \
	  SOAK_CT_LINES=$${SOAK_CT_LINES:-30000} SOAK_CT_MS=$${SOAK_CT_MS:-120000} BUILD=$(BUILD) \
	  sh tests/e2e/test_follow.sh
	@COPYTRUNC_RUNS=$${COPYTRUNC_RUNS:-32} BUILD=$(BUILD) sh tests/e2e/test_exactly_once.sh
	@LOAD_SECONDS=$${LOAD_SECONDS:-60} LOAD_FILE_RATE=$${LOAD_FILE_RATE:-60000} \
	  LOAD_TCP_RATE=$${LOAD_TCP_RATE:-20000} LOAD_UDP_RATE=$${LOAD_UDP_RATE:-5000} \
	  BUILD=$(BUILD) sh tests/e2e/test_load.sh

deps:
	@sh scripts/deps.sh all
deps-test deps-bench deps-fuzz deps-deb:
	@sh scripts/deps.sh --check $(@:deps-%=%) || sh scripts/deps.sh $(@:deps-%=%)

# Installing: PREFIX and DESTDIR as usual; each directory can be set apart
# (make deb sets the Debian ones).
PREFIX         ?= /usr/local
BINDIR         ?= $(PREFIX)/bin
MANDIR         ?= $(PREFIX)/share/man
BASHCOMPDIR    ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR     ?= $(PREFIX)/share/zsh/site-functions
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR     ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
INSTALLED := $(BINDIR)/obsagent $(BINDIR)/obsq $(BINDIR)/obstop \
             $(MANDIR)/man1/obsagent.1 $(MANDIR)/man1/obsq.1 $(MANDIR)/man1/obstop.1 \
             $(MANDIR)/man5/obs-store.5 $(BASHCOMPDIR)/obsagent $(BASHCOMPDIR)/obsq \
             $(BASHCOMPDIR)/obstop $(ZSHCOMPDIR)/_obsagent $(ZSHCOMPDIR)/_obsq $(ZSHCOMPDIR)/_obstop \
             $(SYSTEMDUNITDIR)/obsagent.service
install: $(PROGS) $(DOCS)
	@D='$(DESTDIR)'; \
	install -d "$$D$(BINDIR)" "$$D$(MANDIR)/man1" "$$D$(MANDIR)/man5" "$$D$(BASHCOMPDIR)" \
	  "$$D$(ZSHCOMPDIR)" "$$D$(SYSTEMDUNITDIR)" "$$D$(SYSCONFDIR)/default" && \
	install -m 0755 $(PROGS) "$$D$(BINDIR)" && \
	install -m 0644 $(filter %.1,$(MANPAGES)) "$$D$(MANDIR)/man1" && \
	install -m 0644 $(filter %.5,$(MANPAGES)) "$$D$(MANDIR)/man5" && \
	install -m 0644 $(BASHCOMP) "$$D$(BASHCOMPDIR)" && \
	install -m 0644 $(ZSHCOMP) "$$D$(ZSHCOMPDIR)" && \
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' packaging/obsagent.service.in \
	  >"$$D$(SYSTEMDUNITDIR)/obsagent.service" && chmod 0644 "$$D$(SYSTEMDUNITDIR)/obsagent.service" && \
	if [ -e "$$D$(SYSCONFDIR)/default/obsagent" ]; then \
	  echo "  kept    $$D$(SYSCONFDIR)/default/obsagent (yours; the example is packaging/obsagent.default)"; \
	else install -m 0644 packaging/obsagent.default "$$D$(SYSCONFDIR)/default/obsagent"; fi && \
	echo "  installed obsagent, obsq, obstop in $$D$(BINDIR), their man pages, completions and obsagent.service"
uninstall:
	@D='$(DESTDIR)'; for f in $(INSTALLED); do rm -f "$$D$$f"; done; \
	if cmp -s packaging/obsagent.default "$$D$(SYSCONFDIR)/default/obsagent"; then \
	  rm -f "$$D$(SYSCONFDIR)/default/obsagent"; \
	elif [ -e "$$D$(SYSCONFDIR)/default/obsagent" ]; then \
	  echo "  kept    $$D$(SYSCONFDIR)/default/obsagent (changed from the example)"; fi; \
	echo "  removed obsagent, obsq, obstop from $$D$(BINDIR), their man pages, completions and obsagent.service"

# The Debian package: installed into a staging root with Debian's paths,
# its Depends from the shared libraries the programs link (dpkg-shlibdeps).
deb: deps-deb $(PROGS) $(DOCS)
	@BUILD=$(BUILD) VERSION=$(OBS_VERSION) MAKE='$(MAKE)' sh packaging/deb.sh

# A Debian 12 bootstrapped from nothing but git, make, gcc and libc6-dev.
FRESH_DIR ?= /var/tmp/obs-fresh
check-fresh:
	@FRESH_DIR=$(FRESH_DIR) sh scripts/check_fresh.sh

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
