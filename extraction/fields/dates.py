"""Effective, start and end dates: by the rules here (labelled dates first, then the sentences that state
them), or, with HANDOFF_DATE_CHOOSER=learned, by the learned chooser (extraction/date_model.py), which
decides which written date is which field while the rules settle what one date cannot tell it.

A date left blank, labelled ("Effective Date: ____") or in the sentence that states it ("dated as of April __,
2005"), or replaced by words ("Upon completion of the Services") settles the field as null: the document does
not state it, and no other date is guessed in its place. Where no written date is read, a start date may be
the effective date ("commence on the Effective Date") and an end date computed from the term
("for one (1) year from the Effective Date").
"""

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from extraction.candidates.dates import (
    AFTER,
    BEFORE,
    DATE_FIELDS,
    DEFINES_EFFECTIVE,
    EFFECTIVE_TERM,
    FEATURE_NAMES,
    FOREIGN,
    LATER_OF,
    PROSE_CUES,
    DateCandidate,
)
from extraction.candidates.labels import LabelValue
from extraction.date_model import DateChooserModel
from extraction.fields.base import DERIVED, INFERRED, PROSE, Found, found, label_confidence, labelled
from extraction.layout import Layout
from extraction.normalize.dates import DateMatch, find_dates
from extraction.normalize.terms import NUMBER, PERIOD, number_of
from models.record import DocumentType

_OPEN_ENDED = re.compile(
    r"\b(?:completion|until|upon|ongoing|tbd|tba|to\s+be\s+(?:agreed|determined|confirmed)|n/a|open|evergreen)\b",
    re.I,
)
# The words that make a period the term of the document, right before it: "Term: twelve (12) months",
# "the initial term … shall be one (1) year", "shall continue in effect for a period of two years".
_TERM_LEAD = re.compile(
    r"(?:\bterm\s*:"
    r"|\bterm\b(?:\s*\([^)]*\))?[^.;]{0,60}?\b(?:of|shall\s+be|will\s+be|is)(?:\s+for)?"
    r"|\b(?:continue|remain|run|last)\w*(?:\s+in\s+(?:full\s+)?(?:force(?:\s+and\s+effect)?|effect)|\s+effective)?"
    r"(?:\s+initially)?\s+for(?:\s+(?:an?|the)(?:\s+(?:minimum|initial|fixed))?\s+(?:period|term)\s+of|\s+the)?"
    # "… shall expire in five (5) years from …", "terminate on the date three (3) years from …", "have a
    # duration of two years"
    r"|\b(?:expir\w*|terminat\w*|end)\s+(?:in|on\s+the\s+date)|\bduration\s+of"
    # "shall expire on the later of (i) five (5) years from the date hereof, or (ii) …"
    rf"|{LATER_OF}"
    r"|\b(?:continue|remain)\w*\s+in\s+(?:full\s+)?(?:force|effect)(?:\s+and\s+effect)?\s+until)\s*$",
    re.I,
)
# The sentence states the term of the document itself, not of a licence, a statement of work or a period
# inside it: "The term of this Agreement …", "This Agreement is for a term of …", "The Initial Term …".
_AGREEMENT_TERM = re.compile(
    r"\b(?i:this|the)\s+(?:[A-Z][\w-]*\s+){0,2}?(?i:agreement|contract)\b"
    r"(?!\s+(?:Date|Period)\b)|\b(?:The|the|Initial|initial)\s+Term\b|^\s*(?i:the\s+)?(?i:initial\s+)?term\b(?!\s+of\b)",
)
# A period written as the measure of a noun: "a three (3) year period commencing on …", "an initial two-year
# term beginning …" — the noun after the period, and the article before it.
_PERIOD_NOUN = re.compile(r"[\s-]*(?:period|term)\b", re.I)
_ARTICLE_END = re.compile(r"\b(?:an?|the)(?:\s+initial)?\s*$", re.I)
# "The term of each Statement of Work under this Agreement …", "the term of any licence": another term.
_OTHER_TERM = re.compile(r"\bterm\s+of\s+(?:each|any|every|an?|such)\b", re.I)
# A period of a renewal, notice or surviving obligation; "extend for an initial term of …" is the term.
_NOT_THE_TERM = re.compile(
    # ("… shall commence on the Effective Date and extend for three (3) years thereafter" is the term)
    r"\brenew\w*|(?<!\band\s)\bextend\w*(?!\s+for\s+an?\s+initial\b)|\bnotice\b|\bsurviv\w*|\bsolicit\w*|\bconfidential"
    # a period beside or after the term: "during the Term, and for a period of one (1) year thereafter",
    # "continue following the Initial Term, for an additional period of three (3) years"
    r"|\b(?:during|after|following|beyond)\s+the\s+(?:initial\s+)?term\b|\badditional\b",
    re.I,
)
# The document's own date, however it refers to it: "the date hereof", "the date of this Agreement", "the
# date first written above", "the date signed", "the date of execution".
_THIS_DATE = (
    r"date\s+(?:hereof|of\s+(?:this|the)\s+(?:Agreement|Contract|document)"
    r"|of\s+(?:its\s+|the\s+)?(?:full\s+)?(?:execution|signing|signature)|signed"
    r"|first\s+(?:above\s+)?(?:written|stated|set\s+forth)(?:\s+above)?)"
)
_TERM_FROM = re.compile(
    r"\s*(?:\([^)]*\)\s*)?(?:(?:from(?:\s+and\s+after)?|after|following"
    r"|(?:commencing|beginning|starting|to\s+(?:commence|begin|start))(?:\s+(?:on|upon|from|as\s+of))?)\s+"
    rf"(?P<effective>the\s+(?:(?:date\s+of\s+(?:the\s+)?)?Effective\s+Date|{_THIS_DATE}))?"
    r"|(?P<thereafter>thereafter))"
    # "commences on the Effective Date and will continue in effect until five (5) year(s) from such date"
    r"(?:(?<=from\s)(?P<such>such\s+date)\b)?",
    re.I,
)
_BEGINS_EFFECTIVE = re.compile(
    r"\b(?:commenc\w*|begin\w*|start\w*|become\s+effective|be\s+effective|effective)\s+(?:on|as\s+of|upon)\s+"
    rf"(?:the\s+)?(?:Effective\s+Date|{_THIS_DATE})",
    re.I,
)
# In the term's own section: "… shall continue for six (6) months", "for a period of two years".
_SECTION_LEAD = re.compile(r"\b(?:for|of)\s*(?:a\s+(?:period|term)\s+of\s*)?(?:at\s+least\s+)?$", re.I)
_COMMENCES_ON_DATE = re.compile(
    r"\b(?:commenc\w*|begin\w*|start\w*|be(?:come)?\s+effective)\s+(?:on|upon|as\s+of)\s+", re.I
)
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
             "eighth": 8, "ninth": 9, "tenth": 10}  # fmt: skip
