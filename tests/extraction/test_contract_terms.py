"""Contract terms as real agreements write them (the shapes seen in the CUAD contracts, in new words)."""

from datetime import date

import pytest

from extraction.engine import extract
from extraction.fields.parties import looks_like_party
from models.record import HandoffRecord
from tests.extraction.documents import assert_grounded, document

OPENING = """
SERVICES AGREEMENT
This Services Agreement is entered into as of May 4, 2021 between Harbour Analytics Inc., a Delaware
corporation ("Client"), and Lumen Data Services LLC, an Ohio limited liability company ("Provider").
"""


def run(*pages: str) -> HandoffRecord:
    doc = document(*pages)
    record = extract(doc)
    assert_grounded(record, doc)
    return record


def test_a_term_counted_from_the_commencement_date_written_in_the_sentence() -> None:
    record = run(
        OPENING,
        "2. TERM\nThis Agreement shall commence on June 1, 2021 and shall continue in effect for nine (9) "
        "months, unless earlier terminated.",
    )
    assert record.fields.end_date.value == date(2022, 3, 1)


def test_a_term_ending_on_an_anniversary_of_the_effective_date() -> None:
    record = run(
        OPENING,
        "2. TERM\nThis Agreement shall commence on the Effective Date and shall continue until the "
        "three-year anniversary of the Effective Date.",
    )
    assert record.fields.end_date.value == date(2024, 5, 4)


@pytest.mark.parametrize(
    ("clause", "ends"),
    [
        (
            "This Agreement takes effect on the Effective Date and shall remain effective for three (3) "
            "years from and after the Effective Date.",
            date(2024, 5, 4),
        ),
        (
            "This Agreement shall become effective on the Effective Date and shall remain in force for an "
            "initial period of 2 years.",
            date(2023, 5, 4),
        ),
        (
            "This Agreement shall extend until the second anniversary of the Effective Date.",
            date(2023, 5, 4),
        ),
    ],
)
def test_a_term_that_remains_effective_or_extends_to_an_anniversary(clause: str, ends: date) -> None:
    record = run(OPENING, f"2. GENERAL\n{clause}")
    assert record.fields.end_date.value == ends


def test_a_term_up_to_and_including_a_date() -> None:
    record = run(OPENING, "2. DURATION\nThe Services shall continue up to and including 30 April 2023.")
    assert record.fields.end_date.value == date(2023, 4, 30)


def test_governing_law_named_by_back_reference() -> None:
    record = run(
        OPENING,
        "9. MISCELLANEOUS\nThis Agreement shall be deemed entered into in the State of New Jersey and shall "
        "be construed in accordance with the laws of that State applicable to agreements made there.",
    )
    assert record.fields.governing_law.value == "New Jersey"


def test_governing_law_is_read_in_its_section_before_a_mention_elsewhere() -> None:
    record = run(
        OPENING,
        "4. OPINION OF COUNSEL\nThe opinion of counsel shall be limited to matters governed by the laws of "
        "the State of Idaho.",
        "11. GOVERNING LAW\nThis Agreement shall be construed in accordance with the laws of the State of "
        "Vermont, without regard to its conflict of laws principles.",
    )
    assert record.fields.governing_law.value == "Vermont"


def test_governing_law_in_its_section_without_the_word_governed() -> None:
    record = run(
        OPENING, "9. APPLICABLE LAW\nThis Agreement is subject to the laws of the Province of Ontario."
    )
    assert record.fields.governing_law.value == "Ontario"


def test_united_states_and_a_state_name_the_state() -> None:
    record = run(
        OPENING,
        "9. GOVERNING LAW\nThis Agreement shall be governed by the laws of the United States of America "
        "and of the Commonwealth of Pennsylvania, excluding its conflicts of law rules.",
    )
    assert record.fields.governing_law.value == "Pennsylvania"


def test_an_automatic_extension_is_a_renewal() -> None:
    record = run(
        OPENING,
        "2. TERM\nThis Agreement shall be subject to an automatic extension for consecutive one (1) year "
        "periods unless either party gives notice.",
    )
    assert record.fields.auto_renewal.value is True


