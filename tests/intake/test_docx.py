import hashlib
import io
import struct
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator

import pytest
from docx import Document

from intake.docx import MEDIA_TYPE, parse_docx
from intake.errors import CorruptFile, DecompressionBomb, NoText, TooManyPages, UnsupportedFile
from intake.settings import IntakeSettings
from models.document import PAGE_SEPARATOR, ParsedDocument
from tests.intake.docx_factory import (
    NAMESPACES,
    append_xml,
    contract_docx,
    empty_docx,
    long_docx,
    rezipped,
    run,
    saved,
    sections_docx,
    with_main_content_type,
    word_paginated_docx,
)

W = f"{{{NAMESPACES['w']}}}"
TEXT_BOX = f"{W}txbxContent"
MC_FALLBACK = f"{{{NAMESPACES['mc']}}}Fallback"
COMMENTS_PART = "word/comments.xml"  # comments are left out of the text on purpose, see intake/docx.py

BUILDERS: dict[str, Callable[[], bytes]] = {
    "contract": contract_docx,
    "sections": sections_docx,
    "word_paginated": word_paginated_docx,
    "long": lambda: long_docx(3),
}


def parse(data: bytes, settings: IntakeSettings | None = None) -> ParsedDocument:
    digest = hashlib.sha256(data).hexdigest()
    return parse_docx(data, "sow.docx", digest, settings or IntakeSettings())


def normalised(text: str) -> str:
    return " ".join(text.split())