_ORDINAL_WORDS = "|".join(_ORDINALS)
# "… shall continue until the fifth (5th) anniversary of the Effective Date", "expire upon the earlier of
# (i) the first anniversary of the date hereof and (ii) …", "the Effective Date through the day prior to the
# fourth anniversary of the Effective Date".
_ANNIVERSARY = re.compile(
    r"(?:\b(?:continue|remain\w*|expir\w*|end\w*|terminat\w*|extend|conclud\w*)\b[^.;]{0,40}?"
    r"\b(?:until|on|upon|at)|\bthrough)\s+(?:the\s+earlier\s+of"
    # "the earlier of the following events: (a) the fifth anniversary …"
    r"(?:\s+the\s+(?:following|below)(?:\s+(?:events?|dates?))?(?:\s+(?:to\s+)?occurs?)?)?"
    r"\s*:?\s*(?:\(\s*[a-z1]{1,3}\s*\)\s*)?)?"
    r"(?:(?P<prior>the\s+day\s+(?:prior\s+to|before|preceding))\s+)?the\s+"
    rf"(?:{NUMBER}[\s-]*(?P<unit>years?)(?:\(s\))?"
    rf"|(?P<ordinal>{_ORDINAL_WORDS})(?:\s*\(\s*\d{{1,2}}[a-z ]{{1,4}}\))?)[\s-]+anniversary(?:\s+date)?"
    rf"\s+of\s+(?:the\s+Effective\s+Date\b|(?:the\s+)?{_THIS_DATE}|this\s+Agreement\b)",
    re.I,
)
_AT_THE_LATEST = re.compile(r"\bin\s+no\s+event\s+later\s+than\s+", re.I)
_UNTIL_YEAR_END = re.compile(
    r"\b(?:in\s+(?:full\s+)?(?:force|effect)|continu\w*|remain\w*|run\w*)\s+(?:until|through)\s+the\s+end\s+of\s+"
    r"(?:(?:the\s+)?(?:calendar\s+)?year\s+)?(?P<year>(?:19|20)\d\d)\b",
    re.I,
)
_TERM_ENDS = re.compile(r"\b(?:terminat\w*|expir\w*|end)\b", re.I)
_COMMENCES_ON_EFFECTIVE = re.compile(
    r"\b(?:commenc\w*|begin\w*|start\w*)\s+(?:on|as\s+of)\s+the\s+Effective\s+Date\b", re.I
)


