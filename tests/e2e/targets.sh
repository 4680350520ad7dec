#!/bin/sh
# End to end, for every Debian-based target (debian1[123]-*): install from a
# loopback mirror of real Debian packages, build the cgo probe (C + C++) with
# `go build` inside the emitted env sourced by a non-interactive sh with no
# profile files, run it under qemu-user-static and check its output.
# Debian-musl targets: the C++ probe must be refused with the clear message and
# the C-only probe must build (static) and run.
# libc++ targets (-libcxx): gotc check finds no GLIBCXX_ need in the probe and
# refuses a program that links a libstdc++-built archive.
# On the targets of GOTC_E2E_GOTEST and GOTC_E2E_GO122 (one per GOARCH)
# `go test` runs a cgo module that needs Go 1.22 through go_linux_GOARCH_exec,
# with the target's own Go and as TARGET@go1.22 (sharing the toolchain and
# sysroot entries, with its own GOCACHE).  On those of GOTC_E2E_PACKAGES,
# TARGET --with zlib1g-dev,libssl-dev,libsqlite3-dev builds and runs the zlib,
# libcrypto and sqlite3 programs (tests/lib/libs.sh; tests/e2e/packages.sh
# has arm64 and a clang target).  On those of GOTC_E2E_DOCTOR `gotc doctor`
# runs.  Each step's wall and CPU seconds go to the matrix lines.
# Targets of one GOARCH share the standard library build: each GOCACHE
# starts as a copy of the last one of that GOARCH (seed_cache).
# GOTC_E2E_TARGETS="a b" limits the set.  Debian downloads are cached in
# GOTC_DEB_CACHE (default /var/cache/gotc-test/debs) between runs.
. "${GOTC_SRC:-.}/tests/lib/cli.sh"
. "$ROOT/tests/lib/pipeline.sh"
. "$ROOT/tests/lib/libs.sh"
started=$(date +%s)
# left out by default (name them in GOTC_E2E_TARGETS to run them):
# debian12-x86_64-libcxx, as debian12-arm64-libcxx runs the same libc++
# checks; debian13-riscv64-clang, for CI time (debian13-riscv64 has its
# sysroot, debian12-riscv64-clang its compiler)
targets=${GOTC_E2E_TARGETS:-$(cd "$ROOT/targets" && ls debian11-*.ini debian12-*.ini debian13-*.ini | sed 's/\.ini$//' |
	grep -vx -e debian12-x86_64-libcxx -e debian13-riscv64-clang)}
# go test of the Go 1.22 module on arm64, armv7, riscv64 and x86_64 (once
# per GOARCH), with the target's own Go (GOTC_E2E_GOTEST: its GOCACHE holds
# the standard library already) and as TARGET@go1.22 (GOTC_E2E_GO122: the
# standard library build of Go 1.22 for that GOARCH is its cost)
GO_AXIS="debian12-arm64 debian12-armv7 debian12-riscv64 debian12-x86_64"
GOTEST_TARGETS=${GOTC_E2E_GOTEST-$GO_AXIS}
GO122_TARGETS=${GOTC_E2E_GO122-$GO_AXIS}
# sysroot packages (zlib, libcrypto, sqlite3) on these gcc targets as
# TARGET@with-...; tests/e2e/packages.sh has debian12-arm64 and its clang
# target.  riscv64 is debian13-riscv64 (trixie's index): Debian 12 has no
# riscv64 in its archive, so debian12-riscv64's recipe has no [packages].
PKG_TARGETS=${GOTC_E2E_PACKAGES-debian12-armv7 debian12-mips64le debian12-x86_64 debian13-riscv64}
# gotc doctor (its C, C++, cgo and Go probes built, checked and run under
# qemu) on these; tests/e2e/abi.sh doctors the arm64 and armv7 ones
DOCTOR_TARGETS=${GOTC_E2E_DOCTOR-debian13-riscv64}
PKG_INSTANCE_SUFFIX=@with-$(printf '%s\n' $LIBS_PACKAGES | sort | paste -sd_)
# the mirror serves the signed index of each such target's architecture and
# the packages of the closure
mirror_args=
for t in $PKG_TARGETS; do
	case " $(echo $targets) " in *" $t "*) ;; *) continue ;; esac
	da=$(libs_suite "$t" architecture)
	ds=$(libs_suite "$t")
	# (a sysroot recipe without [packages] fails that target's packages step)
	[ -n "$da" ] || continue
	mirror_args="$mirror_args --index $ds:$da"
	for p in $(libs_closure "$ds"); do
		mirror_args="$mirror_args --package $p:$da@$ds"
	done
