"""The token embedding table read from the weights file: same vectors as the table in memory, which is released;
a file that does not hold the loaded table leaves it in memory (a tiny model, no real weights)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from safetensors.torch import save_file

from index.token_table import TableRowsFromFile, find_table, read_table_from_file


class ScaledEmbedding(torch.nn.Embedding):
    """Like Gemma's table: rows multiplied by a scale in the model's precision."""

    def __init__(self, rows: int, width: int) -> None:
        super().__init__(rows, width, padding_idx=3)
        self.register_buffer("scale", torch.tensor(width ** 0.5), persistent=False)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return super().forward(input_ids) * self.scale.to(self.weight.dtype)


class TinyModel(torch.nn.Module):
    def __init__(self, rows: int = 300, width: int = 16) -> None:
        super().__init__()
        self.embed_tokens = ScaledEmbedding(rows, width)
        self.proj = torch.nn.Linear(width, 4)

    def get_input_embeddings(self) -> torch.nn.Module:
        return self.embed_tokens

    def set_input_embeddings(self, value: torch.nn.Module) -> None:
        self.embed_tokens = value

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.proj(self.embed_tokens(input_ids)).mean(dim=1)


def saved_model(folder: Path, dtype: torch.dtype, prefix: str = "") -> TinyModel:
    """A model saved in fp32 (as EmbeddingGemma ships) and loaded in `dtype`."""
    torch.manual_seed(0)
    model = TinyModel()
    folder.mkdir(parents=True, exist_ok=True)
    save_file({prefix + name: tensor.contiguous() for name, tensor in model.state_dict().items()},
              str(folder / "model.safetensors"))
    return model.to(dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_rows_from_the_file_give_the_same_outputs_and_the_table_is_released(tmp_path: Path,
                                                                           dtype: torch.dtype) -> None:
    model = saved_model(tmp_path, dtype, prefix="model.")
    ids = torch.tensor([[5, 17, 17, 299, 3, 0], [1, 2, 250, 3, 3, 3]])
    with torch.inference_mode():
        expected = model(ids)
    assert read_table_from_file(model, tmp_path)
    replacement = model.get_input_embeddings()
    assert isinstance(replacement, TableRowsFromFile)
    assert replacement.table.weight.numel() == 0, "the loaded copy of the table is released"
    with torch.inference_mode():
        assert torch.equal(model(ids), expected)
        assert model(ids).dtype == expected.dtype
    with pytest.raises(IndexError, match="outside the embedding table"):
        model(torch.tensor([[300]]))


def test_a_file_that_does_not_hold_the_loaded_table_leaves_it_in_memory(tmp_path: Path) -> None:
    model = saved_model(tmp_path, torch.float32)
    with torch.no_grad():
        # the model in memory is no longer what the file holds (in rows the check samples: the first and last)
        model.embed_tokens.weight[-1] += 1
    assert not read_table_from_file(model, tmp_path)
    assert isinstance(model.get_input_embeddings(), ScaledEmbedding)
    assert model.embed_tokens.weight.shape == (300, 16)
    assert not read_table_from_file(TinyModel(rows=100), tmp_path), "no tensor of that shape in the file"


def test_the_table_is_found_by_name_and_shape(tmp_path: Path) -> None:
    saved_model(tmp_path, torch.float32, prefix="encoder.")
    found = find_table(tmp_path, "embed_tokens", 300, 16)
    assert found is not None and found.name == "encoder.embed_tokens.weight" and found.dtype == "float32"
    assert find_table(tmp_path, "embed_tokens", 300, 8) is None
    assert find_table(tmp_path, "other", 300, 16) is None
    (tmp_path / "broken.safetensors").write_bytes(b"\xff" * 16)  # an unreadable file is skipped
    assert find_table(tmp_path, "embed_tokens", 300, 16) is not None