def test_a_label_before_a_party_name_is_not_part_of_it() -> None:
    record = run(
        """
        CONSULTING AGREEMENT
        BETWEEN: NORTHERN SILVER MINES LTD., a company incorporated in British Columbia (the "Company")
        AND: Ridgeway Advisory Corp., a company incorporated in British Columbia (the "Consultant")
        """
    )
    assert record.fields.client_name.value == "NORTHERN SILVER MINES LTD."
    assert record.fields.provider_name.value == "Ridgeway Advisory Corp."


def test_a_document_title_or_a_fragment_of_a_sentence_names_no_party() -> None:
    for value in (
        "Master Terms of Service",
        "This Services Agreement",
        "Data Processing Addendum",
        "as Delta Harbour, Inc.)",
        "and Quill Partners LLP",
    ):
        assert not looks_like_party(value), value
    for value in ("Harbour Financial Services Ltd", "Quill Partners LLP", "Agreement Holdings Limited"):
        assert looks_like_party(value), value


@pytest.mark.parametrize(
    ("clause", "renews"),
    [
        (
            "After the Initial Term this Agreement shall automatically continue for further periods of one "
            "(1) year unless either party gives ninety (90) days' notice that it does not wish to continue.",
            True,
        ),
        ("The term shall be automatically extended for one (1) year periods after the Initial Term.", True),
        (
            "Unless either party gives notice at least three (3) months before the end of the Initial Term, "
            "this Agreement shall continue on a month to month basis.",
            True,
        ),
        (
            "This Agreement continues from year to year thereafter, provided such continuance is approved by "
            "the Client's board.",
            None,
        ),
        # a renewal one party chooses is not automatic
        (
            "If Client notifies Provider of its intent to renew before the end of the term, the term shall "
            "automatically be extended for a further year.",
            None,
        ),
        # not about the contract's term
        ("Provider acknowledges that these rights do not automatically extend to other venues.", None),
        # a document that calls itself otherwise still renews (or not) by the word
        ("This Proposal does not renew automatically; any extension needs a signed change order.", False),
        (
            "This Agreement runs until the second anniversary of the Effective Date (such period, as it may "
            "be extended by agreement, the Service Period) and shall automatically renew for successive "
            "one-year periods unless Client gives notice.",
            True,
        ),
        (
            "The Term is 2 years from the Effective Date with automatic one year term extensions unless "
            "either party objects in writing.",
            True,
        ),
    ],
)
def test_automatic_continuation_of_the_term(clause: str, renews: bool | None) -> None:
    record = run(OPENING, f"7. GENERAL\n{clause}")
    assert record.fields.auto_renewal.value is renews


@pytest.mark.parametrize(
    ("clause", "ends"),
    [
        # a term counted from nothing else runs from the date the agreement takes effect
        ("This Agreement is for a term of four (4) years.", date(2025, 5, 4)),
        ("This Agreement shall extend for an initial term of three (3) years.", date(2024, 5, 4)),
        (
            "The Contract shall continue until the third (3rd) anniversary of the Effective Date.",
            date(2024, 5, 4),
        ),
        (
            "The Initial Term runs from the Effective Date through the day prior to the second anniversary "
            "of the Effective Date.",
            date(2023, 5, 3),
        ),
        (
            "This Agreement shall terminate on the date two (2) years from the Effective Date.",
            date(2023, 5, 4),
        ),
        (
            "The Agreement shall expire upon the earlier of (a) the first anniversary of the date hereof and "
            "(b) completion of the Services.",
            date(2022, 5, 4),
        ),
        (
            "It shall be effective on 1 July 2021 and have a duration of eighteen (18) months.",
            date(2023, 1, 1),
        ),
    ],
)
def test_the_end_of_a_term_counted_from_the_agreement_taking_effect(clause: str, ends: date) -> None:
    record = run(OPENING, f"2. TERM\n{clause}")
    assert record.fields.end_date.value == ends


