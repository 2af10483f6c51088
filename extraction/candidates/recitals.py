"""Parties named in recitals: 'by and between Acme Corp., a Delaware corporation ("Client"), and …'.

Every defined term in brackets is a candidate; the party's name is the run of name-like words that ends where
its description starts (", a Delaware corporation", ", with offices at", the bracket itself).
"""

import re
from dataclasses import dataclass

from extraction.candidates.labels import COMPANY_SUFFIXES
from extraction.layout import Layout

CLIENT_TERMS = frozenset(
    {"client", "customer", "company", "buyer", "purchaser", "recipient", "service recipient", "licensee",
     "owner", "sponsor", "trust", "fund", "government", "bank", "employer", "you"}
)  # fmt: skip
PROVIDER_TERMS = frozenset(
    {"provider", "service provider", "supplier", "vendor", "consultant", "contractor", "consultancy",
     "developer", "seller", "licensor", "firm", "agency", "adviser", "advisor", "sub-advisor", "servicer",
     "manager", "administrator", "outsourcer", "agent",
     # a document written by the provider to its customer: "Acme Ltd ("we," "us" or "our") … ("you")"
     "we", "us"}
)  # fmt: skip
NOT_PARTIES = frozenset(
    {"agreement", "sow", "statement of work", "effective date", "services", "project", "change order",
     "proposal", "deliverables", "confidential information", "parties", "party", "term", "fees", "msa",
     "work", "order", "schedule", "exhibit", "territory", "products", "affiliate", "affiliates",
     "commencement date"}
)  # fmt: skip
# A name that is a document, not a party: it ends in what contracts call themselves ("This Services
# Agreement", "Master Terms of Service", "Data Processing Addendum").
DOCUMENT_NAME = re.compile(
    r"\b(?:agreement|contract|addendum|amendment|terms(?:\s+(?:and|&)\s+conditions|\s+of\s+\w+)?|policy"
    r"|statement\s+of\s+work)$",
    re.IGNORECASE,
)
# A defined term in brackets: ("Client"), (the "Provider"), (hereinafter "X" or "Y"), and a term after a short
# qualifier ("including its Affiliates, "Customer""). A term may wrap onto the next line ("Acme\nUS").
_TERM = re.compile(
    r"\(\s*(?:[^()\"'\n]{1,40},\s*|(?:together\s+with|including)\b[^()\"'\n]{1,80}?(?:,\s*|\s+))?"
    r"(?:(?:hereinafter|herein)\s+(?:(?:referred\s+to|called|named)\s+)?(?:as\s+)?)?(?:the\s+|this\s+|each\s+a\s+)?"
    r"[\"'](?P<term>[^\"'()\n]{1,40}(?:\n[^\"'()\n]{1,40})?)[\"']"
    r"(?:\s*(?:,\s*)?(?:or|and)?\s*(?:the\s+)?[\"'](?P<alias>[^\"'()\n]{1,40})[\"'])*"
    # what the bracket adds after the term: "and with Acme, each a "Party" and collectively, the "Parties""
    r"(?:\s*,?\s*\b(?:and|together)\b[^()]{0,60}?\bpart(?:y|ies)\b[^()]{0,20}"
    # "('Acme', which term shall unless repugnant to the context include its successors)"
    r"|\s*,?\s*which\s+(?:terms?|expressions?)\b[^()]{0,200})?\s*\)",
    re.IGNORECASE,
)
# A defined term without brackets: 'Acme LLC, a Texas company, referred to in this Agreement as "Company" or
# "Acme"', 'ACME, INC., hereinafter referred to as "ACME"', 'Acme Ltd hereinafter called "the Supplier"'.
_UNBRACKETED_TERM = re.compile(
    r"(?:,\s*|\s+)(?:(?:and\s+)?hereinafter\s+)?(?:(?:sometimes\s+)?referred\s+to\s+(?:herein\s+|in\s+this\s+\w+\s+)?as"
    r"|called|named)\s+(?:the\s+)?[\"“](?:the\s+)?(?P<term>[^\"“”()\n]{1,40})[\"”]"
    r"(?:\s*(?:,\s*)?(?:or|and)\s+(?:the\s+)?[\"“](?P<alias>[^\"“”()\n]{1,40})[\"”])?",
    re.IGNORECASE,
)
_DESCRIPTION = re.compile(
    r",\s+(?:a|an)\s|\s+(?:a|an)\s+(?:[A-Z][\w.-]*\s+){0,3}(?:(?:limited|private|public|non-?profit)\s+)*"
    r"(?:company|corporation|partnership|association|bank|trust|entity|organi[sz]ation|society)\b|,\s+(?:with|having|whose|located|organi[sz]ed|incorporated|registered|its|of)\b"
    r"|\s+(?:with|having)\s+(?:its\s+|an?\s+)?(?:(?:corporate|business|registered|principal)\s+)?"
    r"(?:address|offices?|principal|registered)\b|,?\s+(?:located|residing)\s+at\b"
    # "Acme US, LLC and its Affiliates ("ACME")": the affiliates are not part of the name
    r"|,?\s+(?:and|together\s+with)\s+its\s+(?:affiliates|subsidiaries)\b"
    # "ACME, INC., 2450 White Road, …" (a street address), "ACME, INC. c/o …", "… Limited is a company …"
    r"|,\s+\d{1,6}\s+(?:[A-Z][\w.'-]*\s+){1,4}(?:Road|Rd|Street|St|Avenue|Ave|Boulevard|Blvd|Drive|Dr|Lane|Ln"
    r"|Way|Place|Pl|Court|Ct|Parkway|Pkwy|Highway|Hwy|Circle|Square|Plaza)\b"
    r"|\s+c/o\b|\s+is\s+(?:a|an)\s"
    # "Acme Data Systems, Inc., the Regional Office (\"REGIONAL\")": after a legal form, what the party is
    # called right before its term, not its name
    r"|(?<=[\w.]),\s+the\s+(?-i:(?:[A-Z][\w-]*\s+){1,3})(?=\(\s*[\"“]|$)"
    # "Acme Register Ltd, acting through its office in Dubai (\"Acme\")" (a named division it acts through
    # is the party the term defines, and is kept)
    r"|,\s+acting\s+(?:through|by|from)\s+its\s+(?:\w+\s+)?(?:office|offices|branch)\b"
    # "acme.com, Inc. (formerly known as Acme, Inc.), a Delaware corporation": an earlier name, not this one
    r"|\s+\((?:formerly|f/k/a|previously|prior\s+to)\b",
    re.IGNORECASE,
)
# The next item of a list of parties: a semicolon (U+037E in some PDFs), "and", then an enumerator or a
# capital ("…, PRC; and (e) Acme Limited", "…; Beta GmbH").
_NEXT_ITEM = re.compile(r"[;\u037e]\s*(?:and\s+)?(?:\(?[a-z0-9]{1,4}[.)]\s*)?(?=[A-Z])")
_CONNECTORS = frozenset(
    {"and", "of", "de", "der", "la", "le", "du", "des", "für", "&", "y", "et", "van", "von"}
)
_TRADING_AS = frozenset({"d/b/a", "dba", "d.b.a.", "t/a"})
# What a description or a place is introduced with, and a name never is: an indefinite article ("an Ohio
# corporation"), the law or place an entity is formed under ("organized under the laws of the Republic of
# Chile", "incorporated in Ireland"), a street address's lead ("located at").
_NOT_A_NAME_AFTER = re.compile(
    r"(?:(?<![\w/])(?:a|an)|\blaws?\s+of(?:\s+the)?|\b(?:incorporated|organi[sz]ed|registered|formed|existing|domiciled)"
    r"\s+(?:in|under)(?:\s+the)?|\b(?:state|commonwealth|province|republic)\s+of(?:\s+the)?"
    r"|\b(?:located|residing)\s+(?:at|in)|\bknown\s+as)\s*$",
    re.IGNORECASE,
)
# A word of a name that starts lower-case: a brand with an inner capital or a web address ("acme.com").
BRAND = re.compile(r"[a-z]{1,12}(?:[A-Z][\w&-]*|\.(?:com|net|org|io|co)\b)")
_JOINING = re.compile(r"(?:between|among|and|by)\s+(?=\S)", re.IGNORECASE)
# How far back from a defined term a party's name may start; recitals rarely describe a party at more length.
_REACH = 600
# A wrapped recital line is long; a shorter line before a name is a title or letterhead, not the name's start.
_WRAPPED_LINE = 50


