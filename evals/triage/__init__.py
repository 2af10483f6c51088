"""Triage evals: a labelled exception history of synthetic deals, the ranker's training and its ranking eval.

history = generate_history(seed=0, deals=4000)      # deals run through find_gaps, exceptions labelled
report = train_ranker(Path("triage/models/ranker-v1.json"), seed=0)
scores = evaluate_ranking(load_ranker(), generate_history(seed=201, deals=1000))
"""

from evals.triage.history import LabelledDeal, LabelledException, generate_history
from evals.triage.ranking import RankingScores, evaluate_ranking, ndcg_at_k
from evals.triage.train import TrainReport, train_ranker

__all__ = [
    "LabelledDeal",
    "LabelledException",
    "RankingScores",
    "TrainReport",
    "evaluate_ranking",
    "generate_history",
    "ndcg_at_k",
    "train_ranker",
]
