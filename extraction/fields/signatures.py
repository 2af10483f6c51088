"""Whether the document is signed, and when: from its signature blocks.

`signed` is true only when every block carries a signer's name and a date (/s/ and e-signatures count);
`signature_date` is the latest date present, also when only one party signed.
"""

from datetime import date

from extraction.candidates.signatures import SignatureBlock
from extraction.fields.base import INFERRED, LABELLED, Found, found
from extraction.layout import Layout


def signed(layout: Layout, blocks: tuple[SignatureBlock, ...]) -> Found[bool]:
    """True when every block has a name and a date; false when one lacks either or there is no block."""
    if not blocks:
        title = layout.lines[0] if layout.lines else None
        return Found(False, INFERRED, ((title.start, title.end),) if title else ())
    complete = [bool(block.signer and block.signed_on) for block in blocks]
    if all(complete):
        return Found(True, LABELLED, tuple(_span(block) for block in blocks))
    lacking = blocks[complete.index(False)]
    return found(False, LABELLED, _span(lacking))


def signature_date(blocks: tuple[SignatureBlock, ...]) -> Found[date] | None:
    # the date line, or the signature line a date is written on ("/s/ Jane Doe 5/17/12")
    dated = [
        (block.signed_on, block.entries.get("date") or block.entries["signature"])
        for block in blocks
        if block.signed_on is not None
    ]
    if not dated:
        return None
    latest, entry = max(dated, key=lambda pair: pair[0])
    return found(latest, LABELLED, (entry.start, entry.end))


def _span(block: SignatureBlock) -> tuple[int, int]:
    return block.start, block.end
