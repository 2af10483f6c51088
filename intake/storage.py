"""Blob storage for original files and page images: a local folder or an S3 bucket shared by workers.

Keys are relative POSIX paths ("documents/ab/abcd…"). A missing key raises ObjectNotFound; any other
failure of the backend raises StorageError. Deleting a missing key is not an error.
"""

import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from intake.errors import ObjectNotFound, StorageError
from intake.settings import StorageSettings

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_S3_MISSING = {"NoSuchKey", "404", "NotFound"}


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


def check_key(key: str) -> str:
    """Refuse keys that could leave the storage root or that two backends would read differently."""
    if key.startswith("/") or "\\" in key or "\x00" in key:
        raise ValueError(f"invalid storage key {key!r}: expected a relative POSIX path")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"invalid storage key {key!r}: empty, '.' or '..' segment")
    return key


class LocalStorage:
    """Files under `root`. Writes are atomic: a reader sees the old object or the new one, never a part."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes) -> None:
        try:
            _write_atomically(self._path(key), data)
        except OSError as error:
            raise StorageError(f"cannot write {key}: {error}") from error

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as error:
            raise ObjectNotFound(f"no object {key}") from error
        except OSError as error:
            raise StorageError(f"cannot read {key}: {error}") from error

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        try:
            self._path(key).unlink(missing_ok=True)
        except OSError as error:
            raise StorageError(f"cannot delete {key}: {error}") from error


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


class S3Storage:
    """Objects in an S3-compatible bucket, under an optional key prefix."""

    def __init__(self, bucket: str, prefix: str, client: "S3Client") -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client

    def _object_key(self, key: str) -> str:
        check_key(key)
        return f"{self.prefix}/{key}" if self.prefix else key

    def put(self, key: str, data: bytes) -> None:
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._object_key(key), Body=data)
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"cannot write {key} to bucket {self.bucket}: {error}") from error

    def get(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._object_key(key))
            return response["Body"].read()
        except ClientError as error:
            if _error_code(error) in _S3_MISSING:
                raise ObjectNotFound(f"no object {key} in bucket {self.bucket}") from error
            raise StorageError(f"cannot read {key} from bucket {self.bucket}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"cannot read {key} from bucket {self.bucket}: {error}") from error

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._object_key(key))
        except ClientError as error:
            if _error_code(error) in _S3_MISSING:
                return False
            raise StorageError(f"cannot look up {key} in bucket {self.bucket}: {error}") from error
        except BotoCoreError as error:
            raise StorageError(f"cannot look up {key} in bucket {self.bucket}: {error}") from error
        return True

    def delete(self, key: str) -> None:
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self._object_key(key))
        except (BotoCoreError, ClientError) as error:
            raise StorageError(f"cannot delete {key} from bucket {self.bucket}: {error}") from error


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def make_storage(settings: StorageSettings) -> Storage:
    if settings.storage_backend == "local":
        return LocalStorage(settings.storage_dir)
    client = boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint_url,
        region_name=settings.s3_region,
        config=Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=60),
    )
    return S3Storage(settings.s3_bucket, settings.s3_prefix, client)
