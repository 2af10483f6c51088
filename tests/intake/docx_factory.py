"""Real DOCX files for the intake tests, built with python-docx; what python-docx cannot build is added
as WordprocessingML the way Word writes it (content controls, text boxes, notes, fields, tracked changes,
Word's rendered page breaks)."""

import io
import zipfile
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_BREAK
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.parser import parse_xml
from docx.text.paragraph import Paragraph

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
}
_DECLARATIONS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())


def xml(fragment: str) -> Any:
    """Parse a WordprocessingML fragment whose root may use any prefix in NAMESPACES."""
    head, _, rest = fragment.partition(">")
    closing = "/" if head.endswith("/") else ""
    return parse_xml(f"{head.removesuffix('/')} {_DECLARATIONS}{closing}>{rest}")


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def saved(document: DocumentObject) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def page_break(document: DocumentObject) -> None:
    """What Word and python-docx's untyped add_page_break() write: a paragraph holding a page break."""
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def append_xml(paragraph: Paragraph, fragment: str) -> None:
    paragraph._p.append(xml(fragment))


def add_notes_part(document: DocumentObject, kind: str, notes: dict[int, str]) -> None:
    """Add footnotes.xml or endnotes.xml with Word's separator notes and the given notes."""
    separators = (
        f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
        f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
        f"</w:p></w:{kind}>"
    )
    bodies = "".join(
        f'<w:{kind} w:id="{note_id}"><w:p><w:r><w:{kind}Ref/></w:r>{run(" " + text)}</w:p></w:{kind}>'
        for note_id, text in notes.items()
    )
    blob = f"<w:{kind}s {_DECLARATIONS}>{separators}{bodies}</w:{kind}s>".encode()
    content_type, reltype = (
        (CT.WML_FOOTNOTES, RT.FOOTNOTES) if kind == "footnote" else (CT.WML_ENDNOTES, RT.ENDNOTES)
    )
    part = Part(PackURI(f"/word/{kind}s.xml"), content_type, blob, document.part.package)
    document.part.relate_to(part, reltype)


def note_reference(kind: str, note_id: int) -> str:
    return f'<w:r><w:{kind}Reference w:id="{note_id}"/></w:r>'


def add_hyperlink(document: DocumentObject, paragraph: Paragraph, url: str, text: str) -> None:
    r_id = document.part.relate_to(url, RT.HYPERLINK, is_external=True)
    append_xml(paragraph, f'<w:hyperlink r:id="{r_id}">{run(text)}</w:hyperlink>')


