"""The optional cross-encoder reranker: a tiny CrossEncoder built here from a config (nothing downloaded), the
order it gives, loading errors, and concurrent use."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from index.errors import ModelError
from index.rerank import CrossEncoderReranker, RerankingRetriever
from service.chain import QuestionAnswerer
from service.config import Settings
from service.loading import build_retriever, load_question_answerer, load_reranker

QUESTION = "2023年の日露間の貿易はどれくらい減少した？"


@pytest.fixture(scope="module")
def tiny_cross_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A one-layer BERT cross-encoder with a character vocabulary, saved as sentence-transformers loads it."""
    import torch
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    from tests.conftest import FIXTURES

    folder = tmp_path_factory.mktemp("reranker") / "tiny-cross-encoder"
    folder.mkdir()
    text = (FIXTURES / "corpus" / "mini-chapter.txt").read_text(encoding="utf-8") + QUESTION
    vocabulary = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + sorted({ch for ch in text if not ch.isspace()})
    (folder / "vocab.txt").write_text("\n".join(vocabulary) + "\n", encoding="utf-8")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=False).save_pretrained(folder)
    torch.manual_seed(7)
    config = BertConfig(vocab_size=len(vocabulary), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=32, max_position_embeddings=256, num_labels=1,
                        initializer_range=0.5)  # wide weights: passages get clearly different scores
    BertForSequenceClassification(config).save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def reranker(tiny_cross_encoder: Path) -> CrossEncoderReranker:
    return CrossEncoderReranker(tiny_cross_encoder)


def test_the_cross_encoder_orders_the_first_candidates(tiny_answerer: QuestionAnswerer,
                                                      reranker: CrossEncoderReranker) -> None:
    base = tiny_answerer.retriever
    candidates = base.search(QUESTION, 6).passages
    retriever = RerankingRetriever(base.index, base.embedder, reranker, top_n=4)
    reranked = retriever.search(QUESTION, 6).passages
    scores = reranker.score(QUESTION, [item.passage.text for item in candidates[:4]])
    assert len(set(scores)) == len(scores)  # the tiny model tells them apart
    expected = sorted(range(4), key=lambda i: -scores[i])
    assert [r.passage.passage_id for r in reranked[:4]] == [candidates[i].passage.passage_id for i in expected]
    assert [r.score for r in reranked[:4]] == sorted(scores, reverse=True)
    assert reranked[4:] == candidates[4:]  # beyond top_n, retrieval order stands
    assert len(retriever.search(QUESTION, 2).passages) == 2


def test_a_reranker_sees_top_n_candidates_even_for_a_small_top_k(tiny_answerer: QuestionAnswerer) -> None:
    class LongestFirst:
        def __init__(self) -> None:
            self.seen = 0

        def score(self, question: str, texts: list[str]) -> list[float]:
            self.seen = len(texts)
            return [float(len(t)) for t in texts]

    scorer = LongestFirst()
    base = tiny_answerer.retriever
    retriever = RerankingRetriever(base.index, base.embedder, scorer, top_n=5)
    top = retriever.search(QUESTION, 1).passages
    assert scorer.seen == min(5, len(base.index.passages))
    assert top[0].passage.text == max((r.passage.text for r in base.search(QUESTION, 5).passages), key=len)
    with pytest.raises(ValueError, match="top_n must be >= 1, got 0"):
        RerankingRetriever(base.index, base.embedder, scorer, top_n=0)


def test_concurrent_searches_get_the_serial_results(tiny_answerer: QuestionAnswerer,
                                                   reranker: CrossEncoderReranker) -> None:
    base = tiny_answerer.retriever
    retriever = RerankingRetriever(base.index, base.embedder, reranker, top_n=5)
    questions = [QUESTION, "サハリン2の権益は？", "NATOに加盟した国は？", "漁業協議はどうなった？"] * 6
    serial = [[r.passage.passage_id for r in retriever.search(q, 3).passages] for q in questions]
    with ThreadPoolExecutor(max_workers=8) as pool:
        parallel = list(pool.map(lambda q: [r.passage.passage_id for r in retriever.search(q, 3).passages],
                                 questions))
    assert parallel == serial


def test_reranking_is_off_by_default_and_loaded_from_settings(tiny_answerer: QuestionAnswerer,
                                                              tiny_cross_encoder: Path, tmp_path: Path) -> None:
    assert Settings().reranker_model is None and load_reranker(Settings()) is None
    settings = Settings(reranker_model=tiny_cross_encoder, reranker_top_n=3)
    retriever = build_retriever(settings, tiny_answerer.index, tiny_answerer.embedder, load_reranker(settings))
    assert isinstance(retriever, RerankingRetriever) and retriever.top_n == 3


def test_a_missing_or_broken_reranker_folder_is_a_clear_error(tiny_index_dir: Path, tiny_cross_encoder: Path,
                                                             tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(ModelError, match="reranker model folder .*no-such-model does not exist"):
        # fails before the embedding model is loaded: the index exists, the reranker does not
        load_question_answerer(Settings(index_dir=tiny_index_dir, reranker_model=missing))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ModelError, match="has no config.json"):
        CrossEncoderReranker(empty)
    broken = tmp_path / "broken"
    broken.mkdir()
    for item in tiny_cross_encoder.iterdir():
        (broken / item.name).write_bytes(item.read_bytes())
    (broken / "model.safetensors").write_bytes(b"not weights")
    with pytest.raises(ModelError, match="cannot load the reranker model from .*broken"):
        CrossEncoderReranker(broken)
