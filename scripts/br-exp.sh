#!/bin/sh
# Builds the release binaries: Embedded Swift, fully static, stripped, for x86_64 and aarch64.
#
#   scripts/build-release [--arch x86_64|aarch64|all] [--libc musl|glibc]
#
# Output in .build/dist/: vigil-x86_64 and vigil-aarch64 (musl, the release), SHA256SUMS beside
# them, and vigil, a copy of this machine's own (x86_64 here), the binary scripts/test tests. With --libc glibc the
# binaries go to .build/dist/glibc/ instead (for comparison: about twice the size).
#
# SwiftPM does not cross-build Embedded Swift for another C library, so this calls swiftc and
# clang directly on the same sources SwiftPM builds: every Sources/VigilCore/**/*.swift, then
# Sources/vigil/main.swift, then every Sources/CLinux/*.c. Nothing of the time or the path goes
# into a binary (the commit does, for --version): a second build is byte-identical.
#
# Needs (Debian): musl-tools, and for aarch64 `dpkg --add-architecture arm64` with
# musl-dev:arm64 (--libc glibc: gcc-aarch64-linux-gnu and libc6-dev-arm64-cross).
set -eu
script=$(readlink -f "$0")
cd "$(dirname "$script")/.."

arches="x86_64 aarch64"
libc=musl
while [ $# -gt 0 ]; do
    case $1 in
        --arch) case ${2:-} in
                    x86_64|aarch64) arches=$2 ;;
                    all) ;;
                    *) echo "build-release: --arch takes x86_64, aarch64 or all, got '${2:-}'" >&2; exit 2 ;;
                esac; shift 2 ;;
        --libc) case ${2:-} in
                    musl|glibc) libc=$2 ;;
                    *) echo "build-release: --libc takes musl or glibc, got '${2:-}'" >&2; exit 2 ;;
                esac; shift 2 ;;
        -h|--help) sed -n '2,/^set -eu/{/^set/d;s/^# \{0,1\}//;p;}' "$script"; exit 0 ;;
        *) echo "build-release: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done

swiftc=$(command -v swiftc) || { echo "build-release: swiftc not found" >&2; exit 1; }
toolchain=$(dirname "$(readlink -f "$swiftc")")
clang=$toolchain/clang
objcopy=$toolchain/llvm-objcopy
for tool in "$clang" "$objcopy" "$toolchain/ld.lld"; do
    [ -x "$tool" ] || { echo "build-release: the Swift toolchain has no $(basename "$tool") ($tool)" >&2; exit 1; }
done
clang_include=$("$clang" -print-resource-dir)/include
resources=$(swift -print-target-info | sed -n 's/.*"runtimeResourcePath": *"\([^"]*\)".*/\1/p')

# The commit goes into `--version` (docker info shows it for docker-init); outside a git
# checkout the binary says "unknown".
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
sources=$(find Sources/VigilCore -name '*.swift' | LC_ALL=C sort)
c_sources=$(find Sources/CLinux -name '*.c' | LC_ALL=C sort)

# Swift: -Osize, one section per function (the linker drops what vigil never calls), LLVM's
# machine outliner; paths in the build directory are written as ".".
swift_flags="-enable-experimental-feature Embedded -wmo -Osize -Xfrontend -function-sections
    $EXTRA -Xllvm -enable-machine-outliner -file-prefix-map $PWD=. -Xcc -ffile-prefix-map=$PWD=."
c_flags="-Os -ffunction-sections -fdata-sections -ffile-prefix-map=$PWD=. -fno-ident
    -D_GNU_SOURCE -DVIGIL_COMMIT=\"$commit\" -I Sources/CLinux/include"
# Identical code folding (generic specializations often compile alike), no .eh_frame_hdr:
# nothing in vigil unwinds. No build id, so that nothing but the code is in the file.
link_flags="-fuse-ld=lld -static -Wl,--gc-sections -Wl,--icf=all -Wl,--no-eh-frame-hdr -Wl,--build-id=none"

need() {
    [ -e "$1" ] || { echo "build-release: $1 is missing: $2" >&2; exit 1; }
}

# Sets swift_target, swift_defines, c_target, libc_include, link_start, link_end and entry for
# one architecture and C library.
configure() {
    arch=$1
    case $arch in
        x86_64) swift_target=x86_64-unknown-linux-gnu swift_defines="" ;;
        # The toolchain's Embedded Swift has no aarch64 Linux target; the bare-metal one
        # compiles the same code once the C headers and the defines are Linux's.
        aarch64) swift_target=aarch64-none-none-elf
                 swift_defines="-D__linux__ -D__unix__ -Dlinux -D__unix -D__ELF__" ;;
    esac
    c_target=$arch-linux-gnu
    [ "$libc" = glibc ] || c_target=$arch-linux-musl
    if [ "$libc" = musl ]; then
        libc_include=/usr/include/$arch-linux-musl
        lib=/usr/lib/$arch-linux-musl
        hint="apt-get install musl-tools"
        [ "$arch" = x86_64 ] || hint="$hint musl-dev:arm64 (after dpkg --add-architecture arm64)"
        need "$libc_include/signal.h" "$hint"
        need "$lib/libc.a" "$hint"
        link_start="-nostdlib $lib/crt1.o $lib/crti.o"
        link_end="$lib/libc.a $lib/crtn.o"
        # musl calls constructors without arguments: main is CLinux's, which keeps argv.
        entry="-Xfrontend -entry-point-function-name -Xfrontend vigil_swift_main"
    else
        swift_defines="$swift_defines -D__gnu_linux__"
        entry=""
        if [ "$arch" = x86_64 ]; then
            libc_include="/usr/include/x86_64-linux-gnu /usr/include"
            need /usr/lib/x86_64-linux-gnu/libc.a "apt-get install libc6-dev"
            link_start="--target=x86_64-linux-gnu" link_end="-lm"
        else
            libc_include=/usr/aarch64-linux-gnu/include
            need "$libc_include/signal.h" "apt-get install gcc-aarch64-linux-gnu libc6-dev-arm64-cross"
            link_start="--target=aarch64-linux-gnu --gcc-toolchain=/usr" link_end="-lm"
        fi
    fi
}

