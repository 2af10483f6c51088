"""Training data files: what a learned part of the product is fitted on, written by whoever makes the data
(the evals' generators, reviewers' dispositions) and read by the training command of the stage it trains.

A file is JSON lines, gzip-compressed when its name ends in `.gz`: a header line
`{"format": "handoff-training-data", "kind": ..., "source": ...}`, then one item per line. `kind` names
what the items are (a file made for one model cannot train another); `source` says where they came from
and is copied into the model's training info.
"""

import gzip
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final, Generic, TypeVar, cast

from pydantic import TypeAdapter, ValidationError

from models.errors import HandoffError

FORMAT: Final = "handoff-training-data"
T = TypeVar("T")


class TrainingDataInvalid(HandoffError):
    code = "training_data_invalid"
    http_status = 422
    title = "The training data file is missing, of another kind, or malformed"


@dataclass(frozen=True)
class TrainingData(Generic[T]):
    kind: str
    source: str
    items: list[T]


@contextmanager
def _open(path: Path, mode: str, compressed: bool) -> Iterator[IO[str]]:
    if compressed:
        with gzip.open(path, f"{mode}t", encoding="utf-8") as unzipped:
            yield cast(IO[str], unzipped)
    else:
        with path.open(mode, encoding="utf-8") as plain:
            yield plain


def write_training_data(
    path: Path, kind: str, source: str, items: Iterable[T], adapter: TypeAdapter[T]
) -> int:
    """Write the items (one JSON line each) after the header; how many were written. Written whole or not
    at all: a file that is there is complete."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    count = 0
    with _open(partial, "w", path.suffix == ".gz") as out:
        out.write(json.dumps({"format": FORMAT, "kind": kind, "source": source}) + "\n")
        for item in items:
            out.write(adapter.dump_json(item).decode() + "\n")
            count += 1
    partial.replace(path)
    return count


def read_training_data(path: Path, kind: str, adapter: TypeAdapter[T]) -> TrainingData[T]:
    """The file's items; TrainingDataInvalid naming the line when it is not a training file of `kind`."""
    if not path.is_file():
        raise TrainingDataInvalid(f"{path}: no such file")
    try:
        with _open(path, "r", path.suffix == ".gz") as lines:
            header = _header(path, next(lines, ""), kind)
            items = []
            for number, line in enumerate(lines, start=2):
                try:
                    items.append(adapter.validate_json(line))
                except ValidationError as invalid:
                    raise TrainingDataInvalid(
                        f"{path}, line {number}: {invalid.errors()[0]['msg']}"
                    ) from None
    except (OSError, EOFError, UnicodeDecodeError) as unreadable:
        raise TrainingDataInvalid(f"{path}: unreadable ({unreadable})") from None
    if not items:
        raise TrainingDataInvalid(f"{path}: no items after the header")
    return TrainingData(kind, header["source"], items)


def _header(path: Path, line: str, kind: str) -> dict[str, str]:
    try:
        header = json.loads(line)
    except json.JSONDecodeError:
        header = None
    if (
        not isinstance(header, dict)
        or header.get("format") != FORMAT
        or not isinstance(header.get("source"), str)
    ):
        raise TrainingDataInvalid(
            f"{path}: not a training data file (its first line is not a {FORMAT} header)"
        )
    if header.get("kind") != kind:
        raise TrainingDataInvalid(f"{path}: holds {header.get('kind')!r} items, not {kind!r}")
    return header
