"""End to end: the touchless rate — documents a reviewer would not need to correct.

A document is touchless when (1) every scalar field and every list item's sub-field the truth states is
right under the spec's normalisation (evals.extraction.scoring) and (2) `handoff check`'s pipeline raises no
false exception: none that the same triage does not raise on the truth values (a perfect extraction). On the
agreeing SOW + CRM pairs of evals.check (clean, amount within 0.5 %, name variant) the truth raises none, so
any exception is false. The layouts' documents are paired with the CRM view of their own truth.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evals.check.pairs import AGREEING_KINDS, Pair, agreeing_crm, build_pair
from evals.check.run import RAISED_AT, gaps, pipeline_record, truth_record
from evals.extraction.evaluate import score_against_truth
from evals.extraction.scoring import Outcome
from evals.sow import render_document, truth
from evals.sow.layouts import layout_spec
from extraction.engine import extract
from intake.parse import parse
from intake.settings import IntakeSettings
from models.crm import CrmOpportunity
from models.record import HandoffRecord
from triage.policy import Policy, load_policy
from triage.ranker import load_ranker
from triage.ranker_model import RankerModel
from triage.store import checked_exceptions


@dataclass(frozen=True)
class Verdict:
    doc_id: str
    slice: str
    fields_right: bool
    false_exceptions: tuple[str, ...]  # "CODE field" raised by the pipeline, not on the truth values
    wrong_fields: tuple[str, ...]

    @property
    def touchless(self) -> bool:
        return self.fields_right and not self.false_exceptions


@dataclass(frozen=True)
class Triage:
    policy: Policy
    model: RankerModel

    @classmethod
    def shipped(cls) -> "Triage":
        return cls(load_policy(), load_ranker())


def judge(
    doc_id: str,
    slice_name: str,
    record: HandoffRecord,
    values: dict[str, Any],
    opportunity: CrmOpportunity,
    triage: Triage,
    expected_record: HandoffRecord,
) -> Verdict:
    results, _ = score_against_truth(record, values)
    wrong = tuple(sorted({r.field for r in results if r.outcome is not Outcome.correct}))
    found = gaps(checked_exceptions(record, opportunity, triage.policy, triage.model, RAISED_AT))
    allowed = gaps(checked_exceptions(expected_record, opportunity, triage.policy, triage.model, RAISED_AT))
    false = tuple(sorted(f"{code} {field}".strip() for code, field in found - allowed))
    return Verdict(doc_id, slice_name, not wrong, false, wrong)


def pair_verdict(pair: Pair, settings: IntakeSettings, triage: Triage) -> Verdict:
    record = pipeline_record(pair, settings)
    layout = "scanned" if pair.scanned_pages else "text"
    return judge(
        pair.pair_id, f"agreeing pairs ({layout})", record, pair.values, pair.opportunity, triage,
        truth_record(pair),
    )  # fmt: skip


def agreeing_pairs(seed: int, per_kind: int, scanned_share: float) -> list[Pair]:
    return [
        build_pair(seed, kind, index, scanned_share)
        for kind in sorted(AGREEING_KINDS)
        for index in range(per_kind)
    ]


def layout_verdict(layout: str, seed: int, split: str, settings: IntakeSettings, triage: Triage) -> Verdict:
    spec = layout_spec(seed, layout)
    values = truth(spec)
    document = parse(render_document(spec).data, f"{spec.doc_id}.pdf", settings)
    opportunity = CrmOpportunity.model_validate(agreeing_crm(values, f"OPP-{spec.doc_id}"))
    pair = Pair(spec.doc_id, "agree", "none", "", spec, values, opportunity, frozenset(), ())
    return judge(
        spec.doc_id, f"{split}: {layout}", extract(document), values, opportunity, triage, truth_record(pair)
    )


def touchless_summary(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """Touchless share per slice and overall, with the reasons of every document that was not."""
    slices: dict[str, list[Verdict]] = {}
    for verdict in verdicts:
        slices.setdefault(verdict.slice, []).append(verdict)
    return {
        "definition": __doc__.split("\n\n")[1].replace("\n", " ") if __doc__ else "",
        "slices": {name: _rates(members) for name, members in slices.items()},
        "not_touchless": [
            {
                "document": v.doc_id,
                "slice": v.slice,
                "wrong_fields": list(v.wrong_fields),
                "false_exceptions": list(v.false_exceptions),
            }
            for v in verdicts
            if not v.touchless
        ],
    }


def _rates(members: Sequence[Verdict]) -> dict[str, Any]:
    count = len(members)
    return {
        "documents": count,
        "touchless": sum(v.touchless for v in members),
        "touchless_rate": round(sum(v.touchless for v in members) / count, 4),
        "fields_all_right": sum(v.fields_right for v in members),
        "without_false_exceptions": sum(not v.false_exceptions for v in members),
    }