def text_nodes_by_part(data: bytes) -> dict[str, list[str]]:
    """Every non-blank w:t of every XML part in the package, read with the standard library."""
    nodes: dict[str, list[str]] = {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                root = ET.fromstring(archive.read(name))
                texts = [normalised(node.text or "") for node in root.iter(f"{W}t")]
                if any(texts):
                    nodes[name] = [text for text in texts if text]
    return nodes


def body_text_nodes(element: ET.Element) -> Iterator[str]:
    """The body's w:t in document order, outside text boxes (they follow their paragraph)."""
    for child in element:
        if child.tag in (TEXT_BOX, MC_FALLBACK):
            continue
        if child.tag == f"{W}t" and (text := normalised(child.text or "")):
            yield text
        yield from body_text_nodes(child)


@pytest.mark.parametrize("builder", BUILDERS.values(), ids=BUILDERS.keys())
def test_every_text_node_of_every_part_is_in_the_text(builder: Callable[[], bytes]) -> None:
    data = builder()
    text = normalised(parse(data).text)
    nodes = text_nodes_by_part(data)
    nodes.pop(COMMENTS_PART, None)
    missing = [(part, node) for part, texts in nodes.items() for node in texts if node not in text]
    assert not missing


def test_the_contract_exercises_every_part_that_holds_text() -> None:
    parts = set(text_nodes_by_part(contract_docx()))
    assert {"word/document.xml", "word/footnotes.xml", "word/endnotes.xml", COMMENTS_PART} <= parts
    assert sum(part.startswith("word/header") for part in parts) == 2
    assert sum(part.startswith("word/footer") for part in parts) == 1


@pytest.mark.parametrize("builder", BUILDERS.values(), ids=BUILDERS.keys())
def test_body_text_keeps_document_order(builder: Callable[[], bytes]) -> None:
    data = builder()
    text = normalised(parse(data).text)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        body = ET.fromstring(archive.read("word/document.xml"))
    position = 0
    for node in body_text_nodes(body):
        found = text.find(node, position)
        assert found >= 0, f"{node!r} is missing or out of order"
        position = found + len(node)


def test_paragraphs_and_tables_are_interleaved_as_in_the_document() -> None:
    lines = parse(contract_docx()).pages[0].text.split("\n")
    fees = lines.index("2. Fees")
    assert lines[fees + 1 : fees + 7] == [
        "Milestone | Amount | Due",
        "Kick-off workshop (fixed fee) | 2025-03-10",
        "Build | EUR 40,000 | 2025-05-30",
        " | EUR 10,000 | 2025-06-30",
        "Support | Rates:; Senior | EUR 1,200/day; Junior | EUR 800/day | monthly",
        "Fees exclude VAT.",
    ]


def test_runs_tabs_line_breaks_hyperlinks_fields_and_content_controls() -> None:
    text = parse(contract_docx()).text
    assert "Client:\tAcme Corp\nVendor:\tGlobex Ltd\n" in text
    assert "Effective date: 1 March 2025\nProject code: PRJ-0042\n" in text
    assert "Deliverables are published on the customer portal.\n" in text
    assert "Signed for Acme Corporation\n" in text
    assert "DOCPROPERTY" not in text


def test_a_text_box_follows_its_anchor_paragraph_once() -> None:
    text = parse(contract_docx()).text
    assert text.count("Escalation: ops@globex.example") == 1
    assert "Escalation contacts are in the box.\nEscalation: ops@globex.example\n" in text
    assert "Still page two, with a legacy text box.\nLegacy VML box text" in parse(sections_docx()).text


def test_notes_are_numbered_where_referenced_and_listed_at_page_and_document_end() -> None:
    last_page = parse(contract_docx()).pages[-1].text
    assert "payable within 30 days[1] of receipt." in last_page
    assert "Warranty terms apply[i]" in last_page
    assert last_page.endswith(
        "Signed by both parties.\n[i] See the master services agreement.\n[1] Days are calendar days."
    )


def test_headers_and_footers_appear_once_at_the_start_and_end_of_the_sections_first_page() -> None:
    first_page = parse(contract_docx()).pages[0].text
    assert first_page.startswith("ACME CORP - CONFIDENTIAL - FIRST PAGE\nStatement of Work SOW-2025-014\n")
    assert first_page.endswith("\nAcme Corp / Globex Ltd - page 1")
    assert parse(contract_docx()).text.count("Statement of Work SOW-2025-014") == 1


def test_comments_and_deleted_text_are_left_out_with_warnings() -> None:
    document = parse(contract_docx())
    assert "Finance wants 5 days" not in document.text
    assert "8% a year" not in document.text
    assert "Late payment interest: 4% a year\n" in document.text
    assert [warning.code for warning in document.warnings] == [
        "docx_comments_left_out",
        "docx_tracked_changes",
    ]
    assert parse(sections_docx()).warnings == ()


def test_pages_split_at_page_breaks_page_break_before_and_new_page_sections() -> None:
    document = parse(sections_docx())
    assert [page.text for page in document.pages] == [
        "Header of section one\nSection one, page one.\nFooter of section one",
        "Section one, page two.\nStill page two, with a legacy text box.\nLegacy VML box text",
        "Header of section two\nSection two starts page three.\nFooter of section two",
        "Page four starts here.\n\nSection three continues page four.",
    ]


def test_pages_split_at_words_rendered_breaks_without_doubling_hard_breaks() -> None:
    document = parse(word_paginated_docx())
    assert [page.text for page in document.pages] == [
        "This sentence starts on page one and",
        " ends on page two.",
        "Page three after a hard break.\nRow one | still page three",
        "Row two | on page four\nAfter the table, page four.",
    ]


@pytest.mark.parametrize("builder", BUILDERS.values(), ids=BUILDERS.keys())
def test_page_offsets_index_the_text(builder: Callable[[], bytes]) -> None:
    document = parse(builder())
    assert document.text == PAGE_SEPARATOR.join(page.text for page in document.pages)
    for number, page in enumerate(document.pages, start=1):
        assert page.number == number
        assert document.text[page.char_start : page.char_end] == page.text
        if page.text:
            assert document.page_at(page.char_start) == page
    assert (document.media_type, document.parser) == (MEDIA_TYPE, "python-docx")


def test_a_document_without_breaks_is_one_page_of_clean_lines() -> None:
    builder = Document()
    builder.add_paragraph("First line   ")
    append_xml(builder.add_paragraph(), run("Carriage&#13;return \t"))
    builder.add_paragraph("")
    builder.add_paragraph("Last")
    raw = zipfile.ZipFile(io.BytesIO(saved(builder))).read("word/document.xml")
    assert b"Carriage&#13;return" in raw
    document = parse(saved(builder))
    assert len(document.pages) == 1
    assert document.text == "First line\nCarriage\nreturn\n\nLast"


def test_long_documents_are_refused_over_the_page_limit() -> None:
    assert len(parse(long_docx(4)).pages) == 4
    with pytest.raises(TooManyPages):
        parse(long_docx(4), IntakeSettings(max_pages=3))


def test_a_document_without_text_is_refused() -> None:
    with pytest.raises(NoText):
        parse(empty_docx())
    with pytest.raises(NoText):
        parse(empty_docx(("   ", "")))


def test_invalid_xml_in_the_main_part_is_a_corrupt_file() -> None:
    with pytest.raises(CorruptFile):
        parse(rezipped(contract_docx(), {"word/document.xml": b"<w:document><w:body>"}))


def test_invalid_xml_in_a_notes_part_is_a_corrupt_file() -> None:
    with pytest.raises(CorruptFile):
        parse(rezipped(contract_docx(), {"word/footnotes.xml": b"<w:footnotes"}))


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: rezipped(data, drop=("word/document.xml",)),
        lambda data: rezipped(data, drop=("[Content_Types].xml",)),
        lambda data: rezipped(data, {"word/document.xml": b'<?xml version="1.0"?><unrelated/>'}),
    ],
    ids=["truncated", "no-main-part", "no-content-types", "no-body"],
)
def test_a_package_python_docx_cannot_open_is_a_corrupt_file(damage: Callable[[bytes], bytes]) -> None:
    with pytest.raises(CorruptFile):
        parse(damage(contract_docx()))


