"""Seeded generator of realistic SOW, change-order and proposal PDFs with ground truth (spec §1 values).

spec = generate_spec(7, billing_model="milestone")
pdf = render_pdf(spec, scanned_pages={-1})
expected = truth(spec)
"""

from evals.sow.generator import SIGNATURE_STATES, generate_spec
from evals.sow.render import RenderedPdf, render_document, render_pdf
from evals.sow.spec import SowSpec
from evals.sow.truth import truth

__all__ = [
    "SIGNATURE_STATES",
    "RenderedPdf",
    "SowSpec",
    "generate_spec",
    "render_document",
    "render_pdf",
    "truth",
]
