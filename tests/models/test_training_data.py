"""Training data files: written whole, read back the same, refused with the reason when they are not one."""

import gzip
from pathlib import Path

import pytest
from pydantic import BaseModel, TypeAdapter

from models.training_data import TrainingDataInvalid, read_training_data, write_training_data


class Item(BaseModel):
    name: str
    value: int


ITEM = TypeAdapter(Item)
ITEMS = [Item(name="a", value=1), Item(name="b", value=2)]


@pytest.mark.parametrize("name", ["data.jsonl", "data.jsonl.gz"])
def test_items_come_back_as_written_with_their_source(tmp_path: Path, name: str) -> None:
    path = tmp_path / "sub" / name
    assert write_training_data(path, "items", "seeds 1-2", ITEMS, ITEM) == 2
    read = read_training_data(path, "items", ITEM)
    assert read.items == ITEMS and read.source == "seeds 1-2" and read.kind == "items"
    assert [p.name for p in path.parent.iterdir()] == [name]  # no partial file left
    if name.endswith(".gz"):
        assert gzip.decompress(path.read_bytes()).startswith(b'{"format": "handoff-training-data"')


def test_a_file_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    write_training_data(path, "ranker-exceptions", "x", ITEMS, ITEM)
    with pytest.raises(TrainingDataInvalid, match="holds 'ranker-exceptions' items, not 'items'"):
        read_training_data(path, "items", ITEM)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not a training data file"),
        (b'{"a": 1}\n', "not a training data file"),
        (b'{"format": "handoff-training-data", "kind": "items", "source": "x"}\n', "no items"),
        (
            b'{"format": "handoff-training-data", "kind": "items", "source": "x"}\n'
            b'{"name": "a", "value": 1}\n{"name": "b"}\n',
            "line 3: Field required",
        ),
        (b"\xff\xfe\x00garbage", "unreadable"),
    ],
)
def test_a_malformed_file_is_refused_naming_why(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(content)
    with pytest.raises(TrainingDataInvalid, match=reason):
        read_training_data(path, "items", ITEM)


def test_a_corrupt_compressed_file_and_a_missing_one_are_refused(tmp_path: Path) -> None:
    corrupt = tmp_path / "data.jsonl.gz"
    corrupt.write_bytes(b"not gzip at all")
    with pytest.raises(TrainingDataInvalid, match="unreadable"):
        read_training_data(corrupt, "items", ITEM)
    with pytest.raises(TrainingDataInvalid, match="no such file"):
        read_training_data(tmp_path / "missing.jsonl", "items", ITEM)
