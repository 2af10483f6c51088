"""Structured lists: milestones, rate card, subcontractors and contacts, from tables and labelled sections."""

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from extraction.candidates.labels import LabelValue
from extraction.candidates.tables import Cell, Row, Table
from extraction.fields.amounts import CUES
from extraction.fields.base import LABELLED, TABLE, WEAK_LABEL, Found, found, labelled
from extraction.layout import Layout
from extraction.normalize.dates import find_dates
from extraction.normalize.money import AmountMatch, find_amounts, money, parse_bare_amount
from models.record import RateUnit

Item = dict[str, Found[Any] | None]

_NAME_COLUMNS = (
    "Milestone",
    "Milestone Name",
    "Phase",
    "Description",
    "Deliverable",
    "Activity",
    "Task",
    "Name",
)
_ROLE_COLUMNS = ("Role", "Resource", "Title", "Position", "Staff", "Level", "Category", "Name")
_RATE_COLUMNS = ("Rate", "Hourly Rate", "Daily Rate", "Fee", "Price")
_UNITS = {
    "hour": RateUnit.hour,
    "hr": RateUnit.hour,
    "day": RateUnit.day,
    "week": RateUnit.week,
    "month": RateUnit.month,
}
_TIME_UNIT = re.compile(r"(?:per\s+|/\s*)?(hour|hr|day|week|month)s?|(hourly|daily|weekly|monthly)", re.I)
_ADVERBS = {"hourly": "hour", "daily": "day", "weekly": "week", "monthly": "month"}
_UNIT_WORD = re.compile(
    r"\b(?:per\s+|/\s*)?(hour|hr|day|week|month)s?\b|\b(hourly|daily|weekly|monthly)\b", re.I
)
_MILESTONE_HEADING = re.compile(r"^milestone\s+\d+\s*(?:[-:—.]\s*)?(?P<name>.*)$", re.I)


@dataclass(frozen=True)
class Context:
    layout: Layout
    currency: str | None


def milestones(context: Context, tables: tuple[Table, ...], values: tuple[LabelValue, ...]) -> list[Item]:
    """Rows of the milestone table with amounts if there is one, else with dates; else milestone headings."""
    candidates = [t for t in tables if _is_milestone_table(context.layout, t)]
    candidates.sort(key=lambda t: "money" not in t.kinds)
    for table in candidates:
        items = [_milestone_row(context, table, row) for row in table.rows if not row.is_total]
        items = [item for item in items if item["name"] is not None]
        if items:
            return _without_numbering(items)
    for table in tables:
        rows = _line_items(table)
        if (
            rows
            and not any(_time_unit(table, row) for row in rows)
            and not _superseded(context.layout, table)
        ):
            return [_milestone_row(context, table, row) for row in rows]
    return _milestone_headings(context, values)


def _line_items(table: Table) -> list[Row]:
    """The item rows of a schedule of numbered line items, each with a worded description and an amount
    column ("0001 | Discovery | 1 | Job | $40,000.00"): with a unit of time they price a role's hours or
    days (a rate card); without, deliverables or phases (milestones). Empty for another table."""
    text = _worded_column(table)
    if text is None or "number" not in table.kinds or "money" not in table.kinds:
        return []
    rows = [row for row in table.rows if not row.is_total and _worded(row.cell(text))]
    return rows if len(rows) >= 2 and all(_numbered(row, table) for row in rows) else []


def _numbered(row: Row, table: Table) -> bool:
    cell = row.cell(table.kinds.index("number"))
    return cell is not None and bool(cell.text.strip())


def _worded_column(table: Table) -> int | None:
    return next(
        (
            i
            for i, kind in enumerate(table.kinds)
            if kind == "text" and any(_worded(r.cell(i)) for r in table.rows)
        ),
        None,
    )


def _time_unit(table: Table, row: Row) -> str | None:
    """The unit of time a line item is priced by ("Hour", "per day"), None for "Job", "Lot" or no unit."""
    index = table.kinds.index("unit") if "unit" in table.kinds else None
    cell = row.cell(index) if index is not None else None
    match = _TIME_UNIT.fullmatch(cell.text.strip()) if cell else None
    if match is None:
        return None
    word = (match.group(1) or match.group(2)).lower()
    return _ADVERBS.get(word, word)


def _without_numbering(items: list[Item]) -> list[Item]:
    """Names that all start with their row number ("1 Discovery", "2 Build") lose it: the number column's
    header was lost, so the number ran into the name."""
    names = [item["name"] for item in items]
    numbered = [re.match(rf"{index}\.?\s+(?=\S)", name.value) for index, name in enumerate(names, 1) if name]
    if len(items) < 2 or not all(numbered) or len(numbered) != len(items):
        return items
    stripped = []
    for item, match in zip(items, numbered, strict=True):
        name = item["name"]
        assert name is not None and match is not None
        start = name.spans[0][0] + match.end()
        stripped.append(
            {**item, "name": Found(name.value[match.end() :], name.confidence, ((start, name.spans[0][1]),))}
        )
    return stripped


