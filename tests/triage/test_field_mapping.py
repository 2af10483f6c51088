"""The Salesforce field mapping: the packaged default, mapping files of one's own, and their typed errors."""

from pathlib import Path

import pytest

from tests.triage.salesforce_records import inline_opportunity
from triage.field_mapping import InvalidFieldMapping, InvalidOpportunityPayload, load_mapping, map_opportunity


def mapping_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mapping.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_mapping_requests_lookup_ids_not_relationship_paths() -> None:
    mapping = load_mapping()

    assert mapping.sobject == "Opportunity"
    assert {"Id", "Amount", "CurrencyIsoCode", "Start_Date__c", "AccountId", "OwnerId"} <= set(
        mapping.record_fields()
    )
    assert not {"Account.Name", "Owner.Name"} & set(mapping.record_fields())
    assert mapping.relationships_used() == {"Account": ["Name"], "Owner": ["Name"]}


def test_a_mapping_of_one_s_own_with_a_custom_relationship(tmp_path: Path) -> None:
    mapping = load_mapping(
        mapping_file(
            tmp_path,
            """
fields:
  opportunity_id: Id
  account_name: Ultimate_Parent__r.Legal_Name__c
  billing_type: {path: Contract_Type__c, values: {"FP": fixed_fee, "TM": time_and_materials}}
  payment_terms_days: Terms_Days__c
relationships:
  Ultimate_Parent__r: {id_field: Ultimate_Parent__c, sobject: Account}
""",
        )
    )
    record = {
        "Id": "006Hs00001NwHxAAAU",
        "Ultimate_Parent__r": {"Legal_Name__c": "Northwind Health, Inc."},
        "Contract_Type__c": "TM",
        "Terms_Days__c": 45.0,
    }

    opportunity = map_opportunity(record, mapping)

    assert mapping.record_fields() == ["Contract_Type__c", "Id", "Terms_Days__c", "Ultimate_Parent__c"]
    assert opportunity.account_name == "Northwind Health, Inc."
    assert (opportunity.billing_type, opportunity.payment_terms_days) == ("time_and_materials", 45)
    assert opportunity.amount is None


def test_a_value_already_in_our_vocabulary_passes_through() -> None:
    opportunity = map_opportunity(
        inline_opportunity(Billing_Type__c="fixed_fee", Account=None), load_mapping()
    )

    assert (opportunity.billing_type, opportunity.account_name) == ("fixed_fee", None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("fields:\n  opportunity_id: Id\n  amont: Amount\n", "not CrmOpportunity fields: amont"),
        ("fields:\n  amount: Amount\n", "opportunity_id must be mapped"),
        (
            "fields:\n  opportunity_id: Id\n  owner: Owner.Name\n",
            "relationships used but not declared: Owner",
        ),
        ("fields:\n  opportunity_id: Id\n  owner: Account.Owner.Name\n", "fields.owner.path"),
        ("fields:\n  opportunity_id: Id; DROP\n", "fields.opportunity_id.path"),
        ("fields: [Id, Amount]\n", "fields: Input should be a valid dictionary"),
        ("fields:\n  opportunity_id: Id\n  - Amount\n", "mapping.yaml"),
    ],
)
def test_an_invalid_mapping_file_is_a_typed_error(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(InvalidFieldMapping) as error:
        load_mapping(mapping_file(tmp_path, text))

    assert error.value.code == "invalid_field_mapping"
    assert problem in error.value.detail


def test_a_missing_mapping_file_is_a_typed_error(tmp_path: Path) -> None:
    with pytest.raises(InvalidFieldMapping, match="No such file"):
        load_mapping(tmp_path / "absent.yaml")


def test_a_relationship_that_is_not_a_record_is_an_invalid_payload() -> None:
    with pytest.raises(InvalidOpportunityPayload, match="Owner is list, not a record"):
        map_opportunity(inline_opportunity(Owner=["Jane Doe"]), load_mapping())
