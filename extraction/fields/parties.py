"""Client and provider names: from the order form, the recitals and the signature blocks.

Names are returned as written, without role labels or quotes. Two spellings of one company ("ACME Corp."
and "Acme Corporation") count as agreement, not conflict.
"""

import re

from extraction.candidates.labels import COMPANY_SUFFIXES, LabelValue, only_legal_form
from extraction.candidates.recitals import (
    BRAND,
    DOCUMENT_NAME,
    NOT_PARTIES,
    PartyMention,
    legal_names,
    role_of,
    term_defined_at_end,
    unnamed_next_party,
)
from extraction.candidates.signatures import SignatureBlock
from extraction.fields.base import (
    DERIVED,
    INFERRED,
    ORDER_ONLY,
    PROSE,
    RECITAL,
    WEAK_LABEL,
    Found,
    best,
    found,
    label_confidence,
    labelled,
)
from extraction.layout import Layout
from extraction.normalize.places import is_place

# How far past the opening sentence a recital's second party may still be named.
_RECITAL_SLACK = 300
_VERBS = re.compile(r"\b(?:will|shall|is|are|was|has|have|may|must|agrees?|means|including|the\s+\w+ing)\b")
_SUFFIX_ALIASES = {"corporation": "corp", "incorporated": "inc", "limited": "ltd", "company": "co"}
# A defined term for a date or a period ("Final Acceptance Date"), not a party.
_DATE_TERM = re.compile(r"\b(?:date|period)$", re.IGNORECASE)
# Words a name does not start with: a reading that does ("as Acme, Inc.)", "WHEREAS, Seller and …")
# began mid-sentence or at a recital's opening word.
_NOT_A_START = frozenset(
    {"as", "and", "or", "by", "between", "among", "of", "with", "to", "for", "from", "in", "whereas", "now"}
)


def same_party(a: str, b: str) -> bool:
    """Name variants of one legal entity: case, punctuation and suffix spelling aside."""
    return _key(a) == _key(b) or _key(a, suffix=False) == _key(b, suffix=False)


def _key(name: str, suffix: bool = True) -> str:
    words = re.sub(r"[^\w\s&]", " ", name.lower()).split()
    words = [_SUFFIX_ALIASES.get(word, word) for word in words]
    if not suffix:
        words = [word for word in words if word not in COMPANY_SUFFIXES]
    return " ".join(words)


def looks_like_party(value: str) -> bool:
    """A company or person name: a few words, mostly capitalised, with no verb in it, and more than a
    legal form ("Limited" alone names no one)."""
    words = re.findall(r"[A-Za-z][\w'&.-]*", value)
    if (
        not 1 <= len(words) <= 12
        or only_legal_form(value)
        or _VERBS.search(value)
        or role_of(value)
        or re.search(r"/s/|:|\d{3}", value)
        or DOCUMENT_NAME.search(value.rstrip(" .,;"))
        or _DATE_TERM.search(value.rstrip(" .,;"))
        or words[0].lower() in _NOT_A_START
        or value.strip(" .,;").lower() in NOT_PARTIES
        or is_place(value)
        or value.count(")") > value.count("(")
    ):
        return False
    # a brand written in lower case keeps its legal form in lower case too: "acme.com, inc."
    brand = bool(BRAND.fullmatch(words[0]))
    significant = [
        w
        for w in words
        if len(w) > 3 and w.lower() not in ("and", "of", "the", "for") and not (brand and only_legal_form(w))
    ]
    capitalised = sum(w[0].isupper() or bool(BRAND.match(w)) for w in significant)
    return bool(significant) and capitalised >= 0.6 * len(significant)


