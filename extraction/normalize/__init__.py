"""Normalisers: amounts, currencies, dates, periods and jurisdictions as written → the record's values."""