def _is_milestone_table(layout: Layout, table: Table) -> bool:
    return table.column("Milestone", "Milestone Name", "Phase") is not None and not _superseded(layout, table)


def _superseded(layout: Layout, table: Table) -> bool:
    """A table whose heading or caption says it no longer holds ("Superseded draft pricing")."""
    heading = layout.heading_before(table.header.start)
    caption = layout.lines[table.header.index - 1].text if table.header.index else ""
    return CUES["superseded"].search(f"{heading.title if heading else ''} {caption}") is not None


def _name_column(table: Table) -> int | None:
    for name in _NAME_COLUMNS:
        index = table.column(name)
        if index is not None and any(_worded(row.cell(index)) for row in table.rows):
            return index
    return None


def _worded(cell: Cell | None) -> bool:
    return bool(cell and re.search(r"[A-Za-z]{2}", cell.text))


def _milestone_row(context: Context, table: Table, row: Row) -> Item:
    name_index = _name_column(table)
    name_index = _worded_column(table) if name_index is None else name_index
    name = row.cell(name_index) if name_index is not None else None
    item: Item = {"name": _text(name), "amount": None, "due_date": None}
    money_index = next((i for i, kind in enumerate(table.kinds) if kind == "money"), None)
    amount = row.cell(money_index) if money_index is not None else None
    if amount is not None:
        item["amount"] = _amount(context, amount)
    date_index = next((i for i, kind in enumerate(table.kinds) if kind == "date"), None)
    due = row.cell(date_index) if date_index is not None else None
    if due is not None:
        item["due_date"] = _date(context, due)
    return item


def _text(cell: Cell | None) -> Found[str] | None:
    if cell is None or not cell.text.strip():
        return None
    return found(re.sub(r"\s+", " ", cell.text).strip(), TABLE, (cell.start, cell.end))


def _amount(context: Context, cell: Cell) -> Found[Decimal] | None:
    amounts = find_amounts(cell.text, context.layout.decimal_comma)
    value = amounts[0].value if amounts else parse_bare_amount(cell.text, context.layout.decimal_comma)
    return found(money(value), TABLE, (cell.start, cell.end)) if value is not None else None


def _date(context: Context, cell: Cell) -> Found[date] | None:
    dates = [d.value for d in find_dates(cell.text, context.layout.date_order) if d.value is not None]
    return found(dates[0], TABLE, (cell.start, cell.end)) if dates else None


def _milestone_headings(context: Context, values: tuple[LabelValue, ...]) -> list[Item]:
    """'### Milestone 1 — Support' headings, each with the amount labelled under it ('Costs: 25000 DAI')."""
    layout = context.layout
    items: list[Item] = []
    amounts = list(labelled(values, "amount"))
    for heading in layout.headings:
        match = _MILESTONE_HEADING.match(heading.title)
        if not match or not match.group("name").strip():
            continue
        name_start = heading.line.start + heading.line.text.find(match.group("name"))
        name = found(match.group("name").strip(), LABELLED, (name_start, heading.line.end))
        body = layout.section_lines(heading)
        end = body[-1].end if body else heading.line.end
        cost = next((a for a in amounts if heading.line.end < a.value_start <= end), None)
        amount = None
        if cost is not None:
            number = find_amounts(cost.value) or []
            value = number[0].value if number else parse_bare_amount(cost.value.split()[0])
            amount = (
                found(money(value), LABELLED, (cost.value_start, cost.value_end))
                if value is not None
                else None
            )
        items.append({"name": name, "amount": amount, "due_date": None})
    return items


def rate_card(context: Context, tables: tuple[Table, ...]) -> list[Item]:
    for table in tables:
        role_index = next((table.column(n) for n in _ROLE_COLUMNS if table.column(n) is not None), None)
        rate_index = next((table.column(n) for n in _RATE_COLUMNS if table.column(n) is not None), None)
        if role_index is None or rate_index is None or table.column("Email") is not None:
            continue
        items = [
            _rate_row(context, table, row, role_index, rate_index) for row in table.rows if not row.is_total
        ]
        items = [item for item in items if item["role"] and item["rate"]]
        if items:
            return items
    for table in tables:
        rows = _line_items(table)
        if rows and all(_time_unit(table, row) for row in rows):
            priced = [_line_item_rate(context, table, row) for row in rows]
            read = [item for item in priced if item is not None]
            if len(read) == len(priced):
                return read
    return _rate_lines(context)


_PRICE_COLUMNS = ("Unit Price", "Unit Cost", "Rate", "Hourly Rate", "Daily Rate")


