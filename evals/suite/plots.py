"""The reports' plots, drawn with matplotlib's Agg backend into PNG files (no screen needed)."""

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

DPI = 110


def _save(figure: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(path, dpi=DPI, metadata={"Software": None})
    plt.close(figure)
    return path


def field_accuracy(slices: Mapping[str, Mapping[str, Mapping[str, Any]]], path: Path, title: str) -> Path:
    """Horizontal bars of accuracy per field, one bar colour per slice (e.g. generated, corpus)."""
    fields = sorted({name for table in slices.values() for name in table})
    figure, axes = plt.subplots(figsize=(8, 0.28 * len(fields) * max(1, len(slices)) + 1.2))
    height = 0.8 / max(1, len(slices))
    for offset, (label, table) in enumerate(slices.items()):
        values = [table.get(name, {}).get("accuracy") or 0.0 for name in fields]
        positions = [index + offset * height for index in range(len(fields))]
        axes.barh(positions, values, height=height, label=label)
    axes.set_yticks([index + height * (len(slices) - 1) / 2 for index in range(len(fields))], fields)
    axes.invert_yaxis()
    axes.set_xlim(0, 1.0)
    axes.set_xlabel("accuracy (correct / scored)")
    axes.set_title(title)
    axes.legend(loc="lower left", fontsize=8)
    return _save(figure, path)


def calibration(curves: Mapping[str, Sequence[Mapping[str, Any]]], path: Path) -> Path:
    """Accuracy against mean confidence per confidence bucket, with the diagonal of perfect calibration."""
    figure, axes = plt.subplots(figsize=(5, 5))
    axes.plot([0, 1], [0, 1], linestyle="--", color="grey", label="perfectly calibrated")
    for label, buckets in curves.items():
        filled = [b for b in buckets if b["count"]]
        axes.plot(
            [b["mean_confidence"] for b in filled],
            [b["accuracy"] for b in filled],
            marker="o",
            label=f"{label} ({sum(b['count'] for b in filled)} values)",
        )
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1.02)
    axes.set_xlabel("mean confidence in bucket")
    axes.set_ylabel("accuracy in bucket")
    axes.set_title("Confidence calibration")
    axes.legend(loc="upper left", fontsize=8)
    return _save(figure, path)


def confusion(matrix: Mapping[str, Mapping[str, int]], labels: Sequence[str], path: Path) -> Path:
    """Seeded code (rows) against reported code (columns); "none" = nothing seeded / nothing reported."""
    grid = [[matrix.get(row, {}).get(column, 0) for column in labels] for row in labels]
    figure, axes = plt.subplots(figsize=(1.0 + 0.62 * len(labels), 0.8 + 0.5 * len(labels)))
    axes.imshow(grid, cmap="Blues")
    for i, row in enumerate(grid):
        for j, count in enumerate(row):
            if count:
                axes.text(j, i, str(count), ha="center", va="center", fontsize=8)
    axes.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=7)
    axes.set_yticks(range(len(labels)), labels, fontsize=7)
    axes.set_xlabel("reported by the pipeline")
    axes.set_ylabel("seeded")
    axes.set_title("Exception confusion by code")
    return _save(figure, path)


def ranking_gain(rows: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """NDCG@10 per held-out history: the ranker against sort-by-amount, severity order and the oracle."""
    series = (
        ("ndcg_amount_baseline", "sort by amount (baseline)"),
        ("ndcg_severity_baseline", "severity order"),
        ("ndcg_model", "ranker"),
        ("ndcg_oracle", "oracle"),
    )
    figure, axes = plt.subplots(figsize=(7, 4))
    width = 0.8 / len(series)
    for offset, (key, label) in enumerate(series):
        axes.bar(
            [i + offset * width for i in range(len(rows))], [row[key] for row in rows], width, label=label
        )
    axes.set_xticks([i + width * 1.5 for i in range(len(rows))], [f"seed {row['seed']}" for row in rows])
    low = min(row["ndcg_amount_baseline"] for row in rows)
    axes.set_ylim(max(0.0, low - 0.05), 1.0)
    axes.set_ylabel("NDCG@10")
    axes.set_title("Ranking gain over the sort-by-amount baseline")
    axes.legend(fontsize=8, loc="lower right")
    return _save(figure, path)


def rates(values: Mapping[str, float], path: Path, title: str, xlabel: str) -> Path:
    """One horizontal bar per slice (touchless rate, reliability shares)."""
    figure, axes = plt.subplots(figsize=(7, 0.4 * len(values) + 1.2))
    axes.barh(list(values), list(values.values()), color="#2e5e4e")
    for index, value in enumerate(values.values()):
        axes.text(min(value, 0.98), index, f" {value:.2f}", va="center", fontsize=8)
    axes.invert_yaxis()
    axes.set_xlim(0, 1.05)
    axes.set_xlabel(xlabel)
    axes.set_title(title)
    return _save(figure, path)
