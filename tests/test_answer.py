"""The extractive answerer: citation verification and abstention, on the tiny index."""

from __future__ import annotations

import dataclasses

from service.answer import ABSTAIN_MESSAGES, Citation, compose_answer, verify_citation
from service.chain import QuestionAnswerer, Turn, retrieval_query


def test_every_returned_quote_is_verbatim_in_its_passage(tiny_answerer: QuestionAnswerer) -> None:
    for question in ["フィンランドのNATO加盟", "サハリン2の権益", "日本からロシアへの輸出額", "漁業協議の通知"]:
        answer = tiny_answerer.ask(question).answer
        assert not answer.abstained, question
        for citation in answer.citations:
            assert verify_citation(tiny_answerer.index, citation)
            document = tiny_answerer.index.documents[citation.doc_id]
            assert document.text[citation.start:citation.end] == citation.quote


def test_joined_sentence_is_quoted_whole(tiny_answerer: QuestionAnswerer) -> None:
    answer = tiny_answerer.ask("日本からロシアへの輸出額はどうなった？").answer
    assert any("輸出額も減少した。" in c.quote for c in answer.citations)


def test_a_tampered_citation_fails_verification(tiny_answerer: QuestionAnswerer) -> None:
    answer = tiny_answerer.ask("サハリン2の権益").answer
    good = answer.citations[0]
    index = tiny_answerer.index
    assert not verify_citation(index, dataclasses.replace(good, quote=good.quote + "と発表した"))
    assert not verify_citation(index, dataclasses.replace(good, start=good.start + 1))
    assert not verify_citation(index, dataclasses.replace(good, passage_id="missing"))
    assert not verify_citation(index, dataclasses.replace(good, quote=""))


def test_abstains_when_the_question_is_about_something_absent(tiny_answerer: QuestionAnswerer) -> None:
    answer = tiny_answerer.ask("ブラジルのサッカー代表監督の年俸はいくらですか？").answer
    assert answer.abstained
    assert answer.answer == ABSTAIN_MESSAGES["ja"]
    assert answer.citations == []


def test_abstains_when_a_figure_is_asked_and_none_is_given(tiny_answerer: QuestionAnswerer) -> None:
    answer = tiny_answerer.ask("サハリン2の権益の金額はいくらですか？").answer
    assert answer.abstained


def test_english_question_gets_an_english_frame() -> None:
    citation = Citation(1, "d", "t", ("1 概観",), "d:p000", "フィンランドのNATO加盟が実現した。", 0, 10)
    text = compose_answer("en", [citation])
    assert text.startswith("The documents say") and "[1]" in text
    assert compose_answer("ja", [citation]) == "フィンランドのNATO加盟が実現した。[1]"


def test_retrieval_query_keeps_the_previous_question() -> None:
    history = [Turn("user", "日露間の貿易について"), Turn("assistant", "44.3%減少しました。")]
    assert retrieval_query("輸出額は？", history) == "日露間の貿易について 輸出額は？"
    assert retrieval_query("輸出額は？", []) == "輸出額は？"


def test_question_focus_wants_the_kind_of_thing_asked_for() -> None:
    from service.answer import unanswered_focus

    assert unanswered_focus("ミルジョーエフ大統領の得票率は何％？", ["ミルジョーエフ大統領が2回目の再選を果たした。"])
    assert unanswered_focus("墜落したのは8月の何日ですか？", ["8月、航空機が墜落し、全員の死亡が伝えられた。"])
    assert unanswered_focus("アルメニアの首相の名前は？", ["大統領府とアルメニア首相府が声明を発出した。"])
    assert unanswered_focus("ワグネルの代表は誰？", ["プリゴジン「ワグネル」代表及び幹部が搭乗していた。"]) is None
    assert unanswered_focus("イメージキャラクターを作ったのは誰？", ["漫画家の森薫氏により作成された。"]) is None
    defence = ["2024年予算では、国防費は前年比1.7倍（GDP比6%）を計上し"]
    assert unanswered_focus("2024年予算で国防費はGDP比何％？", defence) is None


def test_a_figure_for_another_year_does_not_answer() -> None:
    from service.answer import unanswered_focus

    sentences = ["2022年の実質GDP成長率は1.2%減となった。", "実質GDP成長率は2023年4月から6月期以降プラスに転じた。"]
    assert unanswered_focus("ロシアの2023年の実質GDP成長率は何％でしたか？", sentences)
    assert unanswered_focus("ロシアの2022年の実質GDP成長率は何％でしたか？", sentences) is None


def test_kanji_numerals_count_as_numbers() -> None:
    from service.answer import gives_new_number

    assert gives_new_number("交流の歴史はどのくらい前に遡る？", ["交流の歴史は千年以上前に遡ります。"])
    assert not gives_new_number("サハリン2の権益はいくら？", ["サハリン2の権益を維持する。"])
