from datetime import date

from extraction.candidates.labels import label_values
from extraction.candidates.recitals import legal_names, party_mentions
from extraction.candidates.signatures import signature_blocks
from extraction.candidates.tables import tables
from extraction.engine import extract
from extraction.fields.parties import looks_like_party
from extraction.layout import Layout
from models.document import FORM_LAYERS, ParsedDocument, ParseWarning
from tests.extraction.documents import document


def pairs(text: str) -> list[tuple[str, str]]:
    return [(item.key, item.value) for item in label_values(Layout(document(text)))]


def test_label_value_lines_with_colons_and_dot_leaders() -> None:
    found = pairs(
        """
        Client: Northwind Health, Inc.
        Total Contract Value ........ $480,000.00
        * **Project Name:** Data Centre Exit
        """
    )
    assert ("client", "Northwind Health, Inc.") in found
    assert ("amount", "$480,000.00") in found
    assert ("project_name", "Data Centre Exit") in found


def test_an_order_form_with_two_pairs_per_row_and_wrapped_labels() -> None:
    found = pairs(
        """
        Client Aurora Retail Group L.P. Provider Helix Analytics B.V.
        Proposal Number P-2025-0461 Project Customer Portal Redesign
        Proposed Start
        Date
        2025-12-16 End Date 2026-05-15
        Billing Model Fixed Fee plus Time and Materials Total Contract
        Value
        A$628,000.00
        """
    )
    assert found == [
        ("client", "Aurora Retail Group L.P."),
        ("provider", "Helix Analytics B.V."),
        ("contract_number", "P-2025-0461"),
        ("project_name", "Customer Portal Redesign"),
        ("start_date", "2025-12-16"),
        ("end_date", "2026-05-15"),
        ("billing_model", "Fixed Fee plus Time and Materials"),
        ("amount", "A$628,000.00"),
    ]


def test_prose_that_starts_with_a_label_word_is_not_a_label() -> None:
    found = pairs(
        """
        Client will review each Deliverable within five days.
        Provider will deliver the following under this SOW:
        """
    )
    assert found == []


def test_form_rows_are_labelled_but_a_lone_capitalised_line_is_weak() -> None:
    layout = Layout(
        document(
            """
            Customer Portal Redesign
            This Statement of Work is entered into by the parties named below, who agree as follows
            on the services, the fees and the schedule that this document describes in the sections
            that follow, and on the general terms attached to it, which form part of it.
            Client Acme Corp.
            Provider Kestrel LLC
            Currency USD
            """
        )
    )
    strength = {item.value: item.labelled for item in label_values(layout)}
    assert strength == {"Portal Redesign": False, "Acme Corp.": True, "Kestrel LLC": True, "USD": True}


def test_label_noise_on_a_scanned_page_is_skipped() -> None:
    layout = Layout(document("Billing Model eesese sta Fixed Fee", ocr_pages=frozenset({1})))
    assert [(i.key, i.value) for i in label_values(layout)] == [("billing_model", "Fixed Fee")]


def test_a_table_with_cells_joined_by_single_spaces() -> None:
    [table] = tables(
        Layout(
            document(
                """
                No. Milestone Due Date Amount
                1 Plan and Design November 9, 2025 USD 128,500.00
                2 Go-Live Upon final acceptance USD 129,500.00
                Total USD 258,000.00
                """
            )
        )
    )
    rows = [[cell.text if cell else None for cell in row.cells] for row in table.rows]
    assert rows == [
        ["1", "Plan and Design", "November 9, 2025", "USD 128,500.00"],
        ["2", "Go-Live", "Upon final acceptance", "USD 129,500.00"],
        ["Total", "USD 258,000.00"],
    ]
    assert [row.is_total for row in table.rows] == [False, False, True]


def test_markdown_pipe_tables_and_aligned_columns() -> None:
    layout = Layout(
        document(
            """
            | Milestone | Description | Budget |
            |---|---|---|
            | 1 | Filscan updates for FVM | $12,000 |

            Role                 Rate          Unit
            Senior Engineer      $150.00       per hour
            """
        )
    )
    pipe, aligned = tables(layout)
    assert [c.text if c else None for c in pipe.rows[0].cells] == ["1", "Filscan updates for FVM", "$12,000"]
    assert [c.text if c else None for c in aligned.rows[0].cells] == [
        "Senior Engineer",
        "$150.00",
        "per hour",
    ]