# Builds .build/release-ARCH-LIBC/vigil, unstripped.
build() {
    configure "$1"
    obj=.build/release-$arch-$libc
    rm -rf "$obj"
    mkdir -p "$obj/CLinux"
    includes=""
    for dir in $libc_include $clang_include; do includes="$includes -isystem $dir"; done
    swift_includes=""
    for flag in -nostdinc $includes $swift_defines; do swift_includes="$swift_includes -Xcc $flag"; done
    printf 'module CLinux {\n    header "../../../Sources/CLinux/include/CLinux.h"\n    export *\n}\n' \
        > "$obj/CLinux/module.modulemap"

    echo "build-release: $arch ($libc): VigilCore"
    # shellcheck disable=SC2086
    "$swiftc" -target "$swift_target" $swift_flags $swift_includes -I "$obj/CLinux" \
        -parse-as-library -module-name VigilCore -emit-module -emit-module-path "$obj/VigilCore.swiftmodule" \
        -c $sources -o "$obj/VigilCore.o"
    echo "build-release: $arch ($libc): vigil"
    # shellcheck disable=SC2086
    "$swiftc" -target "$swift_target" $swift_flags $swift_includes -I "$obj/CLinux" -I "$obj" $entry \
        -module-name vigil -c Sources/vigil/main.swift -o "$obj/main.o"
    for c_source in $c_sources; do
        # shellcheck disable=SC2086
        "$clang" --target="$c_target" -nostdinc $includes $c_flags \
            -c "$c_source" -o "$obj/CLinux/$(basename "$c_source" .c).o"
    done
    echo "build-release: $arch ($libc): link"
    # The link names its inputs relative to the build directory, in a fixed order.
    # shellcheck disable=SC2086
    "$clang" --target="$c_target" $link_flags -B"$toolchain" $link_start \
        "$obj/main.o" "$obj/VigilCore.o" "$obj"/CLinux/*.o $link_end -o "$obj/vigil"
}

[ -d "$resources/embedded" ] || { echo "build-release: this toolchain has no Embedded Swift ($resources/embedded)" >&2; exit 1; }
dist=.build/dist
[ "$libc" = musl ] || dist=.build/dist/$libc
mkdir -p "$dist"
# The architectures build side by side (whole-module compiles use one core each); each one's
# output goes to its log, shown when it fails.
pids=""
for arch in $arches; do
    build "$arch" > ".build/release-$arch-$libc.log" 2>&1 &
    pids="$pids $!"
done
failed=""
for arch in $arches; do
    pid=${pids# }; pid=${pid%% *}; pids=${pids# }; pids=${pids#"$pid"}
    if wait "$pid"; then
        grep -v "warning: libc not found" ".build/release-$arch-$libc.log" || true
    else
        cat ".build/release-$arch-$libc.log" >&2
        failed="$failed $arch"
    fi
done
[ -z "$failed" ] || { echo "build-release: the build failed for:$failed" >&2; exit 1; }
for arch in $arches; do
    obj=.build/release-$arch-$libc
    # Through a new file and a rename: a running binary cannot be written over (ETXTBSY).
    "$objcopy" --strip-all "$obj/vigil" "$dist/vigil-$arch.new"
    mv -f "$dist/vigil-$arch.new" "$dist/vigil-$arch"
    echo "build-release: built $dist/vigil-$arch ($(wc -c < "$dist/vigil-$arch") bytes)"
done
# The checksums of every binary present, so that a one-architecture build keeps the other's line.
(
    cd "$dist"
    present=""
    for name in vigil-x86_64 vigil-aarch64; do [ ! -f "$name" ] || present="$present $name"; done
    # shellcheck disable=SC2086
    sha256sum $present > SHA256SUMS
)
# .build/dist/vigil: this machine's own, the binary scripts/test and the benchmark run.
host=$(uname -m)
if [ "$libc" = musl ] && [ -f "$dist/vigil-$host" ]; then
    cp "$dist/vigil-$host" "$dist/vigil.new"
    mv -f "$dist/vigil.new" "$dist/vigil"
fi
cat "$dist/SHA256SUMS"