# A date line among the first lines of a document, with nothing else on it but a place and punctuation
_DATELINE_LINES = 8
_DATELINE_REST = re.compile(r"[\s,.:;()-]*(?:Dated?\s*:?)?[\s,.:;()-]*")

# The words right before the date a document was executed on (its testimonium clause).
_EXECUTED_ON = re.compile(
    r"\b(?:executed|signed)\b(?:\s+(?:this|the)\s+\w+)?(?:\s+on\s+(?:their|its)\s+behalf)?"
    r"\s+(?:on|this|as\s+of)\s+(?:the\s+)?$",
    re.I,
)

# The chooser's confidence of the date it picks, kept at most that of a labelled value (LABELLED): the
# calibration then pools its surest picks with labelled values instead of the rules' agreeing ones.
MAX_CONFIDENCE = 0.95


@dataclass(frozen=True)
class Dates:
    effective_date: Found[date] | None
    start_date: Found[date] | None
    end_date: Found[date] | None
    effective_left_blank: bool = False  # "dated as of ____": the document settles it as not stated


def contract_dates(
    layout: Layout,
    values: tuple[LabelValue, ...],
    kind: DocumentType | None,
    candidates: tuple[DateCandidate, ...],
    chooser: DateChooserModel | None,
    signed_on: Found[date] | None = None,
) -> Dates:
    """Each date field: null where the document leaves it blank; else, with a `chooser`, the written date it
    rates most likely (with its confidence, extraction/date_model.Choice) or, when it takes none, the first
    date a sentence states for the field as a suggestion; without one, the rules' labelled or stated date.
    A contract that states no effective date takes effect when it is signed (`signed_on`, the last
    signature's date, as an inference). Then a start date on the effective date and an end date computed
    from the term where none is read."""
    settled: dict[str, Found[date] | None] = {}
    decided_null: set[str] = set()
    by_label: set[str] = set()  # fields a label settles: a date, or a blank left to be filled in
    for field_name in DATE_FIELDS:
        # the field's first label, else the first sentence that states it; either settles the field with a
        # date or a blank ("Effective Date: ____", "Upon completion", "dated as of April __, 2005"), after
        # which no other date is taken in its place
        by_rule, decided = _labelled_date(layout, values, field_name)
        if decided:
            by_label.add(field_name)
        else:
            by_rule, decided = _prose_date(layout, field_name)
        settled[field_name] = by_rule
        if decided and by_rule is None:
            decided_null.add(field_name)
            continue
        if chooser is None:
            continue
        chosen = chooser.choose(field_name, candidates)
        if chosen is not None:
            candidate = chosen.candidate
            settled[field_name] = found(
                candidate.value, min(MAX_CONFIDENCE, chosen.confidence), (candidate.start, candidate.end)
            )
        else:
            settled[field_name] = _first_stated(candidates, field_name)
    if kind is DocumentType.proposal:
        settled["effective_date"] = None
    open_effective = "effective_date" not in decided_null and kind is not DocumentType.proposal
    if open_effective and "effective_date" not in by_label:
        # a document that takes effect on its last signature: that date, over any other it states
        settled["effective_date"] = _on_signature(layout, signed_on) or settled["effective_date"]
    if settled["effective_date"] is None and open_effective:
        settled["effective_date"] = _document_commences(layout) or _dateline(layout) or _executed_on(layout)
    if settled["effective_date"] is None and open_effective and signed_on is not None:
        settled["effective_date"] = Found(signed_on.value, INFERRED, signed_on.spans)
    if settled["start_date"] is None and settled["effective_date"] is not None:
        settled["start_date"] = _start_on_effective(layout, settled["effective_date"])
    if settled["end_date"] is None and "end_date" not in decided_null:
        settled["end_date"] = (
            _end_of_term(layout, settled["effective_date"]) or _at_the_latest(layout) or _year_end(layout)
        )
    return Dates(
        settled["effective_date"],
        settled["start_date"],
        settled["end_date"],
        "effective_date" in decided_null or kind is DocumentType.proposal,
    )