def test_a_row_wrapped_at_an_email_and_a_table_over_a_page_break() -> None:
    layout = Layout(
        document(
            """
            Name Role Party Email
            Maria Van Dijk Client Project Manager Client maria.van.dijk@northwindhealth
            .com
            Acme · Confidential Page 1 of 2
            """,
            """
            Acme · Confidential Page 2 of 2
            Name Role Party Email
            Liam Rossi Engagement Manager Provider liam.rossi@kestrel.com
            """,
        )
    )
    [table] = tables(layout)
    emails = [row.cells[3].text for row in table.rows if row.cells[3]]
    assert emails == ["maria.van.dijk@northwindhealth.com", "liam.rossi@kestrel.com"]


def test_party_recitals_with_descriptions_and_roles() -> None:
    mentions = party_mentions(
        Layout(
            document(
                """
                This Statement of Work (this "SOW") is entered into as of March 1, 2026 (the "Effective Date")
                by and between Quarry Hill Logistics Corp., a New York corporation, with offices at 2317
                Collins
                Street, Boston, MA 02110 ("Client"), and Kestrel Technologies, Inc., a Delaware corporation
                ("Provider").
                """
            )
        )
    )
    assert [(m.name, m.role) for m in mentions] == [
        ("Quarry Hill Logistics Corp.", "client"),
        ("Kestrel Technologies, Inc.", "provider"),
    ]


def test_a_description_before_the_next_party_belongs_to_the_first() -> None:
    mentions = party_mentions(
        Layout(
            document(
                'AGREEMENT dated as of June 24, 2020, between Larkspur Funds (the "Trust"), a Massachusetts '
                'business trust, and Tidewater Fund Management, Inc. (the "Adviser"), a Florida Corporation.'
            )
        )
    )
    assert [(m.name, m.role) for m in mentions] == [
        ("Larkspur Funds", "client"),
        ("Tidewater Fund Management, Inc.", "provider"),
    ]


def test_a_bracketed_word_inside_a_party_name_is_part_of_it() -> None:
    mentions = party_mentions(
        Layout(
            document(
                'THIS AGREEMENT is made on 3 May 2021 between Heron Capital, L.P. ("Heron US"); and Heron '
                "Capital (Europe) Limited, a private limited company of 1 Quay Street, Dublin "
                '(the "Supplier").'
            )
        )
    )
    assert [(m.name, m.role) for m in mentions] == [
        ("Heron Capital, L.P.", None),
        ("Heron Capital (Europe) Limited", "provider"),
    ]


def test_signature_blocks_stacked_and_side_by_side() -> None:
    layout = Layout(
        document(
            """
            CLIENT
            Northwind Health, Inc.
            By: /s/ Alicia Chen
            Name: Alicia Chen
            Title: Chief Executive Officer
            Date: March 3, 2026

            By: __________________ By: James Walsh
            Name: Tomas Novak Name: James Walsh
            Date: __________________ Date: March 5, 2026
            """
        )
    )
    first, second, third = signature_blocks(layout)
    assert [line.text for line in first.heading] == ["Northwind Health, Inc.", "CLIENT"]
    assert first.signer is not None and first.signer.text == "Alicia Chen"
    assert str(first.signed_on) == "2026-03-03"
    assert second.signer is not None and second.signer.text == "Tomas Novak"
    assert second.signed_on is None
    assert str(third.signed_on) == "2026-03-05"


def test_headings_numbered_capitalised_and_markdown() -> None:
    layout = Layout(
        document(
            """
            STATEMENT OF WORK
            1. Background
            The client wishes to migrate.
            4.2 Out of Scope
            ## Milestone 1 — Support
            1 Plan and Design November 9, 2025 $1,000.00
            18. Governing Law. This SOW is governed by the laws of
            """
        )
    )
    assert [(h.title, h.level) for h in layout.headings] == [
        ("STATEMENT OF WORK", 1),
        ("Background", 2),
        ("Out of Scope", 3),
        ("Milestone 1 - Support", 2),
    ]


