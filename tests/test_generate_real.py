"""Generated answers verified over the real index with the real embedding model: crafted model outputs whose
names, figures or roles are not in their quote, or whose quote does not bear on the question, never stand."""

from __future__ import annotations

import pytest

from service.chain import QuestionAnswerer
from tests.fakes import scripted_chat_model
from tests.test_generate import with_llm
from tests.test_llm_real import assert_citations_hold

pytestmark = pytest.mark.slow


NATO = "2023年にNATOに加盟した国はどこですか？"


@pytest.mark.parametrize(("crafted", "stands"), [
    ("フィンランドのNATO加盟が実現した[1]。", True),
    ("ノルウェーのNATO加盟が実現した[1]。", False),  # a country the quote does not name
    ("2024年にフィンランドのNATO加盟が実現した[1]。", False),  # a year the quote does not give
    ("Finland joined NATO in 2023 [1].", False),  # an English name cannot be checked against the Japanese quote
])
def test_crafted_outputs_over_the_real_index(real_answerer: QuestionAnswerer, crafted: str, stands: bool) -> None:
    answer = with_llm(real_answerer, scripted_chat_model(crafted)).ask(NATO).answer
    assert answer.answered_by.startswith("llm") is stands, answer
    if not stands:
        assert answer.unverified_claims, answer
    assert_citations_hold(real_answerer, answer)


def given_with(answerer: QuestionAnswerer, question: str, sentence: str) -> list:  # type: ignore[type-arg]
    """The passages retrieved for `question`, with the passage holding `sentence` given first."""
    retrieved = answerer.retriever.search(question, 5).passages
    holder = next(p for p in answerer.index.passages if sentence in p.text)
    first = type(retrieved[0])(passage=holder, score=1.0, dense_rank=None, bm25_rank=None)
    return [first, *[r for r in retrieved if r.passage.passage_id != holder.passage_id]]


def test_a_real_name_in_the_wrong_role_is_not_cited(real_answerer: QuestionAnswerer) -> None:
    question = "7月に吉川外務大臣政務官はトルクメニスタンで誰と会談しましたか？"
    sentence = "メレドフ副首相兼外相"
    generator = with_llm(real_answerer, scripted_chat_model()).generator
    given = given_with(real_answerer, question, sentence)
    fallback = real_answerer.ask(question).answer
    wrong = generator.verify("吉川外務大臣政務官はメレドフ首相と会談した[1]。", "ja", given, fallback,  # type: ignore[union-attr]
                             question=question)
    assert wrong.answered_by == "extractive" and wrong.unverified_claims
    right = generator.verify("吉川外務大臣政務官はメレドフ副首相兼外相と会談した[1]。", "ja", given,  # type: ignore[union-attr]
                             fallback, question=question)
    assert right.answered_by.startswith("llm") and sentence in right.citations[0].quote, right


def test_a_true_sentence_that_does_not_answer_is_not_cited(real_answerer: QuestionAnswerer) -> None:
    """The issue's case: a sentence about the 2024 election cited for "where did the plane crash?"."""
    question = "プリゴジン代表の搭乗機はどこに墜落しましたか？"
    sentence = "2024年大統領選挙への立候補を表明した"
    generator = with_llm(real_answerer, scripted_chat_model()).generator
    given = given_with(real_answerer, question, sentence)
    claim = "プーチン大統領は、12月、2024年大統領選挙への立候補を表明した[1]。"
    answer = generator.verify(claim, "ja", given, real_answerer.ask(question).answer,  # type: ignore[union-attr]
                              question=question)
    assert not answer.answered_by.startswith("llm") and answer.unverified_claims, answer
    asked = "プーチン大統領は2024年大統領選挙に立候補しますか？"
    about_it = generator.verify(claim, "ja", given_with(real_answerer, asked, sentence),  # type: ignore[union-attr]
                                real_answerer.ask(asked).answer, question=asked)
    assert about_it.answered_by.startswith("llm"), about_it