def _first_stated(candidates: tuple[DateCandidate, ...], key: str) -> Found[date] | None:
    """Where the chooser takes no date: the first date a sentence states for the field ("shall continue
    until December 31, 2020"), as a suggestion a person confirms (below the review threshold)."""
    cue, foreign = FEATURE_NAMES.index(f"cue_{key}"), FEATURE_NAMES.index("foreign")
    for candidate in candidates:
        if candidate.features[cue] and not candidate.features[foreign]:
            return found(candidate.value, INFERRED, (candidate.start, candidate.end))
    return None


def _labelled_date(
    layout: Layout, values: tuple[LabelValue, ...], key: str
) -> tuple[Found[date] | None, bool]:
    """The labelled date, and whether the label settles the field (a date, a blank or an open end)."""
    for item in labelled(values, key):
        # the dates of the label's value as written (the cleaned value drops a blank's underscores)
        written = [d for d in layout.dates if item.value_start <= d.start < item.value_end]
        if written and (first := written[0]).value is not None:
            return found(first.value, label_confidence(item), (first.start, first.end)), True
        matches = find_dates(item.value, layout.date_order)
        if not written and matches and matches[0].value is not None:
            start = item.value_start + _offset(layout, item, matches[0])
            return found(
                matches[0].value, label_confidence(item), (start, start + matches[0].end - matches[0].start)
            ), True
        if item.labelled and (
            written or matches or _OPEN_ENDED.search(item.value) or not item.value.strip("_ .")
        ):
            return None, True
    return None, False


def _offset(layout: Layout, item: LabelValue, match: DateMatch) -> int:
    """Where a date found in a label's cleaned value starts in the document text."""
    raw = layout.text[item.value_start : item.value_end]
    written = item.value[match.start : match.end]
    position = raw.find(written)
    return position if position >= 0 else 0


def _prose_date(layout: Layout, key: str) -> tuple[Found[date] | None, bool]:
    """The first date a sentence states for the field, and whether one is stated: a date the sentence
    leaves blank ("dated as of April __, 2005") settles the field as null, whatever dates follow. A date
    the document defines as its effective date ('"Effective Date" means …', '… (the "Effective Date")')
    comes before one it was only made or dated on."""
    if key == "effective_date":
        defined = _stated_date(layout, key, (DEFINES_EFFECTIVE,), opening=False)
        if defined[1]:
            return defined
    return _stated_date(layout, key, PROSE_CUES[key], opening=key == "effective_date")


def _stated_date(
    layout: Layout, key: str, cues: tuple[re.Pattern[str], ...], *, opening: bool
) -> tuple[Found[date] | None, bool]:
    """The first date `cues` (or, for the effective date, a defining term after it) state for the field;
    with `opening`, also a date that ends the document's opening sentence (_made_as_of)."""
    for match in layout.dates:
        sentence_start, _ = layout.sentence_at(match.start)
        before = layout.text[max(sentence_start, match.start - BEFORE) : match.start]
        after = layout.text[match.end : match.end + AFTER]
        if FOREIGN.search(before) or (
            key != "effective_date" and _defines_another_period(layout, sentence_start)
        ):
            continue
        if (
            any(p.search(before) for p in cues)
            or (key == "effective_date" and EFFECTIVE_TERM.match(after))
            or (opening and _made_as_of(layout, sentence_start, before))
        ):
            if match.value is None:
                stated = _effective_despite_blank(layout, match) if key == "effective_date" else None
                return stated, True
            return found(match.value, PROSE, (match.start, match.end)), True
    return None, False


# An opening that names the parties before its date: "This Agreement is made by and between A, … and B, …
# as of the 1st day of June, 2004."
_OPENING_MADE = re.compile(
    r"\s*(?:this|the)\s+(?:[\w-]+\s+){0,5}?(?:agreement|contract)\b[^.;]{0,40}?\b(?:is\s+|are\s+)?"
    r"(?:made|entered\s+into|executed)\b",
    re.I,
)
_AS_OF = re.compile(r"\b(?:as\s+of|on|this)\s+(?:this\s+)?(?:the\s+)?$", re.I)


