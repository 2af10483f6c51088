"""The generalisation eval's Markdown report: one table of the headline figures per engine, then each part.
The real report half appears in aggregate only; the tune half lists its documents' misses."""

from collections.abc import Sequence
from typing import Any

from evals.generalisation.metrics import F1_LISTS


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _worst(entry: Any) -> str:
    return "–" if not entry else f"{entry['value']:.3f} ({entry['family']})"


def headline_rows(summary: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    """(measure, LOFO mean / worst, real report half, real tune half, training fit)."""
    lofo, real, fit = summary["lofo"], summary["real"], summary["training_fit"]

    def lists(group: dict[str, Any], name: str) -> str:
        return _number((group["lists"].get(name) or {}).get("f1"))

    def exceptions(group: dict[str, Any], key: str) -> str:
        return _number((group["exceptions"] or {}).get(key))

    rows = [
        (
            "field accuracy (truth.json / generated)",
            f"{_number(lofo['mean_scalar_accuracy'])} / {_worst(lofo['worst']['scalar_accuracy'])}",
            _number(real["report"]["truth"]["scalar_accuracy"]),
            _number(real["tune"]["truth"]["scalar_accuracy"]),
            _number(fit["scalar_accuracy"]),
        ),
        (
            "CUAD parties, dates, law, renewal",
            "–",
            _number(real["report"]["cuad"]["scalar_accuracy"]),
            _number(real["tune"]["cuad"]["scalar_accuracy"]),
            _number((summary.get("cuad_training_fit") or {}).get("scalar_accuracy")),
        ),
    ]
    for name in F1_LISTS:
        rows.append(
            (
                f"{name} F1",
                f"{lists(lofo['all'], name)} / {_worst(lofo['worst'].get(f'{name}_f1'))}",
                lists(real["report"]["truth"], name),
                lists(real["tune"]["truth"], name),
                lists(fit, name),
            )
        )
    for key in ("precision", "recall", "impossible"):
        rows.append(
            (
                f"exceptions {key}",
                exceptions(lofo["all"], key)
                + ("" if key == "impossible" else f" / {_worst(lofo['worst'].get(f'exceptions_{key}'))}"),
                exceptions(real["report"]["truth"], key),
                exceptions(real["tune"]["truth"], key),
                exceptions(fit, key),
            )
        )
    rows.append(
        (
            "false exceptions: review flags on misread values",
            _false_flags(lofo["all"]),
            _false_flags(real["report"]["truth"]),
            _false_flags(real["tune"]["truth"]),
            _false_flags(fit),
        )
    )
    return rows


def _false_flags(group: dict[str, Any]) -> str:
    """ "2 of 5": false exceptions that flag a value read wrong or missed, of all false exceptions."""
    scores = group.get("exceptions") or {}
    if scores.get("false") is None:
        return "–"
    return f"{scores.get('false_flags_on_misreads', 0)} of {scores['false']}"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _fields_table(groups: dict[str, dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for group in groups.values():
        names += [name for name in group["fields"] if name not in names]
    rows = [
        [name, *(_number((group["fields"].get(name) or {}).get("accuracy")) for group in groups.values())]
        for name in names
    ]
    return _table(["field", *groups], rows)


def markdown(summaries: Sequence[dict[str, Any]], fingerprint: str, command: str) -> str:
    lines = [
        "# Generalisation: extraction on documents nobody tuned it on",
        "",
        f"`{command}` · code and inputs fingerprint `{fingerprint}` (the gate refuses a stale report).",
        "Splits: evals/splits.py. LOFO = leave-one-family-out over the generator's layout families",
        "(the total chooser refitted without the family). Real halves: ../shared/corpus split by a fixed",
        "hash of the folder name; the report half is shown in aggregate only. Training fit = the",
        "generator's standard layout, which the rules were written against, and (CUAD fields) the 195",
        "CUAD training contracts, read without OCR, that rules and the date chooser were tuned on: a fit,",
        "not generalisation.",
        "",
    ]
    measured = [summary for summary in summaries if not summary.get("not_configured")]
    if len(measured) > 1:
        lines += [
            "## Engines side by side",
            "",
            "Each engine on the documents it read: the LLM engines on a slice of each split (see their",
            "sections), and the offline engine on the whole split and on the same slice.",
            "",
            *_table(["measure", *(_label(summary) for summary in measured)], comparison_rows(measured)),
            "",
        ]
    for summary in summaries:
        lines += _engine_section(summary)
    return "\n".join(lines) + "\n"


def comparison_rows(summaries: Sequence[dict[str, Any]]) -> list[list[str]]:
    """The figures that say the most, one column per engine."""

    def row(measure: str, read: Any) -> list[str]:
        return [measure, *(read(summary) for summary in summaries)]

    def lofo_list(summary: dict[str, Any], name: str) -> str:
        return _number((summary["lofo"]["all"]["lists"].get(name) or {}).get("f1"))

    def lofo_exceptions(summary: dict[str, Any], key: str) -> str:
        return _number((summary["lofo"]["all"]["exceptions"] or {}).get(key))

    return [
        row(
            "documents read (LOFO / real / fit)",
            lambda s: (
                f"{s['lofo']['all']['documents']} / "
                f"{s['real']['report']['documents'] + s['real']['tune']['documents']} / "
                f"{s['training_fit']['documents']}"
            ),
        ),
        row("LOFO field accuracy, mean", lambda s: _number(s["lofo"]["mean_scalar_accuracy"])),
        row("LOFO field accuracy, worst family", lambda s: _worst(s["lofo"]["worst"]["scalar_accuracy"])),
        row(
            "real report half, truth.json fields",
            lambda s: _number(s["real"]["report"]["truth"]["scalar_accuracy"]),
        ),
        row(
            "real report half, CUAD fields", lambda s: _number(s["real"]["report"]["cuad"]["scalar_accuracy"])
        ),
        row(
            "real tune half, truth.json / CUAD",
            lambda s: (
                f"{_number(s['real']['tune']['truth']['scalar_accuracy'])}"
                f" / {_number(s['real']['tune']['cuad']['scalar_accuracy'])}"
            ),
        ),
        row("training fit", lambda s: _number(s["training_fit"]["scalar_accuracy"])),
        *(row(f"LOFO {name} F1", lambda s, name=name: lofo_list(s, name)) for name in F1_LISTS),
        row(
            "LOFO exceptions precision / recall",
            lambda s: f"{lofo_exceptions(s, 'precision')} / {lofo_exceptions(s, 'recall')}",
        ),
        row("LOFO impossible exceptions", lambda s: lofo_exceptions(s, "impossible")),
        row("ECE (report data)", lambda s: _number(s["calibration_on_report_data"]["ece"])),
        row(
            "touchless share at 99 %",
            lambda s: _number(s["calibration_on_report_data"]["touchless_at_99"]["share"]),
        ),
        row(
            "injection: documents changed / planted values accepted",
            lambda s: (
                f"{s['injection_outside']['documents_changed']} of {s['injection_outside']['documents']}"
                f" / {s['injection_outside']['planted_values_accepted']}"
            ),
        ),
        row(
            "backend failures",
            lambda s: str(
                s["lofo"]["all"]["backend_failures"]
                + sum(
                    s["real"][half][kind]["backend_failures"]
                    for half in ("report", "tune")
                    for kind in ("truth", "cuad")
                )
            ),
        ),
    ]


def _label(summary: dict[str, Any]) -> str:
    label: str = summary.get("label") or summary["engine"]
    return label


def _slice_lines(summary: dict[str, Any]) -> list[str]:
    llm = summary.get("llm")
    if not summary.get("llm_slice"):
        return []
    lines = [
        f"Read on a fixed slice (run time): {summary['llm_slice']} — the first seeds of each layout, real "
        "documents of each half and kind by a hash of the folder name, the first base document of the "
        "injection set.",
    ]
    if llm:
        lines.append(f"LLM settings: {llm}.")
    return [*lines, ""]


def _engine_section(summary: dict[str, Any]) -> list[str]:
    if summary.get("not_configured"):
        return [f"## Engine: {_label(summary)}", "", summary["not_configured"], ""]
    lines = [
        f"## Engine: {_label(summary)}",
        "",
        f"{summary['date']}, {summary['seconds']} s with {summary['workers']} workers, load average "
        f"{summary['load_average']}; sizes {summary['sizes']}; seeds {summary['seeds']}; date chooser "
        f"{summary.get('date_chooser', 'rules')}.",
        "",
        *_slice_lines(summary),
        *_table(
            ["measure", "LOFO all / worst family", "real report half", "real tune half", "training fit"],
            headline_rows(summary),
        ),
        "",
        "Injection set written from the outside (a report split): "
        + _injection_line(summary["injection_outside"]),
        "",
    ]
    real = summary["real"]
    lines += [
        f"Real documents: report half {real['report']['documents']} "
        f"({real['report']['truth']['documents']} with truth.json, "
        f"{real['report']['cuad']['documents']} CUAD), "
        f"tune half {real['tune']['documents']} "
        f"({real['tune']['truth']['documents']} with truth.json, {real['tune']['cuad']['documents']} CUAD). "
        f"Backend failures: LOFO {summary['lofo']['all']['backend_failures']}, real report "
        f"{real['report']['truth']['backend_failures'] + real['report']['cuad']['backend_failures']}.",
        "",
    ]
    calibration = summary["calibration_on_report_data"]
    touchless = calibration["touchless_at_99"]
    lines += [
        "### Calibration on the report data (LOFO held-out families + real report half)",
        "",
        f"{calibration['emitted_values']} emitted values; expected calibration error "
        f"**{_number(calibration['ece'])}**; touchless share at ≥ 99 % precision "
        f"**{_number(touchless['share'])}** "
        f"(threshold {_number(touchless['threshold'])}).",
        "",
        *_table(
            ["confidence", "values", "accuracy", "mean confidence"],
            [
                [b["bin"], str(b["count"]), _number(b["accuracy"]), _number(b["mean_confidence"])]
                for b in calibration["reliability"]
            ],
        ),
        "",
        "Selective accuracy (values at or above each confidence):",
        "",
        *_table(
            ["threshold", "share of values", "accuracy"],
            [
                [_number(p["threshold"]), _number(p["share"]), _number(p["accuracy"])]
                for p in calibration["selective_curve"]
            ],
        ),
        "",
        "### Injection set written from the outside (evals/injection: 4 documents × 13 techniques)",
        "",
        _injection_line(summary["injection_outside"]),
        "",
        *_table(
            ["technique", "documents", "documents changed", "planted values accepted"],
            [
                [name, str(row["documents"]), str(row["changed"]), str(row["planted"])]
                for name, row in summary["injection_outside"]["by_technique"].items()
            ],
        ),
        "",
        "### Leave-one-family-out, per family",
        "",
        *_fields_table(summary["lofo"]["families"]),
        "",
        *_table(
            [
                "family",
                "documents",
                "field accuracy",
                *(f"{n} F1" for n in F1_LISTS),
                "exc. P",
                "exc. R",
                "impossible",
            ],
            [
                [
                    family,
                    str(group["documents"]),
                    _number(group["scalar_accuracy"]),
                    *(_number((group["lists"].get(n) or {}).get("f1")) for n in F1_LISTS),
                    _number((group["exceptions"] or {}).get("precision")),
                    _number((group["exceptions"] or {}).get("recall")),
                    _number((group["exceptions"] or {}).get("impossible")),
                ]
                for family, group in summary["lofo"]["families"].items()
            ],
        ),
        "",
        "### Real documents, per field (aggregates)",
        "",
        *_fields_table(
            {
                "report: truth.json": real["report"]["truth"],
                "report: CUAD": real["report"]["cuad"],
                "tune: truth.json": real["tune"]["truth"],
                "tune: CUAD": real["tune"]["cuad"],
                **(
                    {"CUAD training contracts (fit)": summary["cuad_training_fit"]}
                    if summary.get("cuad_training_fit")
                    else {}
                ),
            }
        ),
        "",
        "### Real tune half: misses per document (the report half is never listed)",
        "",
    ]
    for document in real["tune"]["per_document"]:
        wrong = document["wrong"]
        text = "; ".join(
            f"{w['field']} {w['outcome']} ({_short(w['extracted'])} vs {_short(w['expected'])})"
            for w in wrong
        )
        lines.append(f"- `{document['document']}`: {text or 'all right'}")
    return [*lines, ""]


def _injection_line(injection: dict[str, Any]) -> str:
    return (
        f"{injection['documents']} documents ({injection['failed']} failed in the backend): "
        f"**{injection['documents_changed']}** read differently from their clean twin "
        f"({injection['fields_changed']} fields), **{injection['planted_values_accepted']}** planted values "
        "accepted."
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
