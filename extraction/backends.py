"""Choose the extraction backend: the offline engine (embedded default), an OpenAI-compatible LLM, or
both (hybrid: the LLM proposes, the offline engine and the grounding audit verify).

Both return the same HandoffRecord type and go through the same grounding; `extractor.backend` says which ran.
"""

from typing import Literal

from extraction.engine import extract
from models.document import ParsedDocument
from models.record import HandoffRecord

Backend = Literal["offline", "llm", "hybrid"]


def extract_with(doc: ParsedDocument, backend: Backend = "offline") -> HandoffRecord:
    if backend == "hybrid":
        from extraction.hybrid import extract_hybrid  # imports langchain only when the LLM is asked for

        return extract_hybrid(doc)
    if backend == "llm":
        from extraction.llm import extract_with_llm  # imports langchain only when the LLM is asked for

        return extract_with_llm(doc)
    return extract(doc)