def _made_as_of(layout: Layout, sentence_start: int, before: str) -> bool:
    """The date ends the document's opening sentence ("as of", "this", "on" it), however long the parties
    run before."""
    return bool(_AS_OF.search(before) and _OPENING_MADE.match(layout.text, sentence_start))


# A sentence that defines a term: '“Calendar Quarter” means …', '1.4 "Detailing Period" shall mean …'.
_DEFINITION = re.compile(
    r'\s*(?:\d+(?:\.\d+)*\.?\s+)?["“](?P<term>[^"”\n]{1,40})["”]\s+(?:shall\s+)?means?\b'
)
# What the document's own period is called: "Term", "Contract Period", "Service Period", "Expiration Date".
_OWN_PERIOD = re.compile(r"\b(?:term|agreement|contract|engagement|services?|performance|expir\w*)\b", re.I)


def _defines_another_period(layout: Layout, sentence_start: int) -> bool:
    """The sentence defines a period other than the document's own ('“Calendar Quarter” means … except
    that the first Calendar Quarter … shall end on June 30, 2019'): its dates are not the term's."""
    definition = _DEFINITION.match(layout.text, sentence_start)
    return definition is not None and not _OWN_PERIOD.search(definition.group("term"))


def _effective_despite_blank(layout: Layout, blank: DateMatch) -> Found[date] | None:
    """ "dated as of this ____ day of ______, 2012, but made effective as of February 20, 2012": a date left
    blank, then in the same sentence the date the document takes effect."""
    _, sentence_end = layout.sentence_at(blank.start)
    for match in layout.dates:
        if match.value is None or not blank.end <= match.start < sentence_end:
            continue
        before = layout.text[blank.end : match.start]
        after = layout.text[match.end : match.end + AFTER]
        if re.search(r"\beffective\s+(?:as\s+of|on|from)?\s*(?:the\s+)?$", before) or EFFECTIVE_TERM.match(
            after
        ):
            return found(match.value, PROSE, (match.start, match.end))
    return None


# The document itself begins on a date: "This Agreement shall commence on 1 March 2004", "this Contract
# becomes effective on …" — the date it takes effect, when no other effective date is written.
_DOCUMENT_COMMENCES = re.compile(
    r"\b(?i:this|the\s+present)\s+(?:[A-Z][\w&-]*\s+){0,4}?(?:Agreement|Contract|Order|Addendum)\s+"
    r"(?:(?:shall|will|is\s+to)\s+)?(?:commences?|begins?|starts?|(?:becomes?|takes?)\s+effect(?:ive)?)\s+"
    r"(?:on|as\s+of)\s+(?:the\s+)?$"
)


# The document takes effect when the last party signs: "effective as of the last date signed below", "the
# later of the two signature dates below", "upon the completion of the execution by both Parties", "when it
# shall have been executed by all parties", "on the day after the date of last signature".
_ON_SIGNATURE = re.compile(
    r"\b(?:effective|takes?\s+effect|comes?\s+into\s+(?:force|effect))\b[^.;]{0,40}?"
    r"\b(?:as\s+of|on|upon|from|when)\s+(?:the\s+)?(?P<after>day\s+after\s+the\s+)?"
    # "the later of the two signature dates", "the last date signed", "the date of last signature"
    r"(?:(?:later|last|latest)\s+of\s+the\s+(?:two\s+|(?:respective\s+)?)?"
    r"(?:signature\s+dates|dates?\s+(?:of\s+)?(?:signature|execution))"
    r"|(?:last|latest|later|final)\s+(?:date\s+)?(?:signed|signature|of\s+(?:signature|execution))"
    r"|date\s+(?:of\s+(?:the\s+)?)?(?:last|final|latest)\s+(?:signature|execution)"
    # "the execution hereof by both parties", "when it shall have been executed by all parties"
    r"|(?:completion\s+of\s+the\s+)?execution\s+(?:hereof\s+|of\s+this\s+\w+\s+)?"
    r"by\s+(?:both|all|each\s+of\s+the)\s+parties"
    r"|(?:it|this\s+\w+)\s+(?:shall\s+have\s+been|has\s+been|is)\s+(?:signed|executed)\s+by\s+(?:both|all)\s+parties)",
    re.I,
)


