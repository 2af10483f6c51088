"""What a value typed by a person or sent by a CRM may be: one set of bounds for every input that is not
read from a document (review.paths for corrections, models.crm for the webhook, the API's disposition)."""

from datetime import date
from decimal import Decimal
from typing import Final

MAX_AMOUNT: Final = Decimal(10**12)
FIRST_YEAR: Final = 1900
LAST_YEAR: Final = 2100


def year_in_range(value: date) -> bool:
    return FIRST_YEAR <= value.year <= LAST_YEAR