@pytest.mark.parametrize(
    "clause",
    [
        "The term of each Statement of Work under this Agreement shall be six (6) months.",
        "The licence shall continue for twenty-four (24) months after the Launch.",
        # periods beside the term, not the term
        "Lumen will not, during the Term, and for a period of one (1) year thereafter, hire Harbour staff.",
        "This Agreement shall automatically continue following the Initial Term, for an additional period of "
        "two (2) years.",
        "Liability is limited to the fees paid under this Agreement within the six (6) month period "
        "immediately preceding the claim.",
    ],
)
def test_a_term_of_something_else_or_counted_from_an_event_gives_no_end_date(clause: str) -> None:
    record = run(OPENING, f"2. TERM\n{clause}")
    assert record.fields.end_date.value is None


def test_a_term_runs_from_the_signature_when_no_effective_date_is_written() -> None:
    record = run(
        """
        RESELLER AGREEMENT
        Tallis Instruments Ltd appoints Meridale Systems Inc. as its reseller on the terms below.
        1. TERM
        The initial term of this Agreement shall be one (1) year from the Effective Date.
        Signed: /s/ Ada Marsh, Tallis Instruments Ltd, Date: March 2, 2023
        Signed: /s/ Lee Ortiz, Meridale Systems Inc., Date: March 9, 2023
        """
    )
    assert record.fields.effective_date.value == date(2023, 3, 9)
    assert record.fields.end_date.value == date(2024, 3, 9)
    assert record.fields.end_date.confidence <= record.fields.effective_date.confidence


@pytest.mark.parametrize(
    ("sentence", "effective"),
    [
        ("This Agreement is effective as of the last date signed below.", date(2022, 8, 19)),
        ("This Agreement becomes effective upon the execution hereof by both parties.", date(2022, 8, 19)),
        ("The Agreement takes effect on the day after the date of last signature.", date(2022, 8, 20)),
    ],
)
def test_an_agreement_effective_on_its_last_signature(sentence: str, effective: date) -> None:
    record = run(
        f"""
        LICENCE AGREEMENT
        Orrin Labs Ltd grants Palisade Media Inc. a licence on the terms below, signed in Toronto on
        12 August 2022 and in Boston later. {sentence}
        ORRIN LABS LTD
        By: /s/ Ada Marsh
        Name Ada Marsh
        Title Director
        Date 12/08/22
        PALISADE MEDIA INC.
        By: /s/ Lee Ortiz
        Name Lee Ortiz
        Title President
        Date 19/08/22
        """
    )
    assert record.fields.signature_date.value == date(2022, 8, 19)
    assert record.fields.effective_date.value == effective


@pytest.mark.parametrize(
    ("recital", "client", "provider"),
    [
        (
            'by and between Larkspur Outdoor, Inc., d/b/a Trailhead Supply (the "Customer"), a Nevada '
            'corporation, and Quillon Media LLC (the "Agency"), an Oregon limited liability company.',
            "Larkspur Outdoor, Inc., d/b/a Trailhead Supply",
            "Quillon Media LLC",
        ),
        (
            "by and between Fenwick Bio US, LLC and its Affiliates with an address at 12 Dock Road, Salem, "
            'MA 01970 (the "Customer") and Ostara Labs, Inc., with a corporate address at 4 Elm Way, Provo, '
            'UT 84601 (the "Developer").',
            "Fenwick Bio US, LLC",
            "Ostara Labs, Inc.",
        ),
        (
            'by and between Harbour 9 Logistics, Inc. (the "Client") and Meridale 24 Systems Ltd '
            '(the "Contractor").',
            "Harbour 9 Logistics, Inc.",
            "Meridale 24 Systems Ltd",
        ),
    ],
)
def test_recital_names_with_a_trading_name_affiliates_an_address_or_a_number(
    recital: str, client: str, provider: str
) -> None:
    record = run(f"SERVICES AGREEMENT\nThis Agreement is made as of May 4, 2021 {recital}")
    assert record.fields.client_name.value == client
    assert record.fields.provider_name.value == provider