def _on_signature(layout: Layout, signed_on: Found[date] | None) -> Found[date] | None:
    """The last signature's date, when the document says it takes effect on it (_ON_SIGNATURE)."""
    if signed_on is None:
        return None
    match = _ON_SIGNATURE.search(layout.text)
    if match is None or layout.addressed_to_reader(match.start()):
        return None
    on = signed_on.value + timedelta(days=1) if match.group("after") else signed_on.value
    start, end = layout.sentence_at(match.start())
    return Found(on, _derived(signed_on), ((start, end), *signed_on.spans))


def _dates_after(layout: Layout, words: re.Pattern[str]) -> Iterator[tuple[DateMatch, date]]:
    """Each written date whose sentence, in the words right before it, says `words`."""
    for match in layout.dates:
        sentence_start, _ = layout.sentence_at(match.start)
        before = layout.text[max(sentence_start, match.start - BEFORE) : match.start]
        if match.value is not None and words.search(before):
            yield match, match.value


def _document_commences(layout: Layout) -> Found[date] | None:
    for match, value in _dates_after(layout, _DOCUMENT_COMMENCES):
        return found(value, PROSE, (match.start, match.end))
    return None


def _dateline(layout: Layout) -> Found[date] | None:
    """A letter's or memorandum's date line: a date alone on its line among the first lines of the first
    page ("AGENCY AGREEMENT" / "May 21, 2015" / the addressee), the date the document bears — inferred."""
    for line in layout.lines[:_DATELINE_LINES]:
        if line.page != 1:
            break
        written = find_dates(line.text, layout.date_order)
        if len(written) != 1:
            continue
        match, value = written[0], written[0].value
        if value is not None and _DATELINE_REST.fullmatch(line.text[: match.start] + line.text[match.end :]):
            return found(value, INFERRED, (line.start + match.start, line.start + match.end))
    return None


def _executed_on(layout: Layout) -> Found[date] | None:
    """The date the closing words say the document was executed on: "IN WITNESS WHEREOF, the undersigned
    have caused this Agreement to be executed on their behalf this 7th day of April, 2020" — inferred."""
    for match, value in _dates_after(layout, _EXECUTED_ON):
        if not layout.addressed_to_reader(match.start):
            return found(value, INFERRED, (match.start, match.end))
    return None


def _start_on_effective(layout: Layout, effective: Found[date]) -> Found[date] | None:
    """'The Services commence on the Effective Date': the start date is the effective date."""
    match = _COMMENCES_ON_EFFECTIVE.search(layout.text)
    if match is None:
        return None
    return Found(effective.value, _derived(effective), ((match.start(), match.end()), *effective.spans))


def _end_of_term(layout: Layout, effective: Found[date] | None) -> Found[date] | None:
    """A fixed term counted from a stated date: "for a term of one (1) year from the Effective Date",
    "shall be for one year commencing on 1 May 2006", "commence on 20 January 2014 and continue for six (6)
    months" → that date plus the term (anniversary date). Periods in the section about the term (found by
    its heading's meaning: "Term", "Duration", "Agreement Period") are read first, and there a plain "for
    six (6) months" states the term too."""
    periods = [
        p for p in PERIOD.finditer(layout.text) if p.group("unit").lower().startswith(("month", "year"))
    ]
    in_term = [p for p in periods if "term" in layout.kinds_at(p.start())]
    for period in (*in_term, *(p for p in periods if p not in in_term)):
        start, end = layout.sentence_at(period.start())
        head, tail = layout.text[start : period.start()], layout.text[period.end() : end]
        lead = _TERM_LEAD.search(head) or (period in in_term and _SECTION_LEAD.search(head))
        adjectival = _PERIOD_NOUN.match(tail)
        if (
            not lead
            and adjectival
            and _ARTICLE_END.search(head)
            and _AGREEMENT_TERM.search(head)
            and _TERM_FROM.match(tail, adjectival.end())
        ):
            # "the term of this Agreement … terminate at the end of … (i.e., a three (3) year period
            # commencing on the Effective Date)": the period is a noun's measure, counted from a stated date
            lead, tail = adjectival, tail[adjectival.end() :]
        if not lead or _NOT_THE_TERM.search(head):
            continue
        unit = period.group("unit").lower()
        months = (number_of(period) or 0) * (12 if unit.startswith("year") else 1)
        base, anchored = _term_base(layout, tail, period.end(), effective)
        base = base or _commenced(layout, head, start)
        if base is None and (
            _BEGINS_EFFECTIVE.search(head)
            or (not anchored and _AGREEMENT_TERM.search(head) and not _OTHER_TERM.search(head))
        ):
            # "This Agreement is for a term of ten (10) years": an agreement's term runs from the date it
            # takes effect when the sentence counts it from nothing else
            base = effective
        if months and base is not None:
            ends_on = _add_months(base.value, months)
            return Found(ends_on, _derived(base), ((start, end), *base.spans))
    return _anniversary(layout, effective)