def text_box(text: str) -> str:
    """A floating text box as Word 2010+ writes it: DrawingML, with a VML copy for older readers."""
    content = f"<w:txbxContent><w:p>{run(text)}</w:p></w:txbxContent>"
    return (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" behindDoc="0"'
        ' locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:positionH relativeFrom="column"><wp:posOffset>0</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        '<wp:extent cx="2000000" cy="500000"/><wp:wrapSquare wrapText="bothSides"/>'
        '<wp:docPr id="7" name="Text Box 7"/><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx>{content}</wps:txbx><wps:bodyPr/>'
        "</wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f'<mc:Fallback><w:pict><v:shape style="width:157pt;height:39pt"><v:textbox>{content}</v:textbox>'
        "</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )


def block_content_control(document: DocumentObject, text: str) -> None:
    """A rich-text content control around a whole paragraph (a filled-in template field)."""
    paragraph = document.add_paragraph(text)
    control = xml('<w:sdt><w:sdtPr><w:alias w:val="Project code"/></w:sdtPr><w:sdtContent/></w:sdt>')
    paragraph._p.addprevious(control)
    control[-1].append(paragraph._p)


def contract_docx() -> bytes:
    """A two-page SOW using every kind of content intake must read."""
    document = Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    section.first_page_header.paragraphs[0].text = "ACME CORP - CONFIDENTIAL - FIRST PAGE"
    section.header.paragraphs[0].text = "Statement of Work SOW-2025-014"
    footer = section.footer.paragraphs[0]
    footer.text = "Acme Corp / Globex Ltd - page "
    append_xml(footer, f'<w:fldSimple w:instr=" PAGE ">{run("1")}</w:fldSimple>')

    document.add_heading("Statement of Work", level=0)
    document.add_heading("1. Parties", level=1)
    parties = document.add_paragraph()
    parties.add_run("Client:").bold = True
    parties.add_run("\tAcme Corp")
    parties.add_run().add_break()
    parties.add_run("Vendor:").bold = True
    parties.add_run("\tGlobex Ltd   ")
    dates = document.add_paragraph("Effective date: ")
    append_xml(
        dates,
        '<w:sdt><w:sdtPr><w:alias w:val="Start date"/><w:date/></w:sdtPr>'
        f"<w:sdtContent>{run('1 March 2025')}</w:sdtContent></w:sdt>",
    )
    block_content_control(document, "Project code: PRJ-0042")
    portal = document.add_paragraph("Deliverables are published on the ")
    add_hyperlink(document, portal, "https://portal.example.com/prj-0042", "customer portal")
    portal.add_run(".")
    field = document.add_paragraph("Signed for ")
    append_xml(field, '<w:r><w:fldChar w:fldCharType="begin"/></w:r>')
    append_xml(field, '<w:r><w:instrText xml:space="preserve"> DOCPROPERTY ClientName </w:instrText></w:r>')
    append_xml(field, '<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
    append_xml(field, run("Acme Corporation"))
    append_xml(field, '<w:r><w:fldChar w:fldCharType="end"/></w:r>')

    document.add_heading("2. Fees", level=1)
    add_fee_table(document)
    document.add_paragraph("Fees exclude VAT.")
    page_break(document)

    document.add_heading("3. Terms", level=1)
    terms = document.add_paragraph("Invoices are payable within 30 days")
    append_xml(terms, note_reference("footnote", 1))
    terms.add_run(" of receipt.")
    add_notes_part(document, "footnote", {1: "Days are calendar days."})
    tracked = document.add_paragraph("Late payment interest: ")
    change = 'w:author="Legal" w:date="2025-02-01T09:00:00Z"'
    append_xml(tracked, f'<w:ins w:id="901" {change}>{run("4% a year")}</w:ins>')
    append_xml(
        tracked, f'<w:del w:id="902" {change}><w:r><w:tab/><w:delText>8% a year</w:delText></w:r></w:del>'
    )
    anchor = document.add_paragraph("Escalation contacts are in the box.")
    append_xml(anchor, text_box("Escalation: ops@globex.example"))
    warranty = document.add_paragraph("Warranty terms apply")
    append_xml(warranty, note_reference("endnote", 1))
    add_notes_part(document, "endnote", {1: "See the master services agreement."})
    commented = document.add_paragraph().add_run("Acceptance within 10 business days.")
    document.add_comment(commented, text="Finance wants 5 days", author="Reviewer")
    document.add_paragraph("Signed by both parties.")
    return saved(document)


def add_fee_table(document: DocumentObject) -> None:
    """Header row, a row merged across two columns, a cell merged down two rows, a nested table and a
    row wrapped in a repeating-section content control."""
    table = document.add_table(rows=5, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Milestone", "Amount", "Due"), strict=True):
        cell.text = text
    merged = table.cell(1, 0).merge(table.cell(1, 1))
    merged.text = "Kick-off workshop (fixed fee)"
    table.cell(1, 2).text = "2025-03-10"
    build = table.cell(2, 0).merge(table.cell(3, 0))
    build.text = "Build"
    table.cell(2, 1).text = "EUR 40,000"
    table.cell(2, 2).text = "2025-05-30"
    table.cell(3, 1).text = "EUR 10,000"
    table.cell(3, 2).text = "2025-06-30"
    table.cell(4, 0).text = "Support"
    rates = table.cell(4, 1)
    rates.text = "Rates:"
    nested = rates.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Senior", (0, 1): "EUR 1,200/day", (1, 0): "Junior"}.items():
        nested.cell(row, col).text = text
    nested.cell(1, 1).text = "EUR 800/day"
    table.cell(4, 2).text = "monthly"
    last_row = table.rows[4]._tr
    control = xml('<w:sdt><w:sdtPr><w:alias w:val="Repeating row"/></w:sdtPr><w:sdtContent/></w:sdt>')
    last_row.addprevious(control)
    control[-1].append(last_row)


def sections_docx() -> bytes:
    """Three sections (new page, then continuous), different headers and footers, every explicit break."""
    document = Document()
    first = document.sections[0]
    first.header.paragraphs[0].text = "Header of section one"
    first.footer.paragraphs[0].text = "Footer of section one"
    document.add_paragraph("Section one, page one.")
    page_break(document)
    document.add_paragraph("Section one, page two.")
    document.add_paragraph("Still page two, with a legacy text box.")
    append_xml(
        document.paragraphs[-1],
        "<w:r><w:pict><v:shape><v:textbox><w:txbxContent><w:p>"
        f"{run('Legacy VML box text')}</w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>",
    )
    second = document.add_section(WD_SECTION.NEW_PAGE)
    second.header.is_linked_to_previous = False
    second.header.paragraphs[0].text = "Header of section two"
    second.footer.is_linked_to_previous = False
    second.footer.paragraphs[0].text = "Footer of section two"
    document.add_paragraph("Section two starts page three.")
    document.add_paragraph("Page four starts here.").paragraph_format.page_break_before = True
    document.add_section(WD_SECTION.CONTINUOUS)
    document.add_paragraph("Section three continues page four.")
    return saved(document)


def word_paginated_docx() -> bytes:
    """Pagination as Word saves it: rendered breaks mid-paragraph, after a hard break, inside a table."""
    document = Document()
    flowing = document.add_paragraph()
    append_xml(flowing, run("This sentence starts on page one and"))
    append_xml(
        flowing, '<w:r><w:lastRenderedPageBreak/><w:t xml:space="preserve"> ends on page two.</w:t></w:r>'
    )
    page_break(document)
    after_hard_break = document.add_paragraph()
    append_xml(
        after_hard_break, "<w:r><w:lastRenderedPageBreak/><w:t>Page three after a hard break.</w:t></w:r>"
    )
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Row one"
    table.cell(0, 1).text = "still page three"
    moved = table.cell(1, 0).paragraphs[0]
    append_xml(moved, "<w:r><w:lastRenderedPageBreak/><w:t>Row two</w:t></w:r>")
    table.cell(1, 1).text = "on page four"
    document.add_paragraph("After the table, page four.")
    return saved(document)


_CLAUSE = (
    "The Supplier shall deliver the services described in this clause with due skill and care, in line "
    "with the acceptance criteria agreed in writing, and shall report progress to the Client every week."
)


def long_docx(pages: int) -> bytes:
    """A SOW of `pages` pages: a heading, clauses and a small table on each, hard breaks between."""
    document = Document()
    document.sections[0].header.paragraphs[0].text = "SOW-LONG - confidential"
    for number in range(1, pages + 1):
        document.add_heading(f"{number}. Work package {number}", level=1)
        for clause in range(1, 6):
            document.add_paragraph(f"{number}.{clause} {_CLAUSE}")
        table = document.add_table(rows=3, cols=3)
        for row in range(3):
            for col in range(3):
                table.cell(row, col).text = f"WP{number} r{row} c{col}"
        if number < pages:
            page_break(document)
    return saved(document)


def empty_docx(paragraphs: tuple[str, ...] = ()) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    return saved(document)


def rezipped(data: bytes, replace: dict[str, bytes] | None = None, drop: tuple[str, ...] = ()) -> bytes:
    """The same package with some entries replaced or removed."""
    replace = replace or {}
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in drop:
                target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, blob in replace.items():
            if name not in source.namelist():
                target.writestr(name, blob)
    return buffer.getvalue()


def with_main_content_type(data: bytes, content_type: str) -> bytes:
    """The package with word/document.xml declared as another content type (e.g. a .docm)."""
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").decode()
    return rezipped(data, {"[Content_Types].xml": types.replace(CT.WML_DOCUMENT_MAIN, content_type).encode()})