@dataclass(frozen=True)
class PartyMention:
    """A party named with a defined term: `role` is client, provider or None when the term does not say."""

    name: str
    start: int
    end: int
    term: str
    role: str | None
    term_end: int


def term_defined_at_end(text: str) -> str | None:
    """The term a bracket at the very end of `text` defines ('Acme Co., Ltd. ("Service Provider")')."""
    last = next(reversed(list(_TERM.finditer(text))), None)
    return last.group("term") if last and not text[last.end() :].strip() else None


def role_of(term: str) -> str | None:
    key = term.strip(" ,;").lower()
    if key in CLIENT_TERMS:
        return "client"
    if key in PROVIDER_TERMS:
        return "provider"
    return None


def party_mentions(layout: Layout, within: int = 20000) -> tuple[PartyMention, ...]:
    """Parties defined with a bracketed term in the first `within` characters of the document."""
    text = layout.text[:within]
    mentions: list[PartyMention] = []
    previous_end = 0
    terms = sorted((*_TERM.finditer(text), *_UNBRACKETED_TERM.finditer(text)), key=lambda m: m.start())
    for match in terms:
        if match.start() < previous_end:
            continue  # a term inside one already read
        defined = [t for t in (match.group("term"), match.group("alias")) if t]
        if all(_names_no_party(t) for t in defined):
            previous_end = match.end()
            continue
        span = _name_before(text, max(previous_end, match.start() - _REACH), match.start())
        previous_end = match.end()
        if span is None:
            continue
        role = next((r for r in map(role_of, defined) if r), None)
        name = re.sub(r"\s+", " ", text[span[0] : span[1]])
        term = re.sub(r"\s+", " ", defined[0].strip())
        mentions.append(PartyMention(name, span[0], span[1], term, role, match.end()))
    return tuple(mentions)


