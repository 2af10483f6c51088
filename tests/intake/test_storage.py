"""Storage backends, each against the real thing: a folder on disk and an S3 server on loopback."""

import socket
from collections.abc import Callable
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

from intake.errors import ObjectNotFound, StorageError
from intake.settings import StorageSettings
from intake.storage import LocalStorage, S3Storage, Storage, make_storage

KEY = "documents/ab/abcdef"
BINARY = bytes(range(256)) * 64


def test_put_then_get_returns_the_same_bytes(storage: Storage) -> None:
    storage.put(KEY, BINARY)

    assert storage.get(KEY) == BINARY


def test_put_replaces_an_existing_object(storage: Storage) -> None:
    storage.put(KEY, b"first")
    storage.put(KEY, b"second")

    assert storage.get(KEY) == b"second"


def test_exists_follows_put_and_delete(storage: Storage, storage_keys: Callable[[], set[str]]) -> None:
    assert not storage.exists(KEY)
    storage.put(KEY, b"x")
    assert storage.exists(KEY)
    assert storage_keys() == {KEY}

    storage.delete(KEY)

    assert not storage.exists(KEY)
    assert storage_keys() == set()


def test_deleting_a_missing_key_is_not_an_error(storage: Storage) -> None:
    storage.delete("documents/never/written")

    assert not storage.exists("documents/never/written")


def test_missing_key_raises_object_not_found(storage: Storage) -> None:
    with pytest.raises(ObjectNotFound) as raised:
        storage.get("documents/never/written")

    assert raised.value.code == "object_not_found"
    assert raised.value.http_status == 404
    assert isinstance(raised.value, StorageError)


@pytest.mark.parametrize(
    "key", ["../outside", "documents/../../outside", "/etc/passwd", "", "a//b", "a/./b", "a\\b"]
)
def test_keys_that_are_not_relative_posix_paths_are_refused(
    storage: Storage, storage_keys: Callable[[], set[str]], key: str
) -> None:
    with pytest.raises(ValueError, match="invalid storage key"):
        storage.put(key, b"x")
    with pytest.raises(ValueError, match="invalid storage key"):
        storage.get(key)

    assert storage_keys() == set()


def test_local_writes_leave_only_the_object(local_storage: LocalStorage) -> None:
    local_storage.put(KEY, BINARY)

    files = [path for path in local_storage.root.rglob("*") if path.is_file()]
    assert files == [local_storage.root / "documents" / "ab" / "abcdef"]


def test_local_failed_write_is_a_storage_error_and_leaves_no_temporary_file(
    local_storage: LocalStorage,
) -> None:
    local_storage.put("documents/inner", b"x")

    with pytest.raises(StorageError) as raised:
        local_storage.put("documents", b"a file where a folder is")

    assert not isinstance(raised.value, ObjectNotFound)
    assert sorted(path.name for path in local_storage.root.rglob("*")) == ["documents", "inner"]


def test_local_storage_under_a_file_is_a_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"")
    storage = LocalStorage(blocker)

    with pytest.raises(StorageError):
        storage.put(KEY, b"x")
    with pytest.raises(StorageError) as raised:
        storage.get(KEY)
    assert not isinstance(raised.value, ObjectNotFound)


def test_s3_objects_live_under_the_prefix(s3_storage: S3Storage) -> None:
    s3_storage.put(KEY, b"x")

    listed = s3_storage.client.list_objects_v2(Bucket=s3_storage.bucket)["Contents"]
    assert [item["Key"] for item in listed] == [f"handoff/{KEY}"]


def test_s3_missing_bucket_is_a_storage_error_not_a_missing_object(s3_storage: S3Storage) -> None:
    storage = S3Storage(bucket="handoff-no-such-bucket", prefix="", client=s3_storage.client)

    with pytest.raises(StorageError) as raised:
        storage.get(KEY)
    assert not isinstance(raised.value, ObjectNotFound)
    with pytest.raises(StorageError):
        storage.put(KEY, b"x")


def test_s3_unreachable_server_is_a_storage_error(s3_endpoint: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{closed_port}",
        region_name="us-east-1",
        config=Config(retries={"max_attempts": 1}, connect_timeout=2),
    )
    storage = S3Storage(bucket="handoff", prefix="", client=client)

    for operation in (lambda: storage.put(KEY, b"x"), lambda: storage.get(KEY), lambda: storage.exists(KEY)):
        with pytest.raises(StorageError):
            operation()


def test_make_storage_builds_a_local_storage_from_settings(tmp_path: Path) -> None:
    storage = make_storage(StorageSettings(storage_backend="local", storage_dir=tmp_path / "blobs"))

    storage.put(KEY, b"x")

    assert (tmp_path / "blobs" / "documents" / "ab" / "abcdef").read_bytes() == b"x"


def test_make_storage_builds_an_s3_storage_from_settings(s3_storage: S3Storage, s3_endpoint: str) -> None:
    settings = StorageSettings(
        storage_backend="s3", s3_bucket=s3_storage.bucket, s3_prefix="handoff/", s3_endpoint_url=s3_endpoint
    )

    make_storage(settings).put(KEY, b"from settings")

    assert s3_storage.get(KEY) == b"from settings"
