"""Extraction settings (env prefix HANDOFF_); the defaults are the embedded offline engine."""

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ExtractionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HANDOFF_", extra="ignore")

    date_order: Literal["auto", "dmy", "mdy"] = Field(
        default="auto",
        description="how to read numeric dates such as 03/04/2026; auto infers it from the document",
    )
    dollar_currency: str = Field(
        default="USD",
        pattern=r"^[A-Z]{3}$",
        description="ISO code a bare '$' stands for when the document does not name its dollar",
    )
    sections: Literal["semantic", "headings"] = Field(
        default="semantic",
        description="semantic: also find sections by the meaning of their headings (MiniLM, offline); "
        "headings: by the words of their headings only",
    )
    total_ranker: Literal["learned", "rule"] = Field(
        default="learned",
        description="which amount is the total: learned (extraction/models/total-ranker-v1.json, trained on "
        "generated documents) or rule (hand-set weights)",
    )
    date_chooser: Literal["rules", "learned"] = Field(
        default="rules",
        description="which written date is the effective, start and end date: rules (labels, then the "
        "sentences that state them) or learned (extraction/models/date-chooser-v1.json; measured beside the "
        "rules in evals/results/date-chooser/, not yet better on every figure)",
    )
    confidence: Literal["calibrated", "raw"] = Field(
        default="calibrated",
        description="calibrated: each field's confidence is the probability that it is right "
        "(extraction/models/confidence-calibration-v1.json); raw: the strength of how it was found",
    )