def _in_term_sentences(layout: Layout, words: re.Pattern[str]) -> Iterator[tuple[re.Match[str], str]]:
    """Each match of `words` whose sentence, before it, speaks of the agreement's own term; with that part
    of the sentence."""
    for match in words.finditer(layout.text):
        start, _ = layout.sentence_at(match.start())
        head = layout.text[start : match.start()]
        if _AGREEMENT_TERM.search(head):
            yield match, head


def _at_the_latest(layout: Layout) -> Found[date] | None:
    """The date a term that runs from an event ends on at the latest: "This Agreement … shall terminate
    five (5) years following the launch of the Website, but in no event later than February 28, 2013"."""
    for match, head in _in_term_sentences(layout, _AT_THE_LATEST):
        if not _TERM_ENDS.search(head):
            continue
        written = find_dates(layout.text[match.end() : match.end() + 40], layout.date_order)
        if written and written[0].start == 0 and written[0].value is not None:
            begin = match.end()
            return found(written[0].value, PROSE, (begin, begin + written[0].end))
    return None


def _year_end(layout: Layout) -> Found[date] | None:
    """ "This agreement will be in effect until the end of 2006" → 31 December 2006."""
    for match, _ in _in_term_sentences(layout, _UNTIL_YEAR_END):
        return found(date(int(match.group("year")), 12, 31), PROSE, (match.start(), match.end()))
    return None


def _commenced(layout: Layout, head: str, offset: int) -> Found[date] | None:
    """The date a term sentence says it commences on: "shall commence on January 20, 2014 and …"."""
    match = _COMMENCES_ON_DATE.search(head)
    if match is None:
        return None
    dates = [d for d in find_dates(head[match.end() : match.end() + 40], layout.date_order) if d.value]
    if not dates or dates[0].start > 3 or dates[0].value is None:
        return None
    begin = offset + match.end() + dates[0].start
    return Found(dates[0].value, PROSE, ((begin, begin + dates[0].end - dates[0].start),))


def _anniversary(layout: Layout, effective: Found[date] | None) -> Found[date] | None:
    """ "… shall continue until the four-year anniversary of the Effective Date" → effective + 4 years."""
    if effective is None:
        return None
    for match in _ANNIVERSARY.finditer(layout.text):
        years = number_of(match) if match.group("unit") else None
        years = years or _ORDINALS.get((match.group("ordinal") or "").lower())
        start, end = layout.sentence_at(match.start())
        if years and not layout.addressed_to_reader(start):
            ends_on = _add_months(effective.value, 12 * years)
            if match.group("prior"):
                ends_on -= timedelta(days=1)
            return Found(ends_on, _derived(effective), ((start, end), *effective.spans))
    return None


def _term_base(
    layout: Layout, tail: str, offset: int, effective: Found[date] | None
) -> tuple[Found[date] | None, bool]:
    """The date a term is counted from — a date written right after it, else the effective date it names —
    and whether the words after the term count it from something ("from the Launch", "after delivery"),
    read or not."""
    anchor = _TERM_FROM.match(tail)
    if anchor is None:
        return None, False
    dates = [d for d in find_dates(tail[anchor.end() : anchor.end() + 60], layout.date_order) if d.value]
    if dates and dates[0].start < 25 and dates[0].value is not None:
        begin = offset + anchor.end() + dates[0].start
        return Found(dates[0].value, PROSE, ((begin, begin + dates[0].end - dates[0].start),)), True
    counted_from_effective = anchor.group("effective") or anchor.group("thereafter")
    if anchor.group("such") and _BEGINS_EFFECTIVE.search(layout.text[max(0, offset - 300) : offset]):
        counted_from_effective = anchor.group("such")
    return (effective if counted_from_effective else None), True


def _derived(base: Found[date]) -> float:
    """A date computed from another is no surer than the date it is computed from."""
    return min(DERIVED, base.confidence)


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))
