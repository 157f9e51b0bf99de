"""A model's token embedding table read from its weights file row by row, instead of held in memory.

EmbeddingGemma's table is 262,144 tokens x 768: 384 MB in bf16, two thirds of the model, of which a question uses
a few dozen rows. `TableRowsFromFile` stands in for the table module: each call reads the rows its tokens need with
`os.pread` (from the page cache once the file has been read; a read maps nothing into the process, so unlike a
memory map the rows read do not stay resident) and runs the original module on them, so its own arithmetic (such
as Gemma's embedding scale, in the model's precision) is unchanged and the vectors are bit-identical.
"""

from __future__ import annotations

import json
import logging
import os
import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

logger = logging.getLogger("bluebook_qa")

SAFETENSORS_DTYPES = {"F32": "float32", "F16": "float16", "BF16": "bfloat16"}
# Rows (spread over the table, first and last included) compared with the loaded table before it is released: a
# wrong offset, precision or tensor is never used. The model was loaded from this very file a moment before, so
# a sample suffices; reading all 800 MB again would add about a second to start-up.
CHECK_ROWS = 64


@dataclass(frozen=True)
class TensorInFile:
    """Where a 2-D tensor's rows lie in a safetensors file."""

    path: Path
    name: str
    offset: int  # of row 0, from the start of the file
    rows: int
    width: int
    dtype: str  # a torch dtype name

    @property
    def row_bytes(self) -> int:
        return self.width * {"float32": 4, "float16": 2, "bfloat16": 2}[self.dtype]


def safetensors_header(path: Path) -> tuple[dict[str, Any], int]:
    """The header of a safetensors file and where its data starts."""
    with path.open("rb") as file:
        (length,) = struct.unpack("<Q", file.read(8))
        if length > 100_000_000:
            raise ValueError(f"{path} has an implausible safetensors header length {length}")
        return json.loads(file.read(length)), 8 + length


def find_table(folder: Path, module_name: str, rows: int, width: int) -> TensorInFile | None:
    """The tensor `<...>.<module_name>.weight` of shape (rows, width) in the safetensors files of `folder`."""
    wanted = f"{module_name}.weight"
    for path in sorted(folder.glob("*.safetensors")):
        try:
            header, data_start = safetensors_header(path)
        except (OSError, ValueError, struct.error):
            continue
        for name, entry in header.items():
            if name == "__metadata__" or not (name == wanted or name.endswith("." + wanted)):
                continue
            if entry.get("shape") != [rows, width] or entry.get("dtype") not in SAFETENSORS_DTYPES:
                continue
            return TensorInFile(path=path, name=name, offset=data_start + int(entry["data_offsets"][0]), rows=rows,
                                width=width, dtype=SAFETENSORS_DTYPES[entry["dtype"]])
    return None


class TableRowsFromFile(torch.nn.Module):
    """Stands in for an embedding module (`torch.nn.Embedding` or a subclass): reads the rows a batch needs from
    the weights file and runs the original module's forward on just those rows."""

    def __init__(self, table: torch.nn.Embedding, source: TensorInFile) -> None:
        super().__init__()
        self.table = table
        self.source = source
        self.dtype = table.weight.dtype
        self.num_embeddings = source.rows
        self.embedding_dim = source.width
        self._source_dtype = getattr(torch, source.dtype)
        self._empty = torch.nn.Parameter(torch.empty((0, source.width), dtype=self.dtype), requires_grad=False)
        self._descriptor = os.open(source.path, os.O_RDONLY)
        self._lock = threading.Lock()  # the original module's weight is swapped for each call

    def rows(self, ids: list[int]) -> torch.Tensor:
        """The table's rows `ids`, in the model's precision (converted as loading the model converts them)."""
        size = self.source.row_bytes
        buffer = bytearray(size * len(ids))
        for position, token in enumerate(ids):
            if not 0 <= token < self.source.rows:
                raise IndexError(f"token id {token} is outside the embedding table of {self.source.rows} rows")
            row = os.pread(self._descriptor, size, self.source.offset + token * size)
            if len(row) != size:
                raise OSError(f"{self.source.path} ended inside row {token} of {self.source.name}")
            buffer[position * size:(position + 1) * size] = row
        if not ids:
            return torch.empty((0, self.source.width), dtype=self.dtype)
        rows = torch.frombuffer(buffer, dtype=self._source_dtype).view(len(ids), self.source.width)
        return rows.to(self.dtype)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        unique, positions = torch.unique(input_ids, return_inverse=True)
        weight = torch.nn.Parameter(self.rows(unique.tolist()), requires_grad=False)
        with self._lock:
            padding_idx, loaded = self.table.padding_idx, self.table.weight
            self.table.weight = weight
            # padding_idx only keeps a row out of gradients (none here); it would index the original table
            self.table.padding_idx = None
            try:
                return self.table(positions)
            finally:
                self.table.weight = loaded
                self.table.padding_idx = padding_idx

    def close(self) -> None:
        os.close(self._descriptor)


def read_table_from_file(model: Any, folder: Path) -> bool:
    """Replace the token embedding table of the transformers `model` (loaded from `folder`) with one read from its
    weights file, releasing the loaded copy. Returns False, keeping the table in memory, when the file does not
    hold the loaded table exactly (another layout, a converted or changed file)."""
    table = model.get_input_embeddings()
    if not isinstance(table, torch.nn.Embedding) or table.weight.dim() != 2:
        return False
    names = [name for name, module in model.named_modules() if module is table]
    if not names:
        return False
    rows, width = table.weight.shape
    source = find_table(folder, names[0], rows, width)
    if source is None:
        logger.info("the token embedding table stays in memory: no safetensors tensor of shape %s in %s",
                    (rows, width), folder)
        return False
    replacement = TableRowsFromFile(table, source)
    step = max(1, rows // CHECK_ROWS)
    sample = sorted({*range(0, rows, step), rows - 1})
    probe = torch.tensor([sample[:8], sample[-8:]])
    with torch.inference_mode():
        expected = table(probe)
        same = (torch.equal(replacement.rows(sample), table.weight[sample])
                and torch.equal(replacement(probe), expected))
    if not same:
        replacement.close()
        logger.warning("the token embedding table stays in memory: %s does not hold it as loaded", source.path)
        return False
    table.weight = replacement._empty  # the loaded copy is freed; rows come from the file from now on
    model.set_input_embeddings(replacement)
    return True