def test_parties_defined_without_brackets() -> None:
    record = run(
        """
        CONSULTING AGREEMENT
        THIS AGREEMENT made this 5th day of June, 2019, between Corvel Racing, LLC, a Texas limited liability
        company, whose office is located at 12 Pit Lane, Austin, Texas, referred to in this Agreement as
        "Company", and Brightwater Fuels, Inc., a Delaware corporation, hereinafter referred to as
        "Consultant".
        """
    )
    assert record.fields.client_name.value == "Corvel Racing, LLC"
    assert record.fields.provider_name.value == "Brightwater Fuels, Inc."


@pytest.mark.parametrize(
    ("recital", "client", "provider"),
    [
        (
            'by and between HALVERSON, INC., 2450 Copper Road, 2nd Floor, Tucson, Arizona 85701 ("Client"), '
            'and OSPREY FIELD SERVICES, INC. c/o Pell Management, 12 Bay Street, Tampa, FL ("Contractor").',
            "HALVERSON, INC.",
            "OSPREY FIELD SERVICES, INC.",
        ),
        (
            "between the parties: (1) Wexford Analytics UK Limited is a company registered in England "
            'whose registered office is at 3 Kings Row, London (the "Customer"); and (2) Dana Pryce '
            '(the "Consultant").',
            "Wexford Analytics UK Limited",
            "Dana Pryce",
        ),
        (
            'among (a) Kestrel Mapping Inc. ("Consultant"), a company listed on the Growth Board of The '
            "Alder Exchange Limited, whose address is at 4 Mill Road, Leeds; and (b) Fernhill Rail Limited "
            '("Client").',
            "Fernhill Rail Limited",
            "Kestrel Mapping Inc.",
        ),
        (
            'between Tamsin Survey Bureau Ltd, acting through its office in Valletta ("Contractor"), and '
            'Orwell Ports Inc.., a Maine corporation ("Client").',
            "Orwell Ports Inc.",
            "Tamsin Survey Bureau Ltd",
        ),
        (
            "between Pellucid Web, Inc., a New York corporation; with its office at 9 Elm Road, Albany, NY "
            '("Provider") and Harrow Farms LLC ("Client").',
            "Harrow Farms LLC",
            "Pellucid Web, Inc.",
        ),
        (
            'between Quillfeather Tools, Inc., a Delaware corporation ("Client"), and brightloom.io, Inc. '
            '(formerly known as Bright Loom, Inc.), a Delaware corporation ("Provider").',
            "Quillfeather Tools, Inc.",
            "brightloom.io, Inc.",
        ),
    ],
)
def test_a_name_ends_where_its_address_or_description_starts(
    recital: str, client: str, provider: str
) -> None:
    record = run(f"SERVICES AGREEMENT\nThis Agreement is made as of May 4, 2021 {recital}")
    assert record.fields.client_name.value == client
    assert record.fields.provider_name.value == provider


@pytest.mark.parametrize(
    ("clause", "law"),
    [
        ("9. DISPUTES\nThe validity and performance of this Agreement shall be governed by PRC Laws.",
         "People's Republic of China"),
        ("9. GENERAL\nThis Agreement shall be governed by the laws in the State of Oregon.",
         "Oregon"),
        ("9. GENERAL\nThis Agreement is governed by the internal laws State of Vermont.", "Vermont"),
        (
            "9. MISCELLANEOUS\nThis Agreement has been made in the State of Nevada and shall be governed by "
            "and construed in accordance with the laws thereof.",
            "Nevada",
        ),
        (
            "9. Governing Law and Dispute Resolution\nThis Agreement shall be governed by the laws of the "
            "State of Idaho.",
            "Idaho",
        ),
        (
            "9. GENERAL\nThis Agreement shall be governed by the laws of Manitoba and the laws of "
            "Canada applicable in Manitoba.",
            "Manitoba",
        ),
    ],
)  # fmt: skip
def test_governing_law_written_in_other_ways(clause: str, law: str) -> None:
    assert run(OPENING, clause).fields.governing_law.value == law