def test_a_defined_term_after_a_qualifier_or_wrapped_over_a_line_defines_its_party() -> None:
    mentions = party_mentions(
        Layout(
            document(
                """
                This Agreement is made as of the 2nd day of May, 2024, by and between Larch Valley Bank, a
                Ohio corporation (including its Affiliates, "Customer") and Ferrow Data Corporation, acting
                through its division, Ferrow Data Services ("Ferrow
                DS").
                """
            )
        )
    )
    assert [(m.name, m.term, m.role) for m in mentions] == [
        ("Larch Valley Bank", "Customer", "client"),
        ("Ferrow Data Services", "Ferrow DS", None),
    ]


def test_a_description_without_a_comma_ends_the_name() -> None:
    mentions = party_mentions(
        Layout(
            document(
                "BETWEEN (1) Saltmarsh Partners L.P. a Delaware limited partnership of 1 Main Street "
                '("Saltmarsh") and (2) Tern Publishing Limited a company registered in England ("Tern").'
            )
        )
    )
    assert [m.name for m in mentions] == ["Saltmarsh Partners L.P.", "Tern Publishing Limited"]


def test_two_parties_without_role_words_take_both_sides() -> None:
    record = extract(
        document(
            """
            SUPPORT AGREEMENT dated as of April 4, 2024, between Halyard Systems, Inc., a Delaware
            corporation ("Halyard"), and Pinnace Media, Inc., a California corporation ("Pinnace").
            Halyard shall provide the support services described below.
            """
        )
    )
    assert record.fields.provider_name.value == "Halyard Systems, Inc."
    assert record.fields.client_name.value == "Pinnace Media, Inc."


def test_two_parties_known_only_by_order_are_read_with_a_confidence_below_review() -> None:
    record = extract(
        document(
            """
            CO-MARKETING AGREEMENT made effective June 3, 2024 by and between Gannet Row, Inc.
            (hereinafter referred to as "GRI") and Osprey Lane Media, Inc. (hereinafter referred to as "OLM").
            """
        )
    )
    assert (record.fields.client_name.value, record.fields.provider_name.value) == (
        "Gannet Row, Inc.",
        "Osprey Lane Media, Inc.",
    )
    assert record.fields.client_name.confidence < 0.5 and record.fields.provider_name.confidence < 0.5


def test_a_place_or_a_description_is_not_read_as_a_party_name() -> None:
    # The name is cut off from its defined term by a bracket; the run of capitals before the term is the
    # law the party is organised under, and in the second recital a description after an article.
    mentions = party_mentions(
        Layout(
            document(
                "This Licence Agreement is made by and between Orchard Lane Media Co., Ltd. (Seoul branch), "
                "a limited liability company organized under the laws of the Republic of Korea (hereinafter "
                '"Licensor") and Pinecrest Broadcasting Corp., the Regional Office ("Licensee"), a Vermont '
                "Corporation with its principal place of business at 12 Elm Road, Montpelier."
            )
        )
    )
    names = [m.name for m in mentions]
    assert not any("Korea" in name or "Vermont" in name for name in names), names


def test_a_defined_term_wrapped_over_lines_is_still_known_as_no_party() -> None:
    mentions = party_mentions(
        Layout(
            document(
                "IN ACCORDANCE WITH ITEM 12 OF THE FILING RULES, CERTAIN IDENTIFIED INFORMATION "
                '(THE "CONFIDENTIAL\nINFORMATION") HAS BEEN EXCLUDED. This Agreement is made between '
                'Hollis Freight LLC ("Client") and Brackett Systems Inc. ("Provider").'
            )
        )
    )
    assert [(m.name, m.role) for m in mentions] == [
        ("Hollis Freight LLC", "client"),
        ("Brackett Systems Inc.", "provider"),
    ]