def test_a_package_declaring_more_than_the_inflate_limit_is_a_bomb_before_it_is_opened() -> None:
    padded = rezipped(contract_docx(), {"word/media/padding.bin": bytes(2 * 1024 * 1024)})
    small_limit = IntakeSettings(max_inflated_mb=1)
    with pytest.raises(DecompressionBomb):
        parse(padded, small_limit)
    with pytest.raises(DecompressionBomb):
        parse(rezipped(padded, {"word/document.xml": b"not xml"}), small_limit)
    assert parse(padded).text


def declaring_size(data: bytes, name: str, size: int) -> bytes:
    """The package with `name`'s uncompressed size understated in its local and central headers."""
    patched = bytearray(data)
    encoded = name.encode()
    for signature, size_offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        header = 0
        while (header := patched.find(signature, header + 1)) >= 0:
            name_offset = header + (30 if signature == b"PK\x03\x04" else 46)
            if patched[name_offset : name_offset + len(encoded)] == encoded:
                struct.pack_into("<I", patched, header + size_offset, size)
    return bytes(patched)


def test_a_package_understating_its_sizes_cannot_inflate_past_them() -> None:
    document = zipfile.ZipFile(io.BytesIO(contract_docx())).read("word/document.xml")
    inflating = rezipped(
        contract_docx(), {"word/document.xml": document + b"<!--" + b" " * 2_000_000 + b"-->"}
    )
    lying = declaring_size(inflating, "word/document.xml", len(document))
    declared = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(lying)).infolist())
    assert declared < 1024 * 1024
    with pytest.raises(CorruptFile):
        parse(lying, IntakeSettings(max_inflated_mb=1))


@pytest.mark.parametrize(
    "content_type",
    [
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    ],
    ids=["docm", "dotm", "dotx"],
)
def test_macro_enabled_files_and_templates_are_unsupported(content_type: str) -> None:
    with pytest.raises(UnsupportedFile):
        parse(with_main_content_type(contract_docx(), content_type))
