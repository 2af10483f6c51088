"""The `handoff check` eval: seeded SOW + CRM pairs, the real pipeline, gap precision and recall per code.

python -m evals.check            # writes evals/results/check-gaps.json and .md
"""

from evals.check.pairs import AGREEING_KINDS, KINDS, Pair, build_pair
from evals.check.run import Outcome, run_pair, truth_record

__all__ = ["AGREEING_KINDS", "KINDS", "Outcome", "Pair", "build_pair", "run_pair", "truth_record"]
