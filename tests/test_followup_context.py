"""A follow-up that only points back at the conversation searches with more of it."""

from __future__ import annotations

import numpy as np
import pytest

from service.chain import QuestionAnswerer, Turn
from service.followup import only_points_back


@pytest.mark.parametrize(("question", "language", "points"), [
    ("そうなっているのはなぜ？", "ja", True),
    ("それはいつのことですか？", "ja", True),
    ("それに日本はどう対応した？", "ja", False),  # names its own topic: 日本, 対応
    ("首脳会談はいつ開かれた？", "ja", False),
    ("Why did that happen?", "en", False),  # English follow-ups keep the usual weight
])
def test_a_question_that_only_points_back_is_recognised(question: str, language: str, points: bool) -> None:
    assert only_points_back(question, language) is points


def test_the_conversation_weighs_more_in_the_search_of_a_question_that_only_points_back(
        tiny_answerer: QuestionAnswerer) -> None:
    history = [Turn("user", "日露間の漁業協議はどうなった？"), Turn("assistant", "協議はできないとの通知があった。")]
    qa = QuestionAnswerer(tiny_answerer.index, tiny_answerer.embedder, tiny_answerer.retriever,
                          tiny_answerer.answerer, context_weight=0.5, pointing_context_weight=0.8)
    context = " ".join(turn.content for turn in history)

    def expected(question: str, weight: float) -> np.ndarray:
        question_vector, context_vector = qa.embedder.embed_query_vectors([question, context])
        combined = question_vector + weight * context_vector
        return combined / np.linalg.norm(combined)

    pointing = qa.prepare("それはなぜ？", history, 5).result.query_vector
    assert np.allclose(pointing, expected("それはなぜ？", 0.8), atol=1e-5)
    naming = qa.prepare("漁業協議の相手はどこ？", history, 5).result.query_vector
    assert np.allclose(naming, expected("漁業協議の相手はどこ？", 0.5), atol=1e-5)
