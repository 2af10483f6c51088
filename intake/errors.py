"""Typed intake errors. `code` values are stable: clients and tests match on them."""

from typing import ClassVar

from models.errors import HandoffError


class IntakeError(HandoffError):
    code: ClassVar[str] = "intake_error"
    http_status: ClassVar[int] = 422
    title: ClassVar[str] = "The file could not be taken in"


class EmptyFile(IntakeError):
    code = "empty_file"
    http_status = 400
    title = "The file is empty"


class UnsupportedFile(IntakeError):
    code = "unsupported_file"
    http_status = 415
    title = "Not a PDF, DOCX, Markdown or text file"


class CorruptFile(IntakeError):
    code = "corrupt_file"
    title = "The file's structure is damaged"


class EncryptedPdf(IntakeError):
    code = "encrypted_pdf"
    title = "The PDF is protected by a password"


class TooLarge(IntakeError):
    code = "too_large"
    http_status = 413
    title = "The file is over the size limit"


class TooManyPages(IntakeError):
    code = "too_many_pages"
    http_status = 413
    title = "The document is over the page limit"


class DecompressionBomb(IntakeError):
    code = "decompression_bomb"
    http_status = 413
    title = "The file expands to far more data than it holds"


class NoText(IntakeError):
    code = "no_text"
    title = "No text could be read from the document"


class StorageError(IntakeError):
    code = "storage_error"
    http_status = 503
    title = "The document store is unavailable"


class ObjectNotFound(StorageError):
    code = "object_not_found"
    http_status = 404
    title = "The stored object does not exist"


class DocumentNotFound(IntakeError):
    code = "document_not_found"
    http_status = 404
    title = "No document has this id"


class NoPageImage(IntakeError):
    code = "no_page_image"
    http_status = 404
    title = "The document has no image of this page"


class PageNotFound(IntakeError):
    code = "page_not_found"
    http_status = 404
    title = "The document has no such page"


class RangeOutsidePage(IntakeError):
    code = "range_outside_page"
    http_status = 422
    title = "The character range is not on this page"


class GeometryUnavailable(IntakeError):
    code = "geometry_unavailable"
    http_status = 503
    title = "Where the text sits on this page cannot be worked out here"
