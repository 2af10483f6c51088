"""The labelled exception history: synthetic deals run through find_gaps, each exception labelled by the rules
of evals/triage/labels.py. `generate_history(seed, deals)` is deterministic."""

import random
from collections.abc import Sequence
from dataclasses import dataclass

from evals.triage.deals import Deal, generate_deal
from evals.triage.labels import LABEL_RULES_VERSION, Assessment, assess, draw_outcome
from models.exceptions import HandoffException
from triage.compare import find_gaps
from triage.policy import DEFAULT_POLICY
from triage.ranker_fit import TrainingExample


@dataclass(frozen=True)
class LabelledException:
    exception: HandoffException
    assessment: Assessment
    revenue_impact: float
    billing_error: bool


@dataclass(frozen=True)
class LabelledDeal:
    deal: Deal
    exceptions: tuple[LabelledException, ...]


def label_deal(deal: Deal, seed: int) -> LabelledDeal:
    """The deal's exceptions (find_gaps with the default policy, in its order) and their labels."""
    rng = random.Random(f"evals.triage-outcome-{seed}-{deal.deal_id}")  # noqa: S311 - reproducible labels
    labelled = []
    for exception in find_gaps(deal.record, deal.opportunity, DEFAULT_POLICY):
        assessment = assess(exception, deal)
        impact, billing_error = draw_outcome(assessment, rng)
        labelled.append(LabelledException(exception, assessment, impact, billing_error))
    return LabelledDeal(deal=deal, exceptions=tuple(labelled))


def generate_history(seed: int, deals: int) -> list[LabelledDeal]:
    return [label_deal(generate_deal(seed, index), seed) for index in range(deals)]


def describe(seed: int, deals: int) -> str:
    """How a model's file names the history it was trained on."""
    return f"evals.triage seed={seed} deals={deals} {LABEL_RULES_VERSION}"


def training_examples(history: Sequence[LabelledDeal]) -> list[TrainingExample]:
    return [
        TrainingExample(
            exception=labelled.exception,
            record=item.deal.record,
            opportunity=item.deal.opportunity,
            revenue_impact=labelled.revenue_impact,
            billing_error=labelled.billing_error,
        )
        for item in history
        for labelled in item.exceptions
    ]