def test_a_bracket_that_goes_on_to_define_the_parties_still_defines_its_party() -> None:
    mentions = party_mentions(
        Layout(
            document(
                "This Reseller Agreement is made by and between Quillon Media, LLC, a Delaware limited "
                'liability company ("QM"), and Farrow Screens Corp., a Nevada corporation ("Reseller" and '
                'with QM, each a "Party" and together, the "Parties").'
            )
        )
    )
    assert [m.name for m in mentions] == ["Quillon Media, LLC", "Farrow Screens Corp."]


def test_a_party_named_as_a_brand_or_a_web_address_keeps_its_whole_name() -> None:
    mentions = party_mentions(
        Layout(
            document(
                "This Agreement is entered into by and between shipRight.com, Inc., a Washington corporation "
                '(the "Company"), and eParcel Solutions, LLC, an Oregon limited liability company ("EPS").'
            )
        )
    )
    assert [m.name for m in mentions] == ["shipRight.com, Inc.", "eParcel Solutions, LLC"]
    assert looks_like_party("eParcel Solutions, LLC")


def test_a_term_after_a_long_qualifier_or_before_a_which_term_clause_defines_its_party() -> None:
    mentions = party_mentions(
        Layout(
            document(
                "This Amendment is entered into by and between LUMEN GRID, INC., a Delaware corporation "
                '(together with its successors and permitted assigns, "Lumen Grid"), and LUMEN HOLDINGS, '
                'INC., a Utah corporation (hereinafter referred to as "Holdings", which term shall unless '
                "repugnant to the context include its successors), and amends the Supply Agreement between "
                "them "
                '(the "Original Agreement").'
            )
        )
    )
    assert [m.name for m in mentions] == ["LUMEN GRID, INC.", "LUMEN HOLDINGS, INC."]


def test_a_tender_names_who_does_the_work_by_its_role_in_the_tender() -> None:
    found = pairs(
        """
        Offeror: Quillon Systems Ltd
        Submitted for the harbour ticketing upgrade.
        **Bidder:** Saltmarsh Engineering LLC
        """
    )
    assert ("provider", "Quillon Systems Ltd") in found
    assert ("provider", "Saltmarsh Engineering LLC") in found


def test_a_party_label_may_carry_a_qualifier_but_a_qualified_amount_names_something_else() -> None:
    found = pairs(
        """
        - **Principal Contractor:** Brightwater Civils plc
        Ultimate Customer: Larchfield Mutual Society
        Deposit Amount: $5,000.00
        """
    )
    assert ("provider", "Brightwater Civils plc") in found
    assert ("client", "Larchfield Mutual Society") in found
    assert all(key != "amount" for key, _ in found)


def names_in(*pages: str) -> list[str]:
    return [name for name, _, _ in legal_names(Layout(document(*pages)))]


def test_company_names_are_read_up_to_their_legal_form() -> None:
    found = names_in(
        """
        SUPPLY TERMS
        "BUYER" Quillon Shipping Corporation
        Harbour Road 4, 9000 Ostend, Belgium and
        Tessaly Chemical Trading Co., Ltd., and Varga Mills GmbH & Co. KG
        EFFECTIVE AS OF the date below, the parties agree as follows.
        """
    )
    assert found == [
        "Quillon Shipping Corporation",
        "Tessaly Chemical Trading Co., Ltd.",
        "Varga Mills GmbH & Co. KG",
    ]


def test_a_legal_form_alone_or_after_an_article_or_a_term_is_no_name() -> None:
    assert (
        names_in('The Company and this Co. agree. Definitions. As used herein, the "Company shall pay') == []
    )


def test_a_name_on_a_line_printed_on_every_page_is_not_read() -> None:
    footer = "Filed by: Orlen Mining Inc., form 10-Q, 3/3/2021"
    found = names_in(
        f"Cooperation between Pellar Foods Ltd and its distributor.\n{footer}\nPage text one.",
        f"More text.\n{footer}\nPage text two.",
        f"Even more text.\n{footer}\nPage text three.",
    )
    assert found == ["Pellar Foods Ltd"]