def test_a_second_party_joined_without_a_defined_term() -> None:
    record = run(
        """
        DISTRIBUTOR AGREEMENT
        This Agreement is effective 3/1/21 between Corliss Audio, Inc. ("Supplier"), and
        Brantwood Trading Corporation
        45 Quay Street, Suite 12
        Auckland 1010
        Supplier appoints Brantwood Trading Corporation as a non-exclusive distributor.
        """
    )
    assert record.fields.provider_name.value == "Corliss Audio, Inc."
    assert record.fields.client_name.value == "Brantwood Trading Corporation"


@pytest.mark.parametrize(
    ("clause", "ends"),
    [
        # the term given as the measure of a period the sentence names
        (
            "The term of this Agreement shall begin on the Effective Date and end when the Support Window "
            "closes (that is, a four (4) year period commencing on the Effective Date).",
            date(2025, 5, 4),
        ),
        (
            "The initial term of this Agreement expires in two (2) years from the date of Effective Date.",
            date(2023, 5, 4),
        ),
        (
            "This Agreement remains in force until the earlier of the following events: (a) the second "
            "(2nd) anniversary of this Agreement; and (b) the sale of the Harbour business.",
            date(2023, 5, 4),
        ),
        (
            "The initial term of this Agreement commences on the Effective Date and will continue in effect "
            "until three (3) year(s) from such date.",
            date(2024, 5, 4),
        ),
        (
            "The term of this Agreement shall commence on the Effective Date and conclude on June 30, 2022.",
            date(2022, 6, 30),
        ),
        (
            '"Service Period" means the period commencing on March 1, 2021 and concluding February 28, 2023.',
            date(2023, 2, 28),
        ),
        (
            "The cooperation is for a fixed term beginning May 3, 2021 and ending April 30th, 2022.",
            date(2022, 4, 30),
        ),
        ("This Agreement shall be in force through and including October 31, 2025.", date(2025, 10, 31)),
    ],
)
def test_the_end_of_a_term_written_as_a_period_noun_a_date_of_or_a_list_of_events(
    clause: str, ends: date
) -> None:
    record = run(OPENING, f"2. TERM\n{clause}")
    assert record.fields.end_date.value == ends


def test_a_date_in_the_definition_of_another_period_is_not_the_end_of_the_term() -> None:
    record = run(
        OPENING,
        '1. DEFINITIONS\n1.2 "Reporting Quarter" means three consecutive months, except that the first '
        "Reporting Quarter shall commence on the Effective Date and end on June 30, 2026.\n"
        "2. TERM\nThis Agreement shall continue until the third anniversary of the Effective Date.",
    )
    assert record.fields.end_date.value == date(2024, 5, 4)


@pytest.mark.parametrize(
    ("definition", "field", "value"),
    [
        ('1.9 "Expiration Date" means October 31, 2027.', "end_date", date(2027, 10, 31)),
        ('"Effective Date" means 4 June 2026.', "effective_date", date(2026, 6, 4)),
    ],
)
def test_a_date_a_definition_gives_its_field(definition: str, field: str, value: date) -> None:
    record = run(f"LICENCE AGREEMENT\n1. DEFINITIONS\n{definition}\n2. GRANT\nLumen grants a licence.")
    assert getattr(record.fields, field).value == value


@pytest.mark.parametrize(
    "reference",
    [
        "the terms of that certain Mutual Confidentiality Agreement between them dated March 3, 2019",
        "the matters set out in the engagement letter agreements, dated March 3, 2019",
    ],
)
def test_the_date_of_another_agreement_is_not_the_effective_date(reference: str) -> None:
    record = run(f"REFERRAL AGREEMENT\n1. CONFIDENTIALITY\nThe parties shall observe {reference}.")
    assert record.fields.effective_date.value is None


