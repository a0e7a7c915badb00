"""Parquet files (a `batch --format parquet` output, a collection saved from a dataframe) as
records, row group by row group, so a file of any size reads in bounded memory.

Each row becomes the JSON object string a JSONL line would be (column names lower-cased, dates
and other non-JSON values as text), so ``check`` and ``batch`` parse it with the same rules
as any record. Needs pyarrow (``pip install 'rumorlens[parquet]'``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ..errors import InputError

PARQUET_SUFFIX = ".parquet"
ROWS_PER_READ = 2048


def parquet_rows(source: Path | BinaryIO, has_article_column, where: str | None = None) -> Iterator[tuple[str, str] | InputError]:
    """``(file:row N, JSON object string)`` for every row, or one coded error for the file:
    RL041 without pyarrow, RL084 if it is not readable Parquet, RL080 if no column holds an
    article (``has_article_column`` decides, as for a CSV header). ``source`` may be an open
    binary file (an upload to the dashboard), then named by ``where``."""
    name = where or str(source)
    try:
        import pyarrow.parquet as pq
    except ImportError:
        yield InputError("RL041", name=f"{name}: reading Parquet", package="pyarrow", extra="parquet")
        return
    try:
        pf = pq.ParquetFile(source)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for a damaged file
        yield InputError("RL084", where=name, detail=f"{type(exc).__name__}: {exc}")
        return
    names = [n.lower() for n in pf.schema_arrow.names]
    if not has_article_column(names):
        yield InputError("RL080", where=name, columns=", ".join(names) or "none")
        return
    n = 0
    try:
        for batch in pf.iter_batches(batch_size=ROWS_PER_READ):
            for row in batch.to_pylist():
                n += 1
                record = {k.lower(): v for k, v in row.items()}
                yield f"{name}:row {n}", json.dumps(record, ensure_ascii=False, default=str)
    except Exception as exc:  # noqa: BLE001 - a damaged row group: the rows read before it stand
        yield InputError("RL084", where=f"{name}:row {n + 1}", detail=f"{type(exc).__name__}: {exc}")