def party_names(
    layout: Layout,
    values: tuple[LabelValue, ...],
    mentions: tuple[PartyMention, ...],
    blocks: tuple[SignatureBlock, ...],
) -> dict[str, Found[str] | None]:
    """The best client and provider name candidates."""
    candidates: dict[str, list[Found[str]]] = {"client": [], "provider": []}
    recited = [m.name for m in mentions]
    for item in labelled(values, "client", "provider"):
        name = _entity_of(item)
        if name and looks_like_party(name) and _credible(item, name, recited):
            start = layout.text.find(name, item.value_start, item.value_end)
            role = _defined_role(item.value)
            # "Party A" names a party by its place in the list; which side it is, only a role term says
            confidence = (
                ORDER_ONLY if role is None and _ORDINAL_LABEL.match(item.label) else label_confidence(item)
            )
            candidates[role or item.key].append(found(name, confidence, (start, start + len(name))))
    _from_recitals(layout, mentions, candidates)
    _from_signatures(blocks, candidates)
    if not candidates["client"] and not candidates["provider"]:
        _from_cover(layout, candidates)
    if not candidates["client"]:
        _from_work_statement(layout, candidates)
    if not candidates["client"] or not candidates["provider"]:
        _from_legal_names(layout, candidates)
    return {role: best(found_list, same_party) for role, found_list in candidates.items()}


def _from_legal_names(layout: Layout, candidates: dict[str, list[Found[str]]]) -> None:
    """A side nothing else names: the first company name with a legal form in the document's opening that
    is not the other side, by order only ("… between Acme Corporation, … and Beta Ltd, …" with neither
    named by a role); a lone name stands first."""
    placed = [item.value for items in candidates.values() for item in items if item.value]
    names: list[tuple[str, int, int]] = []
    for name, start, end in legal_names(layout):
        # a name read twice, once without its first word ("(Acme Life Company was …" → "Life Company")
        written = [*placed, *(earlier for earlier, _, _ in names)]
        if looks_like_party(name) and not any(
            same_party(name, other) or other.lower().endswith(name.lower()) for other in written
        ):
            names.append((name, start, end))
    for role in ("client", "provider"):
        if candidates[role] or not names:
            continue
        name, start, end = names.pop(0)
        candidates[role].append(found(name, ORDER_ONLY, (start, end)))


# A cover page that names the parties on lines of their own: "SUPPLY AGREEMENT" / ("BETWEEN:") / "ACME
# LIMITED" / its address / "AND" / "BETA GMBH".
_AND_LINE = re.compile(r"^[\s-]*(?:and|AND|And)\s*:?[\s-]*$")
_COVER_LINES = 40


# The title of a performance work statement with its author's name before it: the government buyer writes
# the PWS (FAR 37.602), so the name is the client's. "HARBOUR SURVEY OFFICE (HSO) Performance Work Statement",
# "Section C - Harbour Survey Office Performance Work Statement (PWS) for …".
_PWS_TITLE = re.compile(
    r"^(?:section\s+[A-Z0-9]{1,3}\s*[-\u2013\u2014:.]\s*|[A-Z0-9]{1,3}[.)]\s+)?(?P<org>[^\n()]{3,100}?)"
    r"(?:[ \t]+\([A-Z&]{2,10}\))?[ \t]+performance\s+work\s+statement\b",
    re.IGNORECASE | re.MULTILINE,
)
_DETERMINERS = frozenset(
    {"the", "this", "that", "a", "an", "its", "our", "your", "such", "each", "any", "said"}
)


def _from_work_statement(layout: Layout, candidates: dict[str, list[Found[str]]]) -> None:
    """The client named before a performance work statement's title, when nothing else names it."""
    for match in _PWS_TITLE.finditer(layout.text):
        org = match.group("org").strip(" ,-\u2013\u2014")
        words = org.split()
        if (
            len(words) >= 2
            and words[0].lower() not in _DETERMINERS
            and words[-1].lower() not in _DETERMINERS | {"and", "of", "for"}
            and looks_like_party(org)
        ):
            start = layout.text.index(org, match.start("org"))
            candidates["client"].append(found(org, WEAK_LABEL, (start, start + len(org))))
            return


def _from_cover(layout: Layout, candidates: dict[str, list[Found[str]]]) -> None:
    """Two parties named on a cover page around a line that says only "AND", when nothing else names them:
    the first legal name above it and the first below, placed by their order (nothing says which is which)."""
    lines = layout.lines[:_COVER_LINES]
    joins = [i for i, line in enumerate(lines) if _AND_LINE.match(line.clean)]
    if not joins:
        return
    join = joins[0]
    above = [line for line in reversed(lines[max(0, join - 8) : join]) if _cover_name(line.clean)]
    below = [line for line in lines[join + 1 : join + 4] if _cover_name(line.clean)]
    if not above or not below:
        return
    for role, line in zip(("client", "provider"), (above[0], below[0]), strict=True):
        candidates[role].append(found(line.clean, ORDER_ONLY, (line.start, line.end)))


