"""Legal terms: governing law, notice to terminate for convenience, automatic renewal."""

import re

from extraction.candidates.labels import LabelValue
from extraction.fields.base import PROSE, Found, best, found, label_confidence, labelled, sentence_with
from extraction.layout import Layout
from extraction.normalize.terms import PERIOD, jurisdiction, period_days

_GOVERNED = re.compile(r"\bgovern(?:ed|s|ing)\b|\bconstrued\b|\binterpreted\b|\bapplicable\s+law\b", re.I)
_LAWS = re.compile(r"\blaws?\s+of\b", re.I)
_CONVENIENCE = re.compile(
    r"\bfor\s+(?:its\s+|their\s+)?convenience\b|\bwithout\s+cause\b|\bfor\s+any\s+(?:or\s+no\s+)?reason\b"
    r"|\bat\s+any\s+time\b[^.]{0,80}\bnotice\b",
    re.I,
)
_TERMINATE = re.compile(r"\bterminat\w*", re.I)
_NOT_CONVENIENCE = re.compile(r"\bbreach\w*|\bcure\b|\binsolven\w*|\bbankrupt\w*|\bnon-?renewal\b", re.I)
_RENEWS = re.compile(
    r"\b(?:(?:renew|extend|continue)(?:s|ed|al)?\s+automatically|automatic(?:ally)?\s+(?:be\s+)?(?:renew|extend|continu)\w*"
    r"|auto-?renew\w*"
    # an evergreen term: "shall continue on a year to year basis", "renews from month to month"
    r"|(?:continue|renew|extend)\w*\s+(?:on\s+an?\s+|from\s+)?(?:year|month)[\s-]+to[\s-]+(?:year|month)"
    r"|automatic\s+extensions?\s+for\s+(?:successive|consecutive|additional|further)"
    # "… 3 years from the Effective Date with an automatic 2 year term extension unless …"
    r"|\bwith\s+(?:an?\s+)?automatic\s+(?:[\w-]+\s+){0,3}?(?:renewals?|extensions?)\b"
    r"|(?:shall|will)\s+(?:be\s+)?(?:automatically\s+)?(?:extended|renewed)\s+for\s+(?:successive|additional|further))",
    re.I,
)
_RENEWAL_WORDS = re.compile(
    r"\brenew|\bextended\s+for|\bautomatic\s+(?:[\w-]+\s+){0,3}?extension|\bautomatically\s+(?:be\s+)?(?:extend|continu)"
    r"|\b(?:extend|continue)s?\s+automatically|\b(?:year|month)[\s-]+to[\s-]+(?:year|month)\b",
    re.I,
)
# A renewal one party chooses is not automatic: "may be renewed", "has the option to extend", "if Buyer
# notifies its intent to renew" (but "unless a party gives notice of its intent not to renew" is).
_OPTIONAL = re.compile(
    r"\bmay\s+(?:be\s+)?renew|\boption\s+to\s+(?:renew|extend)|\belects?\s+to\s+(?:renew|extend)"
    r"|\bintent\w*\s+to\s+(?:so\s+)?(?:renew|extend)|\bprovided\b[^.;]{0,80}\bapprov\w*",
    re.I,
)
_RENEW = re.compile(r"\brenew", re.I)
# A sentence that extends or continues the contract (rather than renews it) names its term, a period or it.
_OF_THE_TERM = re.compile(r"\b(?:term|period|years?|months?|agreement|contract|sow)\b", re.I)
_NO_RENEWAL = re.compile(
    r"\b(?:not|no|never)\s+(?:be\s+)?(?:(?:renew|extend|continu)\w*\s+automatically"
    r"|automatic(?:ally)?\s+(?:renew|extend|continu)\w*|auto-?renew\w*)"
    r"|\bno\s+automatic\s+renewal\b|\bwithout\s+automatic\s+renewal\b",
    re.I,
)