done
# shellcheck disable=SC2086
serve_debian_mirror $mirror_args
# one GOTC_HOME for all targets: shared entries (Go) are stored once
export GOTC_PATH="$ROOT"
case $(uname -m) in x86_64) hostgoarch=amd64 ;; aarch64) hostgoarch=arm64 ;; *) hostgoarch=$(uname -m) ;; esac
matrix=
bundled=
# cpu_now: cpu = the CPU seconds (user + system) this script and the
# children it waited for have used so far (on a loaded machine wall time
# says little); `times` runs in this shell, not in a subshell
cpu_now() {
	times >"$TMPROOT/times"
	cpu=$(awk '{ for (i = 1; i <= 2; i++) { split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2] } }
		END { printf "%d\n", t + 0.5 }' "$TMPROOT/times")
}
# lap STEP: the wall and CPU seconds since the last lap go to this target's
# step list as STEP=WALL/CPU
lap() {
	_now=$(date +%s)
	cpu_now
	steps="$steps $1=$((_now - lap0))/$((cpu - clap0))"
	lap0=$_now clap0=$cpu
}
for t in $targets; do
	cpu_now
	tstart=$(date +%s) ctstart=$cpu
	lap0=$tstart clap0=$ctstart
	steps=
	res=pass
	g -q install "$t"
	lap install
	if [ "$rc" -ne 0 ]; then
		notok "$t: install" "$(cat "$T/err")"
		matrix="$matrix
# matrix $t FAIL (install)"
		continue
	fi
	ok "$t: install"
	[ -n "$bundled" ] || bundled=$t
	kver=$(sed -n 's/^version = //p' "$ROOT/recipes/kernel/$(sed -n 's/^kernel_headers = //p' "$ROOT/targets/$t.ini").ini")
	# GOARCH, its sub-architecture setting and the instance's GOCACHE
	env -i PATH=/usr/bin:/bin sh -c ". \"\$(\"$GOTC_BIN\" --home \"$GOTC_HOME\" env $t)\" &&
		printf '%s\n' \"\$GOARCH\" \"\${GOARM:-}\${GOMIPS:-}\${GOMIPS64:-}\${GORISCV64:-}\${GOAMD64:-}\${GOARM64:-}\" \"\$GOCACHE\"" \
		>"$TMPROOT/goenv"
	{ read -r goarch; read -r gosub; read -r gocache; } <"$TMPROOT/goenv"
	# the standard library is compiled once per GOARCH (tests/lib/libs.sh)
	seed_cache "$gocache" "$goarch-$gosub"
	musl=no
	grep -q '^cxx_stdlib = none' "$ROOT/targets/$t.ini" && musl=yes
	w="$T/work-$t"
	mkdir -p "$w"
	cp -R "$ROOT/tests/e2e/probe" "$ROOT/tests/e2e/probe-c" "$w/"
	# The env is sourced by sh with no profile files and a minimal environment.
	run_in_env() {
		env -i HOME="$T" PATH=/usr/bin:/bin GOTC_HOME="$GOTC_HOME" \
			sh -c ". \"\$(\"$GOTC_BIN\" env $t)\" && cd \"$w/$1\" && go build -o probe-bin . && \
			go_linux_\${GOARCH}_exec ./probe-bin" \
			>"$w/$1.out" 2>&1
	}
	# run_cmd DIR CMD: a command in the env, in $w/DIR; output in $w/DIR.out
	run_cmd() {
		env -i HOME="$T" PATH=/usr/bin:/bin GOTC_HOME="$GOTC_HOME" \
			sh -c ". \"\$(\"$GOTC_BIN\" env $t)\" && cd \"$w/$1\" && $2" >"$w/$1.out" 2>&1
	}
	if [ $musl = no ]; then
		if run_in_env probe; then
			want="GOARCH=$goarch
LINUX_VERSION_CODE=$kver
CXX=gotc+std::string"
			if [ "$(cat "$w/probe.out")" = "$want" ]; then
				ok "$t: cgo C + C++ probe runs under qemu"
			else
				res=fail
				notok "$t: probe output" "got: $(cat "$w/probe.out") want: $want"
			fi
		else
			res=fail
			notok "$t: build and run the C + C++ probe" "$(tail -15 "$w/probe.out")"
		fi
	else
		if run_in_env probe; then
			res=fail
			notok "$t: C++ must be refused on a musl target without a C++ library"
		elif grep -q "has no C++ standard library" "$w/probe.out"; then
			ok "$t: C++ refused with a clear message"
		else
			res=fail
			notok "$t: C++ refusal message" "$(tail -5 "$w/probe.out")"
		fi
		if run_in_env probe-c; then
			want="GOARCH=$goarch
LINUX_VERSION_CODE=$kver
C=4"
			if [ "$(cat "$w/probe-c.out")" = "$want" ]; then
				ok "$t: cgo C probe runs under qemu"
			else
				res=fail
				notok "$t: C probe output" "got: $(cat "$w/probe-c.out")"
			fi
			if file "$w/probe-c/probe-bin" | grep -q 'statically linked'; then
				ok "$t: the musl binary is static"
			else
				res=fail
				notok "$t: the musl binary is static" "$(file "$w/probe-c/probe-bin")"
			fi
		else
			res=fail
			notok "$t: build and run the C probe" "$(tail -15 "$w/probe-c.out")"
		fi
	fi
	lap probe
	# libc++ targets: the probe needs libc++ only (no GLIBCXX_), and a
	# libstdc++-built archive linked into a program is refused by gotc check
	# (built with the same arch's libstdc++ clang target: one more sysroot)
	if [ $res = pass ] && grep -q '^cxx_stdlib = libc++' "$ROOT/targets/$t.ini"; then
		g check "$t" "$w/probe/probe-bin"
		if [ "$rc" -eq 0 ] && grep -q 'cxx-stdlib: libc++ (needs libc++.so.1)' "$T/out" &&
			grep -q 'glibcxx: no GLIBCXX_ symbol versions required' "$T/out"; then
			ok "$t: gotc check: the probe needs libc++ only, no GLIBCXX_"
		else
			res=fail
			notok "$t: gotc check of the libc++ probe" "$(cat "$T/out" "$T/err")"
		fi
		gt=${t%-libcxx}-clang
		g -q install "$gt"
		mkdir -p "$w/mix"
		printf '#include <string>\nextern "C" int gnu_len(const char *s) { std::string x(s); x += "-gnu"; return (int)x.size(); }\n' >"$w/mix/gnu.cc"
		printf '#include <stdio.h>\nint gnu_len(const char *);\nint main(void) { printf("%%d\\n", gnu_len("abc")); return 0; }\n' >"$w/mix/m.c"
		gb="$GOTC_HOME/targets/$gt/bin" gs="$GOTC_HOME/targets/$gt/sysroot"
		# libstdc++'s code goes into the archive (a relocatable link with
		# libstdc++.a), as a vendor's prebuilt archive would carry it
		if (cd "$w/mix" && "$gb/c++" -O2 -c gnu.cc -o gnu.o &&
			"$gb/c++" -r -nostdlib gnu.o "$(ls "$gs"/usr/lib/gcc-cross/*/12/libstdc++.a)" -o gnu-all.o &&
			"$gb/ar" rcs libgnu.a gnu-all.o) >"$w/mix.out" 2>&1 &&
			run_cmd mix 'cc -c m.c -o m.o && c++ m.o -L. -lgnu -o mixed && go_linux_${GOARCH}_exec ./mixed' &&
			[ "$(cat "$w/mix.out")" = 7 ]; then
			g check "$t" "$w/mix/mixed"
			if [ "$rc" -eq 1 ] && grep -q 'cxx-stdlib: uses both libstdc++ (symbol .*__cxx11.*) and libc++' "$T/out"; then
				ok "$t: gotc check refuses a program with a libstdc++-built archive"
			else
				res=fail
				notok "$t: gotc check of the libstdc++/libc++ mix" "rc=$rc $(cat "$T/out" "$T/err")"
			fi
		else
			res=fail
			notok "$t: build the libstdc++/libc++ mix" "$(tail -15 "$w/mix.out")"
		fi
	fi
	lap libcxx
	case $t in debian12-x86_64* | debian13-riscv64-clang)
		# libc6-dev-amd64-cross's libm.a is a linker script naming native
		# absolute paths: gotc rewrites its members into the sysroot;
		# Debian 13's riscv64 libc.a needs lld (GNU ld 2.40 crashes on it)
		cp -R "$ROOT/tests/e2e/packages/static-lm" "$w/"
		if run_cmd static-lm 'go build -ldflags=-extldflags=-static -o lm . && $GOTC_QEMU ./lm' &&
			[ "$(cat "$w/static-lm.out")" = "libm=0.742058" ] && file "$w/static-lm/lm" | grep -q 'statically linked'; then
			ok "$t: static cgo -lm builds and runs under qemu"
			g check "$t" "$w/static-lm/lm"
			check "$t: gotc check of the static -lm binary" 0
		else
			res=fail
			notok "$t: static cgo -lm" "$(tail -15 "$w/static-lm.out")"
		fi
	esac
	lap static-lm
	# go test of a cgo module that needs Go 1.22 (range over int, per-iteration
	# loop variables) through the target's go_linux_GOARCH_exec, with the
	# target's Go and, on the targets of GOTC_E2E_GO122, with --go 1.22 too
	case " $GOTEST_TARGETS $GO122_TARGETS " in *" $t "*)
		for inst in $(case " $GOTEST_TARGETS " in *" $t "*) echo "$t" ;; esac) \
			$(case " $GO122_TARGETS " in *" $t "*) echo "$t@go1.22" ;; esac); do
			cpu_now
			gstart=$(date +%s) cgstart=$cpu
			if [ "$inst" != "$t" ]; then
				g -q install "$t" --go 1.22
				if [ "$rc" -ne 0 ]; then
					res=fail
					notok "$inst: install" "$(cat "$T/err")"
					continue
				fi
				# both instances share the toolchain and sysroot entries
				same=yes
				for l in toolchain sysroot; do
					[ "$(readlink "$GOTC_HOME/targets/$t/$l")" = "$(readlink "$GOTC_HOME/targets/$inst/$l")" ] || same=no
				done
				gc1=$("$GOTC_BIN" env --format=json "$t" | grep '"GOCACHE"')
				gc2=$("$GOTC_BIN" env --format=json "$inst" | grep '"GOCACHE"')
				if [ $same = yes ] && [ -n "$gc1" ] && [ "$gc1" != "$gc2" ]; then
					ok "$inst: shares $t's toolchain and sysroot store entries, has its own GOCACHE"
				else
					res=fail
					notok "$inst: shared entries, own GOCACHE" "$(ls -l "$GOTC_HOME/targets/$t/" "$GOTC_HOME/targets/$inst/") $gc1 $gc2"
				fi
			fi
			cp -R "$ROOT/tests/e2e/go122" "$w/go122-$inst"
			# go test uses go_linux_GOARCH_exec by itself for another GOARCH; on the host's own, -exec
			xflag=
			[ "$goarch" = "$hostgoarch" ] && xflag="-exec go_linux_${goarch}_exec"
			env -i HOME="$T" PATH=/usr/bin:/bin GOTC_HOME="$GOTC_HOME" \
				sh -c ". \"\$(\"$GOTC_BIN\" env $inst)\" && cd \"$w/go122-$inst\" && go version && go test -count=1 -v $xflag ." \
				>"$w/go122-$inst.out" 2>&1
			grc=$?
			gv=$(sed -n 's/^go version \(go[0-9.]*\) .*/\1/p' "$w/go122-$inst.out")
			if [ $grc -eq 0 ] && grep -qx 'closures: 0 1 2' "$w/go122-$inst.out" &&
				grep -q "^cgo: \[0 2 4\] on linux/$goarch, LD_LIBRARY_PATH=/" "$w/go122-$inst.out"; then
				ok "$inst: go test of a go 1.22 cgo module through go_linux_${goarch}_exec ($gv): closures 0 1 2"
				gres=pass
			else
				res=fail
				gres=fail
				notok "$inst: go test of the go 1.22 module ($gv)" "$(tail -15 "$w/go122-$inst.out")"
			fi
			cpu_now
			matrix="$matrix
