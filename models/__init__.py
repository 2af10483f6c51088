"""The data contract of handoff (spec v1): frozen pydantic records and the SQLAlchemy tables."""

from models.crm import CrmOpportunity
from models.document import PageText, ParsedDocument, ParseStatus
from models.errors import HandoffError
from models.exceptions import ExceptionCode, HandoffException, Severity
from models.record import (
    Contact,
    DocumentInfo,
    Evidence,
    ExtractorInfo,
    FieldValue,
    HandoffRecord,
    Milestone,
    RateCardItem,
    RecordFields,
    Subcontractor,
)

__all__ = [
    "Contact",
    "CrmOpportunity",
    "DocumentInfo",
    "Evidence",
    "ExceptionCode",
    "ExtractorInfo",
    "FieldValue",
    "HandoffError",
    "HandoffException",
    "HandoffRecord",
    "Milestone",
    "PageText",
    "ParseStatus",
    "ParsedDocument",
    "RateCardItem",
    "RecordFields",
    "Severity",
    "Subcontractor",
]