def _line_item_rate(context: Context, table: Table, row: Row) -> Item | None:
    """A line item priced by time as a rate-card entry: the role is its description, the rate the unit-price
    column's, or an amount per unit written in the description ("Analyst at $120.00 per hour")."""
    column = _worded_column(table)
    text = row.cell(column) if column is not None else None
    unit = _time_unit(table, row)
    if text is None or unit is None:
        return None
    role_end, rate = text.end, None
    price_index = next((table.column(n) for n in _PRICE_COLUMNS if table.column(n) is not None), None)
    price = row.cell(price_index) if price_index is not None else None
    amounts = find_amounts(price.text, context.layout.decimal_comma) if price else []
    if price is not None and amounts:
        rate = replace(amounts[0], start=price.start + amounts[0].start, end=price.start + amounts[0].end)
    else:
        for amount in find_amounts(text.text, context.layout.decimal_comma):
            words = text.text[: amount.start].rstrip()
            if _UNIT_AFTER.match(text.text, amount.end) and words.endswith(" at"):
                rate = replace(amount, start=text.start + amount.start, end=text.start + amount.end)
                role_end = text.start + len(words) - len(" at")
                break
    if rate is None or role_end <= text.start:
        return None
    unit_cell = row.cell(table.kinds.index("unit"))
    assert unit_cell is not None  # _time_unit read it
    code = rate.currency or context.currency
    return {
        "role": found(context.layout.text[text.start : role_end], TABLE, (text.start, role_end)),
        "rate": found(money(rate.value), TABLE, (rate.start, rate.end)),
        "unit": found(_UNITS[unit], TABLE, (unit_cell.start, unit_cell.end)),
        "currency": found(code, TABLE, (rate.start, rate.end)) if code else None,
    }


_RATE_LINE = re.compile(r"^(?P<role>[A-Z][A-Za-z&/'-]*(?:\s[A-Z][A-Za-z&/'-]*){0,5})\s+(?=\S*\d)")
_UNIT_AFTER = re.compile(r"\s*(?:per|/)\s*(hour|hr|day|week|month)s?\b", re.I)
# "at a $75/hr FTE rate": the role named between the rate's unit and the word "rate".
_RATE_PHRASE = re.compile(
    r"\s*/\s*(?P<unit>hr|hour|day|week|month)s?\s+(?P<role>[A-Z][\w-]*(?:\s[A-Z][\w-]*){0,3})\s+rate\b"
)


def _rate_lines(context: Context) -> list[Item]:
    """Rates written without a table header: lines such as 'Senior Engineer $150.00 per hour', or a phrase
    such as 'at a $75/hr FTE rate'."""
    layout = context.layout
    items: list[Item] = []
    for amount in layout.amounts:
        phrase = _RATE_PHRASE.match(layout.text, amount.end)
        if phrase:
            items.append(_rate_item(context, amount, phrase.span("role"), phrase.span("unit")))
    for line in layout.lines:
        role = _RATE_LINE.match(line.text)
        amounts = find_amounts(line.text, layout.decimal_comma)
        if not role or not amounts or amounts[0].start != role.end():
            continue
        unit = _UNIT_AFTER.match(line.text, amounts[0].end)
        if unit is None:
            continue
        amount = replace(amounts[0], start=line.start + amounts[0].start, end=line.start + amounts[0].end)
        role_span = (line.start, line.start + len(role.group("role")))
        items.append(
            _rate_item(context, amount, role_span, (line.start + unit.start(1), line.start + unit.end(1)))
        )
    return items


def _rate_item(context: Context, amount: AmountMatch, role: tuple[int, int], unit: tuple[int, int]) -> Item:
    text = context.layout.text
    code = amount.currency or context.currency
    return {
        "role": found(text[role[0] : role[1]], WEAK_LABEL, role),
        "rate": found(money(amount.value), WEAK_LABEL, (amount.start, amount.end)),
        "unit": found(_UNITS[text[unit[0] : unit[1]].lower()], WEAK_LABEL, unit),
        "currency": found(code, WEAK_LABEL, (amount.start, amount.end)) if code else None,
    }


def _rate_row(context: Context, table: Table, row: Row, role_index: int, rate_index: int) -> Item:
    rate_cell = row.cell(rate_index)
    unit_index = next((i for i, kind in enumerate(table.kinds) if kind == "unit"), None)
    unit_cell = row.cell(unit_index) if unit_index is not None else None
    unit_text = unit_cell.text if unit_cell else table.columns[rate_index]
    unit_match = _UNIT_WORD.search(unit_text)
    unit = None
    if unit_match:
        word = (unit_match.group(1) or unit_match.group(2)).lower()
        key = _ADVERBS.get(word, word)
        span = (unit_cell.start, unit_cell.end) if unit_cell else (table.header.start, table.header.end)
        unit = found(_UNITS[key], TABLE, span)
    amounts = find_amounts(rate_cell.text, context.layout.decimal_comma) if rate_cell else []
    code = (amounts[0].currency if amounts else None) or (context.currency if rate_cell else None)
    return {
        "role": _text(row.cell(role_index)),
        "rate": _amount(context, rate_cell) if rate_cell else None,
        "unit": unit,
        "currency": found(code, TABLE, (rate_cell.start, rate_cell.end)) if code and rate_cell else None,
    }
