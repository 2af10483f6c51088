#!/usr/bin/env bash
# Installs the Debian packages handoff needs: tesseract (OCR of scanned pages), poppler-utils (pdftoppm,
# used by tests to check rendered pages), chromium (the browser tests of the web queue, with Playwright),
# redis-server and rabbitmq-server (the pipeline's brokers in tests). With --optional (make run), only OCR,
# and a failure only warns (make run works without OCR).
set -euo pipefail
optional=false
[[ "${1:-}" == "--optional" ]] && optional=true

missing=()
command -v tesseract >/dev/null || missing+=(tesseract-ocr tesseract-ocr-eng)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if ! $optional; then  # the browser and the brokers of the tests (make run needs none)
  command -v chromium >/dev/null || missing+=(chromium)
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
fi
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "installing Debian packages: ${missing[*]}"
if [[ $(id -u) -eq 0 ]]; then sudo=(); else sudo=(sudo -n); fi
if "${sudo[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}"; then
  exit 0
fi
if $optional; then
  echo "warning: could not install ${missing[*]}; scanned pages will not be OCR'd" >&2
  exit 0
fi
echo "error: could not install ${missing[*]} (run as root or with sudo)" >&2
exit 1
