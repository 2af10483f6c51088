"""The numbered blocks of a filled form saved flat ("3. AWARD/EFFECTIVE DATE", "30b. NAME OF SIGNER").

Intake reads such a page label by label, each filled value on the lines after the label it sits under, and
marks the page (Layout.form_pages). On those pages only, a line that starts with a block number is a
block's label and the line after it is the block's value — unless that line is the next block (the block
was left empty). A line wholly in brackets right under a label is the label's note ("(Type or print)"), not
its value.
"""

import re
from dataclasses import dataclass

from extraction.layout import Layout, Line

_BLOCK = re.compile(r"[ \t]*(?P<number>\d{1,2}[a-z]?)\.?[ \t]+(?P<label>[A-Za-z(].*?)[ \t]*$")
_NOTE = re.compile(r"\([^)]*\)")


@dataclass(frozen=True)
class FormBlock:
    number: str  # "3", "30b"
    label: str  # without its number and bracketed notes: "AWARD/EFFECTIVE DATE"
    line: Line
    value: Line | None  # the first line filled in under the label; None when the block is empty


def form_blocks(layout: Layout) -> tuple[FormBlock, ...]:
    if not layout.form_pages:
        return ()
    found: list[FormBlock] = []
    lines = layout.lines
    for position, line in enumerate(lines):
        block = _BLOCK.match(line.text) if line.page in layout.form_pages else None
        if block is None:
            continue
        label = " ".join(_NOTE.sub(" ", block.group("label")).split()).rstrip(" :")
        value = None
        for following in lines[position + 1 : position + 3]:
            if following.page != line.page or _BLOCK.match(following.text):
                break
            if not _NOTE.fullmatch(following.text.strip()):
                value = following
                break
        found.append(FormBlock(block.group("number"), label, line, value))
    return tuple(found)