def governing_law(layout: Layout, values: tuple[LabelValue, ...]) -> Found[str] | None:
    for item in labelled(values, "governing_law"):
        if re.match(r"(?:and|&|or)\b", item.value.strip(), re.I):
            continue  # a heading that goes on ("Governing Law and Dispute Resolution"), not a value
        named = jurisdiction(f"the laws of {item.value}") if not re.search(r"\blaws?\b", item.value) else None
        named = named or jurisdiction(item.value)
        if named:
            return found(named[0], label_confidence(item), (item.value_start, item.value_end))
    candidates: list[Found[str]] = []
    for _, (start, end) in sentence_with(layout, _GOVERNED):
        sentence = layout.text[start:end]
        named = jurisdiction(sentence)
        if named and re.search(r"\bgovern|\bconstrued|\binterpreted|\bapplicable\s+law", sentence, re.I):
            candidates.append(found(named[0], PROSE, (start, end)))
    # the sentence in the section about the governing law (by its heading's meaning) before any other, in
    # order (a stable sort): a legal opinion "limited to matters governed by the laws of Ohio" comes earlier
    candidates.sort(key=lambda c: "governing_law" not in layout.kinds_at(c.spans[0][0]))
    if not candidates:
        candidates = _law_in_its_section(layout)
    return best(candidates[:1]) if candidates else None


def _law_in_its_section(layout: Layout) -> list[Found[str]]:
    """In the section about the governing law (by its heading's meaning), a sentence naming the laws of a
    place states it without the word "governed": "This Agreement is subject to the laws of Ontario"."""
    candidates = []
    for match, (start, end) in sentence_with(layout, _LAWS):
        named = jurisdiction(layout.text[start:end])
        if named and "governing_law" in layout.kinds_at(match.start()):
            candidates.append(found(named[0], PROSE, (start, end)))
    return candidates


def termination_notice_days(layout: Layout, values: tuple[LabelValue, ...]) -> Found[int] | None:
    """Notice to terminate for convenience, in days (months × 30)."""
    for item in labelled(values, "termination_notice"):
        period = PERIOD.search(item.value)
        days = period_days(period) if period else None
        if days is not None:
            return found(days, label_confidence(item), (item.value_start, item.value_end))
    candidates: list[Found[int]] = []
    for _, (start, end) in sentence_with(layout, _TERMINATE):
        sentence = layout.text[start:end]
        if not _CONVENIENCE.search(sentence) or _NOT_CONVENIENCE.search(sentence):
            continue
        for period in PERIOD.finditer(sentence):
            tail = sentence[period.end() : period.end() + 40]
            days = period_days(period)
            if days is not None and re.search(r"\bnotice\b", tail + sentence[: period.start()], re.I):
                candidates.append(found(days, PROSE, (start, end)))
                break
    return best(candidates[:1]) if candidates else None


def auto_renewal(layout: Layout, values: tuple[LabelValue, ...]) -> Found[bool] | None:
    for item in labelled(values, "auto_renewal"):
        lowered = item.value.lower()
        if re.match(r"(?:yes|no|none|n/a|true|false)\b", lowered):
            return found(
                lowered.startswith(("yes", "true")),
                label_confidence(item),
                (item.value_start, item.value_end),
            )
    for _, (start, end) in sentence_with(layout, _RENEWAL_WORDS):
        sentence = layout.text[start:end]
        if not _RENEW.search(sentence) and not _OF_THE_TERM.search(sentence):
            continue  # "these rights do not automatically extend to other venues": not the contract's term
        if _NO_RENEWAL.search(sentence):
            return found(False, PROSE, (start, end))
        if _RENEWS.search(sentence) and not _OPTIONAL.search(sentence):
            return found(True, PROSE, (start, end))
        if re.search(r"\bdoes\s+not\s+renew|\bwill\s+not\s+renew|\bshall\s+not\s+renew", sentence, re.I):
            return found(False, PROSE, (start, end))
    return None
