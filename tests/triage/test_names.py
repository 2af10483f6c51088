"""Company names: variants of one legal entity match, a different entity does not."""

import pytest

from triage.names import distinctive_words, same_entity
from triage.policy import DEFAULT_POLICY

THRESHOLD = DEFAULT_POLICY.thresholds.name_match

SAME_ENTITY = [
    ("ACME Corp.", "Acme Corporation"),
    ("Northwind Health, Inc.", "Northwind Health"),
    ("Northwind Health, Inc.", "NORTHWIND HEALTH INCORPORATED"),
    ("The Harbor Group, L.L.C.", "Harbor Group LLC"),
    ("Smith & Co.", "Smith and Company"),
    ("Müller Logistik GmbH", "Muller Logistik"),
    ("Tasman Freight Pty Ltd", "Tasman Freight"),
    ("Grupo Lince S.A. de C.V.", "Grupo Lince"),
    ("O'Brien Analytics Ltd", "OBrien Analytics Limited"),
    ("Northwlnd Health, Inc.", "Northwind Health"),
    ("Blue-Ridge Partners LLP", "Blue Ridge Partners"),
    ("Ironbark Insurance DAC", "Ironbark Insurance"),
    ("Kaveri Analytics Private Limited", "Kaveri Analytics Pvt. Ltd."),
]
DIFFERENT_ENTITIES = [
    ("Keystone Freight Lines", "Keystone Freight Inc."),
    ("Northwind Health Systems", "Northwind Health, Inc."),
    ("Northwind Health", "Southwind Health"),
    ("ACME Corp.", "ACNE Corp."),
    ("Acme UK Ltd", "Acme Inc."),
    ("Northern Mercantile Holdings", "NMH"),
    ("Harbor Group", "Harbour Grove"),
]


@pytest.mark.parametrize(("first", "second"), SAME_ENTITY)
def test_variants_of_one_entity_match(first: str, second: str) -> None:
    assert same_entity(first, second, THRESHOLD)
    assert same_entity(second, first, THRESHOLD)


@pytest.mark.parametrize(("first", "second"), DIFFERENT_ENTITIES)
def test_different_entities_do_not_match(first: str, second: str) -> None:
    assert not same_entity(first, second, THRESHOLD)
    assert not same_entity(second, first, THRESHOLD)


def test_normalisation_keeps_the_distinctive_words() -> None:
    assert distinctive_words("The ACME Corp.") == ("acme",)
    assert distinctive_words("Keystone Freight Lines, Inc.") == ("keystone", "freight", "lines")
    assert distinctive_words("Smith & Co.") == ("smith",)
    # A name that is only a legal form keeps its words rather than becoming empty.
    assert distinctive_words("The Company") == ("company",)


def test_the_threshold_decides_near_misses() -> None:
    assert same_entity("Northwlnd Health", "Northwind Health", 90)
    assert not same_entity("Northwlnd Health", "Northwind Health", 95)