def _cover_name(text: str) -> bool:
    return _has_suffix(text.rstrip(",")) and looks_like_party(text.rstrip(","))


def _credible(item: LabelValue, name: str, recited: list[str]) -> bool:
    """A labelled name is taken when a colon sets it apart, when it is a legal name (with a legal-form
    suffix), or when the recitals name the same party; a form cell without any of these may be a title
    that happens to start with a label word ("Customer Data Hub")."""
    if item.colon or _has_suffix(name):
        return True
    return item.in_form and any(same_party(name, other) for other in recited)


def _has_suffix(name: str) -> bool:
    return name.split()[-1].lower().replace(".", "").strip(",") in COMPANY_SUFFIXES


_ORDINAL_LABEL = re.compile(r"party\s+[a-z]\b", re.I)


def _defined_role(value: str) -> str | None:
    """The role a label's value defines for its party, which outranks the label's own: 'Party A: Acme
    Co., Ltd. ("Service Provider")'."""
    term = term_defined_at_end(value)
    return role_of(term) if term else None


def _entity_of(item: LabelValue) -> str:
    """The legal entity in a label's value: "Acme Ltd, 1 Main Street" → "Acme Ltd" for address labels."""
    value = _without_full_stop(re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", item.value).strip(" ;"))
    if "," in value and not looks_like_party(value):
        value = value.split(",")[0].strip()
    return re.sub(r"\s+\([^()]*\)$", "", value)


def _without_full_stop(value: str) -> str:
    """Drop a sentence's full stop, but keep the one of an abbreviation ("Corp.", "L.P.", "S.A.")."""
    if not value.endswith("."):
        return value
    last = value.split()[-1]
    keep = last.lower().replace(".", "") in COMPANY_SUFFIXES or re.fullmatch(r"(?:[A-Za-z]\.)+", last)
    return value if keep else value[:-1]


def _from_recitals(
    layout: Layout, mentions: tuple[PartyMention, ...], candidates: dict[str, list[Found[str]]]
) -> None:
    """The parties of the opening recital; a party without a role word takes the role its verbs give it
    ("Metavante shall provide the Services"), or the role the other party leaves over."""
    named = [m for m in mentions if looks_like_party(m.name)]
    if not named:
        return
    start, end = layout.sentence_at(named[0].start)
    recital = [m for m in named if start <= m.start <= end + _RECITAL_SLACK]
    for mention in named:
        if mention.role:
            confidence = RECITAL if mention in recital else PROSE
            candidates[mention.role].append(found(mention.name, confidence, (mention.start, mention.end)))
    _one_role_for_two(recital, candidates)
    unknown = [
        m for m in recital if m.role is None and _key(m.term) not in {_key(n.name) for n in named if n.role}
    ]
    taken = {m.role for m in recital if m.role}
    undecided = []
    for mention in unknown:
        role = _role_by_verbs(layout.text, mention.term)
        if role is None and len(taken) == 1 and len({_key(m.name) for m in unknown}) == 1:
            role = "provider" if taken == {"client"} else "client"
        if role is not None and role not in taken:
            candidates[role].append(found(mention.name, DERIVED, (mention.start, mention.end)))
            taken.add(role)
        elif role is None or role in taken:
            undecided.append(mention)
    # Two parties and one role left: the party not yet placed is the other side of the contract. Nothing
    # but elimination says so, so it is inferred, not derived.
    distinct = list({_key(m.name): m for m in undecided}.values())
    if len(taken) == 1 and distinct:
        # several parties on the other side ("Beta Ltd … and Gamma A/S (together, the "Lessors")"): the
        # first named stands for them, by order only
        role, mention = ("provider" if taken == {"client"} else "client"), distinct[0]
        confidence = INFERRED if len(distinct) == 1 else ORDER_ONLY
        candidates[role].append(found(mention.name, confidence, (mention.start, mention.end)))
    # Two parties and no role word or verb for either: the order they are named in is all there is.
    if not taken and len(distinct) == 2:
        for role, mention in zip(("client", "provider"), distinct, strict=True):
            candidates[role].append(found(mention.name, ORDER_ONLY, (mention.start, mention.end)))
    _unnamed_other(layout, recital, candidates)


# Role words that name a party by what it is rather than by its side: "the Company" is the customer in an
# engagement but the seller in a sponsorship.
_GENERIC_TERMS = frozenset({"company", "owner", "trust", "fund", "bank"})


def _one_role_for_two(recital: list[PartyMention], candidates: dict[str, list[Found[str]]]) -> None:
    """Two parties of the recital whose terms both give one side, the other side unnamed ("Acme Rowing
    Club, LLC ("Company") and Beta Outfitters, Inc. ("Sponsor")"): the one called by a generic word
    ("Company") is the other side, inferred."""
    by_name = {_key(m.name): m for m in recital if m.role}
    if len(by_name) != 2:
        return
    first, second = by_name.values()
    role = first.role
    if role is None or second.role != role:
        return
    other = "provider" if role == "client" else "client"
    generic = [m for m in (first, second) if m.term.strip().lower() in _GENERIC_TERMS]
    if candidates[other] or len(generic) != 1:
        return
    moved = generic[0]
    candidates[role] = [item for item in candidates[role] if not same_party(item.value or "", moved.name)]
    candidates[other].append(found(moved.name, INFERRED, (moved.start, moved.end)))


def _unnamed_other(
    layout: Layout, recital: list[PartyMention], candidates: dict[str, list[Found[str]]]
) -> None:
    """A recital that defines one party and joins a second legal name to it without a term ('between Acme,
    Inc. ("Acme"), and Beta Corporation'): the second takes the role the first leaves, or comes second."""
    parties = {_key(m.name): m for m in recital}
    if len(parties) != 1:
        return
    mention = next(iter(parties.values()))
    span = unnamed_next_party(layout, mention)
    if span is None:
        return
    name = layout.text[span[0] : span[1]]
    if (
        not (name[0].isupper() or name[0].isdigit() or BRAND.match(name))
        or re.search(r",\s+and\s", name)
        or not (_has_suffix(name) and looks_like_party(name))
        or same_party(name, mention.name)
    ):
        return
    if mention.role is None and (candidates["client"] or candidates["provider"]):
        return  # the order alone places them only when nothing else names either side
    if mention.role is None:
        candidates["client"].append(found(mention.name, ORDER_ONLY, (mention.start, mention.end)))
    other = "client" if mention.role == "provider" else "provider"
    candidates[other].append(found(name, ORDER_ONLY if mention.role is None else INFERRED, span))


def _role_by_verbs(text: str, term: str) -> str | None:
    """Provider if the party is said to provide or perform the services, client if it pays or engages."""
    name = re.escape(term)
    provides = len(
        re.findall(
            rf"\b{name}\s+(?:shall|will|agrees\s+to|is\s+to)\s+(?:provide|perform|render|deliver|furnish|supply)\b",
            text,
        )
    )
    provides += len(
        re.findall(rf"\b(?:engage|engages|retain|retains|hire|hires)\s+(?:the\s+)?{name}\b", text)
    )
    pays = len(re.findall(rf"\b{name}\s+(?:shall|will|agrees\s+to)\s+(?:pay|compensate|reimburse)\b", text))
    pays += len(re.findall(rf"\b{name}\s+(?:desires|wishes)\s+to\s+(?:engage|retain|obtain|receive)\b", text))
    if provides > pays:
        return "provider"
    return "client" if pays > provides else None


def _from_signatures(blocks: tuple[SignatureBlock, ...], candidates: dict[str, list[Found[str]]]) -> None:
    """The company line under a "CLIENT" / "PROVIDER" caption of a signature block."""
    for block in blocks:
        lines = block.heading
        roles = [role_of(line.clean.rstrip(":")) for line in lines]
        for position, role in enumerate(roles):
            if role is None:
                continue
            company = [line for index, line in enumerate(lines) if index != position and roles[index] is None]
            if company and looks_like_party(company[0].clean):
                line = company[0]
                candidates[role].append(found(line.clean, WEAK_LABEL, (line.start, line.end)))
