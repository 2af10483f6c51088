"""Subcontractors and contacts: from their tables, or, where a scan lost the table's header, from the lines
under their heading (a contact line is anchored by its e-mail address, a subcontractor by a legal name)."""

import re
from typing import Any

from extraction.candidates.labels import COMPANY_SUFFIXES, LabelValue
from extraction.candidates.recitals import role_of
from extraction.candidates.tables import Cell, Row, Table
from extraction.fields.base import LABELLED, TABLE, WEAK_LABEL, Found, found, labelled
from extraction.layout import Layout, Line

Item = dict[str, Found[Any] | None]

_EMAIL = re.compile(r"[\w+'-]+(?:\.\s?[\w+'-]+)*\s?@\s?[\w-]+(?:\.[\w-]+)+")
_SIDE = re.compile(r"\b(Client|Provider|Customer|Supplier|Vendor|Consultant|Contractor)\b")
_CONTACTS = re.compile(r"\bcontacts?\b|\bpoints?\s+of\s+contact\b|\bkey\s+personnel\b", re.I)
_SUBCONTRACTORS = re.compile(r"\bsub-?contract\w*", re.I)


def subcontractors(layout: Layout, tables: tuple[Table, ...]) -> list[Item]:
    for table in tables:
        name_index = table.column("Subcontractor", "Company", "Organisation", "Organization")
        if name_index is None or table.column("Email") is not None:
            continue
        scope_index = table.column("Scope", "Description", "Services", "Responsibility")
        return [
            {
                "name": _text(row.cell(name_index)),
                "scope": _text(row.cell(scope_index) if scope_index is not None else None),
            }
            for row in table.rows
            if not row.is_total and _text(row.cell(name_index))
        ]
    return [item for line in _section_lines(layout, _SUBCONTRACTORS) if (item := _subcontractor_line(line))]


def _subcontractor_line(line: Line) -> Item | None:
    """'Acme Labs GmbH & Co. KG network cabling': the name ends with its last legal-form word."""
    words = list(re.finditer(r"\S+", line.text))
    suffixes = [
        i for i, w in enumerate(words) if w.group().lower().replace(".", "").strip(",") in COMPANY_SUFFIXES
    ]
    if not suffixes or suffixes[-1] == len(words) - 1 or not line.text[:1].isupper():
        return None
    cut = words[suffixes[-1]].end()
    rest = words[suffixes[-1] + 1].start()
    name = found(line.text[:cut], WEAK_LABEL, (line.start, line.start + cut))
    return {"name": name, "scope": found(line.text[rest:].strip(), WEAK_LABEL, (line.start + rest, line.end))}


def contacts(layout: Layout, tables: tuple[Table, ...], values: tuple[LabelValue, ...]) -> list[Item]:
    for table in tables:
        email_index = table.column("Email", "E-mail", "Email Address")
        name_index = table.column("Name", "Contact")
        if email_index is None or name_index is None:
            continue
        return [
            _contact_row(layout, table, row, name_index, email_index)
            for row in table.rows
            if not row.is_total
        ]
    lines = [line for line in _section_lines(layout, _CONTACTS) if _EMAIL.search(line.text)]
    return [item for line in lines if (item := _contact_line(line))] or _labelled_contact(values)


def _contact_row(layout: Layout, table: Table, row: Row, name_index: int, email_index: int) -> Item:
    name, role = row.cell(name_index), row.cell(table.column("Role", "Title", "Position") or -1)
    email = row.cell(email_index)
    if name is not None and role is not None and email is not None and table.column("Role") == name_index + 1:
        name, role = _resplit(layout, name, role, email)
    party_cell = row.cell(table.column("Party", "Side", "Organisation", "Company") or -1)
    party = None
    if party_cell is not None:
        party = found(role_of(party_cell.text) or party_cell.text, TABLE, (party_cell.start, party_cell.end))
    return {"name": _text(name), "role": _text(role), "party": party, "email": _email(email)}


def _contact_line(line: Line) -> Item | None:
    """'Maria Van Dijk Delivery Lead Provider maria.van.dijk@acme.com', without a header to split it by."""
    email = _EMAIL.search(line.text)
    if email is None:
        return None
    head = line.text[: email.start()].rstrip()
    side = list(_SIDE.finditer(head))
    party = side[-1] if side and side[-1].end() == len(head) else None
    words_end = party.start() if party else len(head)
    name_end = _name_end(head[:words_end], email.group())
    if name_end is None:
        return None
    role = head[name_end:words_end].strip()
    role_start = line.start + head.find(role, name_end) if role else 0
    return {
        "name": found(head[:name_end], WEAK_LABEL, (line.start, line.start + name_end)),
        "role": found(role, WEAK_LABEL, (role_start, role_start + len(role))) if role else None,
        "party": found(
            role_of(party.group()), WEAK_LABEL, (line.start + party.start(), line.start + party.end())
        )
        if party
        else None,
        "email": found(
            re.sub(r"\s+", "", email.group()),
            WEAK_LABEL,
            (line.start + email.start(), line.start + email.end()),
        ),
    }


def _name_end(text: str, email: str) -> int | None:
    """Where a person's name ends: the longest run of first words whose letters start the e-mail address."""
    local = re.sub(r"[^a-z]", "", email.split("@")[0].lower())
    end = None
    for word in re.finditer(r"\S+", text):
        letters = re.sub(r"[^a-z]", "", text[: word.end()].lower())
        if letters and local.startswith(letters):
            end = word.end()
    return end


def _resplit(layout: Layout, name: Cell, role: Cell, email: Cell) -> tuple[Cell, Cell]:
    """Re-split "Maria Van Dijk Delivery Lead" using the e-mail's local part (maria.vandijk@…)."""
    text = layout.text[name.start : role.end]
    cut = _name_end(text, email.text)
    if cut is None or cut >= len(text.rstrip()):
        return name, role
    rest = cut + len(text[cut:]) - len(text[cut:].lstrip())
    return Cell(text[:cut], name.start, name.start + cut, "text"), Cell(
        text[rest:], name.start + rest, role.end, "text"
    )


def _section_lines(layout: Layout, title: re.Pattern[str]) -> list[Line]:
    for heading in layout.headings:
        if title.search(heading.title):
            return [line for line in layout.section_lines(heading) if line.index not in layout.furniture]
    return []


def _text(cell: Cell | None) -> Found[str] | None:
    if cell is None or not cell.text.strip():
        return None
    return found(re.sub(r"\s+", " ", cell.text).strip(), TABLE, (cell.start, cell.end))


def _email(cell: Cell | None) -> Found[str] | None:
    if cell is None:
        return None
    return found(re.sub(r"\s+", "", cell.text), TABLE, (cell.start, cell.end))


def _labelled_contact(values: tuple[LabelValue, ...]) -> list[Item]:
    names = list(labelled(values, "contact_name"))
    emails = list(labelled(values, "contact_email"))
    if not names:
        return []
    name = names[0]
    item: Item = {
        "name": found(name.value, LABELLED, (name.value_start, name.value_end)),
        "role": None,
        "party": None,
    }
    item["email"] = (
        found(emails[0].value, LABELLED, (emails[0].value_start, emails[0].value_end)) if emails else None
    )
    return [item]