def test_parties_no_role_names_are_placed_by_order_of_their_legal_names() -> None:
    record = extract(
        document(
            """
            DISTRIBUTION AGREEMENT
            This agreement is entered into by and between Alder Freight Inc. ("ALDER"), a Nevada corporation
            with offices at 1 Dock Street, and, for its business in the region, Birchwood Analytics GmbH of
            9 Ring Road, Hamburg.
            The parties agree as follows.
            """
        )
    )
    assert record.fields.client_name.value == "Alder Freight Inc."
    assert record.fields.provider_name.value == "Birchwood Analytics GmbH"
    assert record.fields.provider_name.confidence < 0.9


def test_what_a_party_is_called_between_its_legal_name_and_its_term_is_not_its_name() -> None:
    mentions = party_mentions(
        Layout(
            document(
                'This agreement is made between Alder Freight Inc. ("ALDER"), a Nevada corporation, and '
                'Birchwood Analytics GmbH, the Regional Partner ("PARTNER"), a German company.'
            )
        )
    )
    assert [(m.name, m.term) for m in mentions] == [
        ("Alder Freight Inc.", "ALDER"),
        ("Birchwood Analytics GmbH", "PARTNER"),
    ]


FLAT_FORM_PAGE = """
    ORDER FOR SERVICES
    2. CONTRACT NO.
    QX-7731-B
    3. AWARD/EFFECTIVE DATE
    MAR 3, 2026
    9. ISSUED BY
    HARBOUR WORKS DEPARTMENT
    17a CONTRACTOR/ OFFEROR.
    BRIGHTWATER SYSTEMS LLC
    12 QUAY STREET
    26. TOTAL AWARD AMOUNT (For Office Use)
    $48,000.00
    30a. SIGNATURE OF OFFEROR/CONTRACTOR
    30b. NAME AND TITLE OF SIGNER
    (Type or print)
    30c. DATE SIGNED
    31a. SIGNATURE OF ORDERING OFFICER
    31b. NAME OF ORDERING OFFICER
    (Type or print)
    MARGARET OYELARAN
    31c. DATE SIGNED
    MAR 4, 2026
"""


def _flat_form(pages_read_as_forms: tuple[int, ...]) -> ParsedDocument:
    plain = document(FLAT_FORM_PAGE)
    warnings = tuple(
        ParseWarning(code=FORM_LAYERS, message="form", page=page) for page in pages_read_as_forms
    )
    return plain.model_copy(update={"warnings": warnings})


def test_the_numbered_blocks_of_a_flattened_form_are_labels_of_the_line_below() -> None:
    found = {item.key: item.value for item in label_values(Layout(_flat_form((1,))))}
    assert found["contract_number"] == "QX-7731-B"
    assert found["effective_date"] == "MAR 3, 2026"  # the alternative before the slash set aside
    assert found["provider"] == "BRIGHTWATER SYSTEMS LLC"
    assert "amount" not in found  # an award amount counts travel: left to the total chooser
    record = extract(_flat_form((1,)))
    assert record.fields.effective_date.value == date(2026, 3, 3)
    assert record.fields.provider_name.value == "BRIGHTWATER SYSTEMS LLC"
    # the contractor's block 30 is empty (a bracketed note is no signer), the officer's block 31 is filled
    blocks = signature_blocks(Layout(_flat_form((1,))))
    assert [(b.signer.text if b.signer else None, b.signed_on) for b in blocks] == [
        (None, None),
        ("MARGARET OYELARAN", date(2026, 3, 4)),
    ]
    assert record.fields.signed.value is False
    assert record.fields.signature_date.value == date(2026, 3, 4)


def test_numbered_lines_are_not_form_blocks_on_a_page_intake_did_not_read_as_a_form() -> None:
    found = {item.key for item in label_values(Layout(_flat_form(())))}
    assert "effective_date" not in found and "provider" not in found


def test_a_lower_case_brand_keeps_its_lower_case_legal_form() -> None:
    assert looks_like_party("brightmeal.com, inc.")
    assert looks_like_party("Brightmeal.com, Inc.")
    assert not looks_like_party("services, inc.")