def _names_no_party(term: str) -> bool:
    """A defined term for a thing, not a party: "Services", "Effective Date", "Non-Competition Agreement"."""
    words = " ".join(term.split())
    return words.lower() in NOT_PARTIES or DOCUMENT_NAME.search(words) is not None


def _name_before(text: str, lower: int, bracket: int) -> tuple[int, int] | None:
    """Span of the party name that the bracket at `bracket` defines, searching no earlier than `lower`.

    The name ends where its description starts; a description found before any name belongs to the party
    before, so each place a description starts is tried in turn, then the bracket itself."""
    segment = text[lower:bracket]
    items = list(_NEXT_ITEM.finditer(segment))
    if items:
        # "…, whose address is at …; and (e) Acme Limited ("Company")": a list of parties, one per item
        lower, segment = lower + items[-1].end(), segment[items[-1].end() :]
    ends = [lower + m.start() for m in _DESCRIPTION.finditer(segment)]
    ends.append(lower + len(segment.rstrip(" ,\n")))
    for end in ends:
        span = _name_ending(text, lower, end)
        if span is not None:
            return span
    return None


def _name_ending(text: str, lower: int, end: int) -> tuple[int, int] | None:
    """The run of name-like words that ends at `end`, walking back no further than `lower`."""
    end = _trimmed_end(text, lower, end)
    tokens = list(re.finditer(r"\S+", text[lower:end]))
    start = None
    for position in range(len(tokens) - 1, -1, -1):
        token = tokens[position].group()
        left = tokens[position - 1].group() if position else ""
        gap = text[lower + tokens[position - 1].end() : lower + tokens[position].start()] if position else ""
        if not _name_token(token, left):
            break
        start = lower + tokens[position].start()
        if "\n" in gap and not _wrapped(text, lower + tokens[position].start()):
            break
    if start is not None:
        # "BETWEEN ACME FOODS CORPORATION": the joining word, capitalised with the name, is not part of it
        lead = _JOINING.match(text, start, end)
        start = lead.end() if lead else start
    if start is None or not re.search(r"[A-Za-z]{2}", text[start:end]):
        return None
    if _NOT_A_NAME_AFTER.search(text[max(lower, start - 60) : start]):
        return None  # a description ("a Delaware corporation") or a place, not the party's name
    return start, end


def _name_token(token: str, left: str) -> bool:
    if token.endswith(":"):
        return False  # a label before the name ("BETWEEN: Acme Resources Ltd."), never part of it
    bare = token.strip(",;:\"'")
    if re.fullmatch(r"\([A-Z][\w&.'-]*\)", bare) or (bare.isdigit() and len(bare) <= 3):
        # A bracketed word ("Acme Holdings (Europe) Limited") or a number ("Network 1 Financial, Inc.") inside
        # a name, never its start.
        return _inside_name(left)
    if not re.search(r"[A-Za-z]", bare):
        return bare == "&"
    if bare.lower() in _CONNECTORS:
        return _inside_name(left)
    if bare.lower() in _TRADING_AS:
        # "Acme Stores, Inc., d/b/a Acme Outdoor": the trading name belongs to the company before it
        return bool(left) and _name_token(left.rstrip(","), "")
    if bare.lower().replace(".", "") in COMPANY_SUFFIXES:
        return True
    # A name may start lower-case when it is a brand or a web address: "acme.com, Inc.", "eAcme Ltd".
    return bare[0].isupper() or bare[0].isdigit() or bool(BRAND.match(bare))


def _inside_name(left: str) -> bool:
    """Whether the token before a word that cannot start a name is part of a name the word continues."""
    return bool(left) and _name_token(left, "") and not left.endswith((",", ")", '"'))


def _wrapped(text: str, line_start: int) -> bool:
    """Whether the line ending just before `line_start` is a wrapped paragraph line."""
    previous_end = text.rfind("\n", 0, line_start)
    previous_start = text.rfind("\n", 0, previous_end) + 1
    return previous_end - previous_start >= _WRAPPED_LINE