# gotest $t $gv $gres ($(($(date +%s) - gstart)) s, cpu $((cpu - cgstart)) s)"
		done
	esac
	lap gotest
	case " $DOCTOR_TARGETS " in *" $t "*)
		g doctor "$t"
		if [ "$rc" -eq 0 ] && grep -q "^$t: [0-9]* checks, 0 failed, 0 skipped" "$T/out"; then
			ok "$t: doctor ($(grep "^$t: " "$T/out"))"
		else
			res=fail
			notok "$t: doctor" "$(grep -v ' ok ' "$T/out" "$T/err")"
		fi
		lap doctor
	esac
	# zlib, libcrypto and sqlite3 from the sysroot's distribution: the
	# instance shares the target's toolchain, sysroot and Go entries
	case " $PKG_TARGETS " in *" $t "*)
		pinst=$t$PKG_INSTANCE_SUFFIX
		g -q install "$t" --with "$(echo $LIBS_PACKAGES | tr ' ' ,)"
		if [ "$rc" -ne 0 ] || [ ! -d "$GOTC_HOME/targets/$pinst" ]; then
			res=fail
			notok "$pinst: install" "$(cat "$T/err"; ls "$GOTC_HOME/targets")"
		else
			ok "$pinst: install --with $LIBS_PACKAGES"
			seed_cache "$(gocache_of "$pinst")" "$goarch-$gosub"
			check_libs "$pinst" "$w/libs" "$(libs_suite "$t")"
			[ "$libs_res" = pass ] || res=fail
			matrix="$matrix
