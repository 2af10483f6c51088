"""Salesforce-shaped records (REST API JSON) of one closed-won opportunity, and the CrmOpportunity of them."""

from typing import Any

OPPORTUNITY_ID = "006Hs00001NwHxAAAU"
ACCOUNT_ID = "001Hs00002AbCdEAA0"
OWNER_ID = "005Hs000001XyZaIAK"
API_VERSION = 62


def attributes(sobject: str, record_id: str) -> dict[str, str]:
    return {"type": sobject, "url": f"/services/data/v{API_VERSION}.0/sobjects/{sobject}/{record_id}"}


def opportunity_record(**changes: Any) -> dict[str, Any]:
    """The Opportunity as `GET …/sobjects/Opportunity/{id}` returns it: lookups by id, no related records."""
    record: dict[str, Any] = {
        "attributes": attributes("Opportunity", OPPORTUNITY_ID),
        "Id": OPPORTUNITY_ID,
        "Name": "Northwind Health - Cloud Migration",
        "AccountId": ACCOUNT_ID,
        "OwnerId": OWNER_ID,
        "Amount": 480000.0,
        "CurrencyIsoCode": "USD",
        "CloseDate": "2026-02-27",
        "StageName": "Closed Won",
        "Probability": 100.0,
        "Start_Date__c": "2026-03-16",
        "End_Date__c": "2026-09-30",
        "Billing_Type__c": "Milestone",
        "Payment_Terms__c": "Net 30",
        "Service_Line__c": "Cloud Migration",
        "Customer_Tier__c": "Strategic",
        "Expected_Margin__c": 32.0,
    }
    return record | changes


ACCOUNT_RECORD: dict[str, Any] = {
    "attributes": attributes("Account", ACCOUNT_ID),
    "Id": ACCOUNT_ID,
    "Name": "Northwind Health, Inc.",
    "Industry": "Healthcare",
}
OWNER_RECORD: dict[str, Any] = {
    "attributes": attributes("User", OWNER_ID),
    "Id": OWNER_ID,
    "Name": "Jane Doe",
    "Username": "j.doe@brightline.example",
}


def inline_opportunity(**changes: Any) -> dict[str, Any]:
    """The Opportunity as a SOQL row serializes it, related records inline: what the webhook receives."""
    account = {"attributes": ACCOUNT_RECORD["attributes"], "Name": ACCOUNT_RECORD["Name"]}
    owner = {"attributes": OWNER_RECORD["attributes"], "Name": OWNER_RECORD["Name"]}
    return opportunity_record(Account=account, Owner=owner) | changes


EXPECTED_OPPORTUNITY: dict[str, Any] = {
    "opportunity_id": OPPORTUNITY_ID,
    "account_name": "Northwind Health, Inc.",
    "amount": 480000.0,
    "currency": "USD",
    "close_date": "2026-02-27",
    "start_date": "2026-03-16",
    "end_date": "2026-09-30",
    "billing_type": "milestone",
    "payment_terms_days": 30,
    "owner": "Jane Doe",
    "stage": "Closed Won",
    "service_line": "Cloud Migration",
    "customer_tier": "strategic",
    "expected_margin_pct": 32.0,
}