def test_a_blank_line_to_fill_in_does_not_end_the_sentence_it_stands_in() -> None:
    record = run(
        OPENING,
        "2. TERM\nThis Agreement shall be effective upon the\n------------------\nEffective Date and shall "
        "remain in force for a period of three (3) years.",
    )
    assert record.fields.end_date.value == date(2024, 5, 4)


def test_a_term_to_commence_on_a_date_written_after_it() -> None:
    record = run(
        OPENING,
        "2. TERM\nThe setup phase lasts four weeks. The term of this Agreement shall be for a period of "
        "twelve (12) months to commence on 1 June 2021.",
    )
    assert record.fields.end_date.value == date(2022, 6, 1)


@pytest.mark.parametrize(
    ("opening", "effective"),
    [
        (
            "This Consulting Agreement is dated as of this ____ day of __________, 2021, but made effective "
            'as of March 8, 2021 ("Effective Date") between Harbour Analytics Inc. ("Client") and Lumen Data '
            'Services LLC ("Provider").',
            date(2021, 3, 8),
        ),
        (
            "This Supply Agreement, dated as June 2, 2020, is made by and between the parties below.",
            date(2020, 6, 2),
        ),
        (
            "THIS AGREEMENT, dated for reference July 9, 2019, is made between the parties below.",
            date(2019, 7, 9),
        ),
        ("THIS AGREEMENT is entered into between the parties on 3 May, 2022.", date(2022, 5, 3)),
        ("This Referral Agreement is executed as of the 8th day of March, 2021.", date(2021, 3, 8)),
        (
            "IN WITNESS WHEREOF, the parties hereby execute this Agreement as of 14 June 2022.",
            date(2022, 6, 14),
        ),
        # a template's "the ___ day of" left in front of a full date
        ("This Agreement is effective on the day of October 3, 2017.", date(2017, 10, 3)),
    ],
)
def test_the_date_a_document_is_dated_or_made_effective_in_its_opening(opening: str, effective: date) -> None:
    record = run(f"CONSULTING AGREEMENT\n{opening}\n1. SERVICES\nLumen shall provide the services.")
    assert record.fields.effective_date.value == effective


@pytest.mark.parametrize(
    "definition",
    [
        "1. DEFINITIONS\nCUSTOMER DATA means the data the Client supplies;\nEFFECTIVE DATE means 2 February "
        "2019;\nSERVICES means the services in Schedule 2.",
        'The Services shall begin on 2 February 2019 (the "Effective Date").',
    ],
)
def test_a_defined_effective_date_outranks_the_date_the_document_was_made(definition: str) -> None:
    record = run(
        "LICENCE AGREEMENT\nTHIS AGREEMENT is made the 20th day of June 2020 between Harbour Analytics Inc. "
        '("Client") and Lumen Data Services LLC ("Provider").\n'
        f"{definition}\n2. TERM\nThis Agreement shall continue for three (3) years thereafter."
    )
    assert record.fields.effective_date.value == date(2019, 2, 2)


@pytest.mark.parametrize("words", ["as of the", "this"])
def test_an_opening_dated_after_its_parties_addresses(words: str) -> None:
    record = run(
        "DISTRIBUTION AGREEMENT\nThis Distribution Agreement is made by and between Harbour Analytics Inc., "
        'having its office at Str. Lunga Nr. 7, Bl. B, Apt. 12, Brasov, Romania ("Client"), and Lumen Data '
        f'Services LLC, having its office at 40 Quay Street, Bldg. 3, Leeds ("Provider") {words} 3rd day\n'
        "of March, 2020.\n1. SERVICES\nProvider shall distribute the products."
    )
    assert record.fields.effective_date.value == date(2020, 3, 3)