# packages $t zlib,crypto,sqlite $libs_res (build+run+check $libs_time s)"
		fi
		lap packages
	esac
	cpu_now
	matrix="$matrix
# matrix $t $res ($(($(date +%s) - tstart)) s, cpu $((cpu - ctstart)) s; wall/cpu:$steps)"
	rm -rf "$w"
done
stop_server
# Bundle round trip of a real installed Debian target: Debian's Go carries
# non-UTF-8-safe names (test/fixedbugs/issue27836.dir/\303\204foo.go); every
# store entry must come back byte for byte in another home, with no network.
if [ -n "$bundled" ]; then
	bstart=$(date +%s)
	H1=$GOTC_HOME
	B="$TMPROOT/real.gotc"
	g bundle "$bundled" -o "$B"
	check "$bundled: bundle of a real Debian target" 0
	zstd -q -dc "$B" 2>/dev/null | tar -t 2>/dev/null | grep -q 'issue27836.dir/.*foo.go$' &&
		ok "$bundled: the bundle carries Go's Äfoo.go" || notok "$bundled: Äfoo.go in the bundle"
	H2="$TMPROOT/home2"
	GOTC_HOME=$H2
	g install --from-bundle "$B"
	check "$bundled: install --from-bundle in another home" 0
	same=yes n=0
	for e in "$H2"/store/*/; do
		[ -d "$e" ] || continue
		e=$(basename "$e")
		n=$((n + 1))
		# the manifests (every file's sha256) are equal, and gotc verify
		# below checks every byte against them
		if ! cmp -s "$H1/store/$e/manifest" "$H2/store/$e/manifest"; then
			same="$e: the manifests differ"
			break
		fi
		[ "$(cd "$H1/store/$e" && find . -print0 | sort -z | xargs -0 stat -c '%n %a %s' | md5sum)" = \
			"$(cd "$H2/store/$e" && find . -print0 | sort -z | xargs -0 stat -c '%n %a %s' | md5sum)" ] ||
			same="$e: names, modes or sizes differ"
	done
	[ "$n" -ge 3 ] || same="only $n store entries installed from the bundle"
	[ "$same" = yes ] && ok "$bundled: every store entry round-trips exactly" || notok "$bundled: store entries differ" "$same"
	g verify
	check "$bundled: verify after install --from-bundle" 0
	GOTC_HOME=$H1
	rm -rf "$H2" "$B"
	echo "# bundle round trip: $(($(date +%s) - bstart)) s"
fi
echo "$matrix"
cpu_now
echo "# e2e total time: $(($(date +%s) - started)) s, cpu $cpu s"
done_testing