# The party named after the last defined one without a term of its own: '… Acme, Inc. ("Acme"), and Beta
# Corporation\n780 Main Street …', '… ("Acme") and Beta GmbH, a German company, …'.
_AND_NEXT = re.compile(r"\s*,?\s*(?:and|AND)\s+(?=\S)")
_NAME_STOP = re.compile(r"\n|\(|;|\.\s")


def unnamed_next_party(layout: Layout, mention: PartyMention) -> tuple[int, int] | None:
    """The span of a legal name right after `mention`'s defined term, joined by "and", that no defined term
    of its own follows: up to its description, the end of its line or a bracket."""
    lead = _AND_NEXT.match(layout.text, mention.term_end)
    if lead is None:
        return None
    start = lead.end()
    window = layout.text[start : start + 200]
    stops = [m.start() for m in _DESCRIPTION.finditer(window)]
    stop = _NAME_STOP.search(window)
    if stop is not None:
        stops.append(stop.start())
    end = _trimmed_end(layout.text, start, start + min(stops, default=len(window)))
    return (start, end) if end > start else None


def _trimmed_end(text: str, start: int, end: int) -> int:
    """A name's end without the spaces and commas after it, nor a doubled full stop ("Acme Inc.." keeps the
    abbreviation's)."""
    while end > start and (text[end - 1] in " ,\n" or text[end - 2 : end] == ".."):
        end -= 1
    return end


# A legal form written as the last word of a name, capitalised ("Inc.", "LIMITED", "GmbH").
_LEGAL_FORM = re.compile(
    r"(?<![\w.&-])(?:"
    + "|".join(sorted((re.escape(s) for s in COMPANY_SUFFIXES if len(s) > 1), key=len, reverse=True))
    + r")\.?(?![\w&-])",
    re.IGNORECASE,
)
# Words that start a phrase, not a name: "The Company", "This Co", "Each Partners".
_ARTICLES = frozenset({"the", "this", "that", "such", "each", "any", "other", "said", "a", "an"})
# A sentence break inside a run of capitalised words ("Definitions. As …", "The Offering. The Company").
_SENTENCE_BREAK = re.compile(r"[a-z]{2}\.\s+[A-Z]")
_NAME_REACH = 150
_AND = re.compile(r"\s+and\s+")
# The last closing quote in a run of words: one right after a word or a full stop, not before one.
_CLOSING_QUOTE = re.compile(r"(?<=[\w.!?])[\"”](?!.*(?<=[\w.!?])[\"”])", re.DOTALL)
_MORE_FORMS = re.compile(
    r"(?:,|\s*&)?[ \t]+(?:Co\.?[ \t]+)?(?-i:(?=[A-Z]))" + _LEGAL_FORM.pattern, re.IGNORECASE
)


def legal_names(layout: Layout, within: int = 3000) -> tuple[tuple[str, int, int], ...]:
    """Every company name that ends in a legal form in the first `within` characters, in order of writing,
    each spelling once: (name, start, end). No role is read here; the name alone says none."""
    text = layout.text[:within]
    names: list[tuple[str, int, int]] = []
    previous_end = 0
    for match in _LEGAL_FORM.finditer(text):
        if not match.group()[0].isupper() or match.start() < previous_end:
            continue
        end = match.end()
        # "Co., Ltd.", "GmbH & Co. KG": one name with several legal forms
        while more := _MORE_FORMS.match(text, end):
            end = more.end()
        span = _name_ending(text, max(previous_end, match.start() - _NAME_REACH), end)
        if span is None:
            continue
        start = span[0]
        first = text.find(", ", start, span[1])
        if first > 0 and DOCUMENT_NAME.search(text[start:first]):
            start = first + 2  # "… this Agreement, Acme Systems, Inc. grants …"
        closing = _CLOSING_QUOTE.search(text, start, span[1])
        if closing:
            # '"RESELLER" Acme Corporation': a caption in quotes before the name, and the space after it
            start = closing.end()
            while start < span[1] and text[start].isspace():
                start += 1
        # "… 38, Bratislava and Acme Ltd": an address before "and", then the name
        joined = [
            m for m in _AND.finditer(text, start, span[1]) if re.search(r"[,\d]", text[start : m.start()])
        ]
        if joined:
            start = joined[-1].end()
        name = re.sub(r"\s+", " ", text[start : span[1]])
        words = re.findall(r"[\w&'-]+", name)
        lead = [w for w in words[:-1] if w.lower() not in _ARTICLES]
        form = match.group()
        if (
            not lead
            or re.search(r"[\"“”]", name)
            or _SENTENCE_BREAK.search(name)
            # "EFFECTIVE AS OF", "DENVER, CO": in capitals, a two-letter form is a word unless abbreviated
            or (len(form) == 2 and name.isupper())
            or layout.repeated_line(start)
        ):
            continue
        previous_end = span[1]
        names.append((name, start, span[1]))
    return tuple(names)
