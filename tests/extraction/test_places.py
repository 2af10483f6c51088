"""Places read where a party's name is expected: countries, a state's formal name, addresses."""

import pytest

from extraction.candidates.recitals import party_mentions
from extraction.fields.parties import looks_like_party
from extraction.layout import Layout
from extraction.normalize.places import countries, is_place
from tests.extraction.documents import document


@pytest.mark.parametrize(
    "name",
    [
        "Norway",
        "Republic of Chile",
        "the State of Oregon",
        "Mong Kok, Hong Kong",
        "Kingsway, Burnaby, Canada V5H 2A9",
        "Fleet Street, London, United Kingdom, EC4Y 1AA",
        "400 Harbour Road, Suite 12",
    ],
)
def test_a_place_is_no_party(name: str) -> None:
    assert is_place(name)
    assert not looks_like_party(name)


@pytest.mark.parametrize(
    "name",
    [
        "Norway Seafood Holdings AS",
        "Bank of Chile",
        "Oregon Timber Supply LLC",
        "Fleet Street Partners LLP",
        "Chad Morrison",
        "The Government of Canada",
        "State of Nevada Department of Transportation",
    ],
)
def test_a_name_that_merely_holds_a_place_is_a_party(name: str) -> None:
    assert not is_place(name)
    assert looks_like_party(name)


def test_country_names_come_from_cldr_in_both_forms() -> None:
    assert {"germany", "hong kong", "hong kong sar china", "united kingdom"} <= countries()
    assert "europe" not in countries()  # a region, not a country


@pytest.mark.parametrize("name", ["Acceptance Date", "Party", "WHEREAS, Buyer and Arden Tools, Inc."])
def test_a_defined_term_or_a_recital_opening_is_no_party(name: str) -> None:
    assert not looks_like_party(name)


def test_a_recital_joining_word_is_not_part_of_the_name() -> None:
    mentions = party_mentions(
        Layout(document('AGREEMENT made BETWEEN HARLOW FOODS CORPORATION ("Franchisor") and the Franchisee.'))
    )
    assert [m.name for m in mentions] == ["HARLOW FOODS CORPORATION"]
