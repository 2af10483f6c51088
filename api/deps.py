"""Request-scoped dependencies: a database session and the shared storage."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from intake.settings import IntakeSettings
from intake.storage import Storage


def get_session(request: Request) -> Iterator[Session]:
    factory: sessionmaker[Session] = request.app.state.session_factory
    with factory() as session:
        yield session


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


def get_intake_settings(request: Request) -> IntakeSettings:
    settings: IntakeSettings = request.app.state.intake_settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
StorageDep = Annotated[Storage, Depends(get_storage)]
IntakeSettingsDep = Annotated[IntakeSettings, Depends(get_intake_settings)]
