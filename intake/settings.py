"""Intake settings (env prefix HANDOFF_); defaults are the embedded setup."""

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

MB = 1024 * 1024


class IntakeSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    max_file_mb: float = Field(default=50, gt=0, description="uploads above this size are refused")
    max_pages: int = Field(default=500, gt=0, description="documents above this page count are refused")
    max_inflated_mb: float = Field(
        default=512, gt=0, description="a PDF whose streams inflate beyond this is a decompression bomb"
    )
    ocr_enabled: bool = True
    ocr_dpi: int = Field(default=300, ge=200, le=600)
    ocr_lang: str = "eng"
    ocr_workers: int = Field(default=0, ge=0, description="parallel tesseract processes; 0 = one per core")
    ocr_min_chars: int = Field(
        default=24, ge=0, description="a page with an image and fewer text characters than this is OCR'd"
    )
    ocr_timeout_s: float = Field(default=120, gt=0, description="per page")
    tesseract_cmd: str = "tesseract"
    page_image_dpi: int = Field(default=110, ge=50, le=300, description="PNG page images for the review UI")

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * MB)

    @property
    def max_inflated_bytes(self) -> int:
        return int(self.max_inflated_mb * MB)


class StorageSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    storage_backend: Literal["local", "s3"] = "local"
    storage_dir: Path = Path("var/storage")
    s3_bucket: str = "handoff"
    s3_prefix: str = ""
    s3_endpoint_url: str | None = None
    s3_region: str = "us-east-1"