@pytest.mark.parametrize(
    ("term", "end"),
    [
        (
            "This Agreement shall expire on the later of (a) three (3) years from the date hereof, or (b) "
            "the completion of every open work order.",
            date(2024, 5, 4),
        ),
        (
            "The term of this Agreement will begin on May 4, 2021 and will end the later of (i) June 30, "
            "2023 or (ii) the delivery of the final report.",
            date(2023, 6, 30),
        ),
        (
            "This Agreement shall commence on the Effective Date and shall terminate two (2) years following "
            "the opening of the first clinic, but in no event later than March 31, 2025.",
            date(2025, 3, 31),
        ),
        (
            "This agreement will remain in effect until the end of 2022 and will then be reviewed.",
            date(2022, 12, 31),
        ),
        (
            "The initial term of this Agreement shall commence on the Effective Date and extend for two (2) "
            "years thereafter, with an automatic renewal unless terminated.",
            date(2023, 5, 4),
        ),
    ],
)
def test_where_the_term_ends(term: str, end: date) -> None:
    record = run(OPENING, f"2. TERM\n{term}")
    assert record.fields.end_date.value == end


def test_a_deadline_that_is_not_the_term_is_not_its_end() -> None:
    record = run(
        OPENING,
        "3. ACCEPTANCE\nWithin thirty (30) days of delivery of the Software, but in no event later than "
        "September 1, 2021, Client shall test the Software.",
    )
    assert record.fields.end_date.value is None


def test_a_sentence_goes_on_over_a_page_break() -> None:
    record = run(
        OPENING + "9. GENERAL\nThis Agreement shall be construed in accordance with, and governed by, the",
        "laws of the State of Montana, without regard to its conflict of law rules.",
    )
    assert record.fields.governing_law.value == "Montana"


def test_parties_listed_as_party_a_and_party_b() -> None:
    record = run(
        "TECHNICAL SERVICES CONTRACT\nParty A: Qingshan Orchard Logistics Co., Ltd.\n"
        "Address: 8 Riverside Road\nParty B: Lanxi (Hangzhou) Software Engineering Co., Ltd.\n"
        "Address: 12 Garden Street\n"
        "1. Party B shall provide the services to Party A.",
    )
    assert record.fields.client_name.value == "Qingshan Orchard Logistics Co., Ltd."
    assert record.fields.provider_name.value == "Lanxi (Hangzhou) Software Engineering Co., Ltd."
    assert record.fields.client_name.confidence < 0.9  # the order alone says which side is which


def test_a_role_defined_after_a_listed_party_outranks_its_place_in_the_list() -> None:
    record = run(
        "SERVICE AGREEMENT\nThis Agreement is made in Suzhou by and between:\n"
        'Party A: Lanxi (Hangzhou) Software Engineering Co., Ltd. ("Service Provider")\n'
        "Party B: Qingshan Orchard Logistics Co., Ltd.\n"
        "1. The Service Provider shall provide the services.",
    )
    assert record.fields.provider_name.value == "Lanxi (Hangzhou) Software Engineering Co., Ltd."
    assert record.fields.client_name.value != record.fields.provider_name.value  # not both sides


def test_several_parties_on_the_other_side_are_stood_for_by_the_first() -> None:
    record = run(
        "HOSTING AGREEMENT\nThis AGREEMENT is made on 4 May 2021 BETWEEN\n"
        '1. Larkspur Hosting Inc., a Delaware corporation ("Larkspur"), and\n'
        '2. Quayside Press Limited, a company registered in England ("Quayside"), and Nordlys Forlag A/S, '
        'a company registered in Norway ("Nordlys") (together, the "Lessors").\n'
        "The Lessors wish to retain Larkspur to host their journals.",
    )
    assert record.fields.provider_name.value == "Larkspur Hosting Inc."
    assert record.fields.client_name.value == "Quayside Press Limited"
    assert record.fields.client_name.confidence < record.fields.provider_name.confidence


def test_a_party_defined_as_we_writes_the_document_and_provides() -> None:
    record = run(
        "FRANCHISE AGREEMENT\nThis Agreement is made on 4 May 2021 by and between:\n"
        "Marlow Bakehouse Systems, LLC, a Texas limited liability company (“we,” “us,” or “our”); and\n"
        "the person named on the signature page (“you”).\n1. GRANT\nWe grant you the right to operate.",
    )
    assert record.fields.provider_name.value == "Marlow Bakehouse Systems, LLC"
    assert record.fields.client_name.value is None
