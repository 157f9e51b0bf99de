"""The extractive answerer: citation verification and abstention, on the tiny index."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from index.build import build_index
from index.chunk import ChunkingParams
from index.retrieve import HybridRetriever
from index.store import SearchIndex, load_index
from service.answer import (
    ABSTAIN_MESSAGES,
    Answer,
    AnswerParams,
    Citation,
    ExtractiveAnswerer,
    SpanFinder,
    compose_answer,
    verify_citation,
)
from service.answer_types import AnswerType, classify_question
from service.chain import QuestionAnswerer, Turn, retrieval_query
from tests.fakes import HashingEmbedder


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


def _missing(question: str, sentences: list[str]) -> bool:
    """True when no sentence holds a span of what `question` asks for (typed abstention's test)."""
    from service.answer import SpanFinder
    from service.answer_types import classify_question

    finder = SpanFinder(question, classify_question(question, "ja"), "ja")
    return all(finder.best_span(s, finder.question_type.answer_type) is None for s in sentences)


def test_typed_abstention_wants_the_kind_of_thing_asked_for() -> None:
    assert _missing("ミルジョーエフ大統領の得票率は何％？", ["ミルジョーエフ大統領が2回目の再選を果たした。"])
    assert _missing("墜落したのは8月の何日ですか？", ["8月、航空機が墜落し、全員の死亡が伝えられた。"])
    assert _missing("アルメニアの首相は誰？", ["大統領府とアルメニア首相府が声明を発出した。"])
    assert _missing("どこに墜落した？", ["8月、プリゴジン代表が搭乗していたとされる航空機が墜落した。"])
    assert _missing("投票日はいつ？", ["大統領選挙ではミルジョーエフ大統領が再選を果たした。"])
    assert not _missing("ワグネルの代表は誰？", ["プリゴジン「ワグネル」代表及び幹部が搭乗していた。"])
    assert not _missing("イメージキャラクターを作ったのは誰？", ["漫画家の森薫氏により作成された。"])
    defence = ["2024年予算では、国防費は前年比1.7倍（GDP比6%）を計上し"]
    assert not _missing("2024年予算で国防費はGDP比何％？", defence)


def test_a_figure_for_another_year_does_not_answer() -> None:
    sentences = ["2022年の実質GDP成長率は1.2%減となった。", "実質GDP成長率は2023年4月から6月期以降プラスに転じた。"]
    assert _missing("ロシアの2023年の実質GDP成長率は何％でしたか？", sentences)
    assert not _missing("ロシアの2022年の実質GDP成長率は何％でしたか？", sentences)


def test_kanji_numerals_count_as_numbers() -> None:
    assert not _missing("交流の歴史はどのくらい前に遡る？", ["交流の歴史は千年以上前に遡ります。"])
    assert _missing("サハリン2の権益はいくら？", ["サハリン2の権益を維持する。"])


def test_a_typed_answer_leads_with_its_short_answer(tiny_answerer: QuestionAnswerer) -> None:
    answer = tiny_answerer.ask("2023年にNATOに加盟した国はどこ？").answer
    assert not answer.abstained
    assert answer.short_answer == "フィンランド"
    assert answer.answer_type == "place"
    assert answer.answer.startswith("フィンランドです。「")
    assert any(answer.short_answer in c.quote for c in answer.citations)


def test_a_descriptive_question_has_no_short_answer(tiny_answerer: QuestionAnswerer) -> None:
    answer = tiny_answerer.ask("日本からロシアへの輸出額はどうなった？").answer
    assert not answer.abstained
    assert answer.short_answer is None


def test_english_answer_leads_with_the_japanese_span() -> None:
    citation = Citation(1, "d", "t", ("1 概観",), "d:p000", "フィンランドのNATO加盟が実現した。", 0, 10)
    text = compose_answer("en", [citation], "フィンランド")
    assert text.startswith("フィンランド (quoted from the Japanese text")
    expected = "フィンランドです。「フィンランドのNATO加盟が実現した。」[1]"
    assert compose_answer("ja", [citation], "フィンランド") == expected


def test_yes_no_answers_are_not_called_quotes() -> None:
    citation = Citation(1, "d", "t", ("1 概観",), "d:p000", "ベラルーシは参戦はしていない。", 0, 10)
    assert compose_answer("ja", [citation], "いいえ") == "いいえ。「ベラルーシは参戦はしていない。」[1]"
    assert compose_answer("en", [citation], "No").startswith("No. The documents say (quoted in the original Japanese)")


def test_a_sentence_stating_another_figure_of_the_kind_asked_about_does_not_answer(
        tiny_answerer: QuestionAnswerer) -> None:
    stated = tiny_answerer.ask("日露間の貿易が対前年比で44.3%減ったのは何年ですか？").answer
    assert not stated.abstained and "44.3%" in stated.citations[0].quote
    other = tiny_answerer.ask("日露間の貿易が対前年比で12.5%減ったのは何年ですか？").answer
    assert other.abstained
    described = tiny_answerer.ask("対前年比で12.5%減少したのは何ですか？").answer
    assert all("44.3%" not in c.quote for c in described.citations)


def test_a_question_also_asking_why_is_answered_when_the_person_asked_is_not_named(
        tiny_answerer: QuestionAnswerer) -> None:
    # 誰 and なぜ: no sentence names a person, but the sentence saying why still answers the question.
    answer = tiny_answerer.ask("誰がなぜ協議はできないと通知してきたのですか？").answer
    assert not answer.abstained
    assert "通知があった" in answer.citations[0].quote


def test_a_figure_answers_only_where_the_sentence_names_what_it_measures(tiny_answerer: QuestionAnswerer) -> None:
    # 44.3% measures the trade's fall, not a tariff rate: the sentence never names 関税率.
    assert tiny_answerer.ask("日露間の関税率は何％でしたか？").answer.abstained
    answered = tiny_answerer.ask("日露間の貿易は対前年比で何％減少しましたか？").answer
    assert not answered.abstained and answered.short_answer == "44.3%"


def test_a_question_for_an_organisation_is_not_answered_by_a_sentence_naming_none(
        tiny_answerer: QuestionAnswerer) -> None:
    assert tiny_answerer.ask("サハリン2の権益を管理しているのはどの組織ですか？").answer.abstained
    named = tiny_answerer.ask("フィンランドが加盟したのはどの機構ですか？").answer
    assert not named.abstained and named.short_answer == "NATO"


def test_a_yes_no_answer_takes_the_polarity_of_the_sentence_that_says_what_was_asked() -> None:
    from service.answer import ScoredSentence, deciding_sentence, is_negative

    scene = ScoredSentence(1, None, None, "3月には大規模な抗議行動が首都で発生した。", 0.6, 0.3, 0.8)  # type: ignore[arg-type]
    verdict = ScoredSentence(1, None, None, "ただし、政権の安定が揺らぐ動きは見られなかった。", 0.5, 0.7, 0.75)  # type: ignore[arg-type]
    assert deciding_sentence([scene, verdict], scene) is verdict
    assert is_negative(deciding_sentence([scene, verdict], scene).text)
    assert deciding_sentence([scene], scene) is scene


def test_a_name_asked_for_in_so_many_words_is_not_answered_by_a_sentence_naming_none(
        tiny_answerer: QuestionAnswerer) -> None:
    # The sentence says a policy is kept, not what it is called.
    assert tiny_answerer.ask("エネルギー分野で日本がとっている方針は何という名前ですか？").answer.abstained
    described = tiny_answerer.ask("エネルギー分野で日本がとっている方針はどのようなものですか？").answer
    assert not described.abstained and "サハリン2" in described.citations[0].quote


def test_a_list_of_a_strict_kind_with_no_item_in_any_sentence_close_to_the_best_abstains(
        tiny_answerer: QuestionAnswerer) -> None:
    nothing = tiny_answerer.ask("サハリン2の権益を持つ企業の本社がある都市を全て挙げてください。").answer
    assert nothing.abstained and "list of place" in (nothing.abstain_reason or "")
    listed = tiny_answerer.ask("NATOに加盟した国を全て挙げてください。").answer
    assert not listed.abstained and "フィンランド" in (listed.short_answer or "")


def test_a_list_of_the_names_of_a_kind_lists_things_of_that_kind(tiny_answerer: QuestionAnswerer) -> None:
    asked = classify_question("調印に加わった国名を全部挙げて。", "ja")
    assert (asked.head, asked.parts) == ("国名", (AnswerType.PLACE,))
    listed = tiny_answerer.ask("NATOに加盟した国名を全て挙げてください。").answer
    assert not listed.abstained and "フィンランド" in (listed.short_answer or "")


def test_a_passage_that_never_names_the_country_asked_about_does_not_answer(tiny_answerer: QuestionAnswerer) -> None:
    assert not tiny_answerer.ask("フィンランドのNATO加盟はどうなった？").answer.abstained
    assert tiny_answerer.ask("ノルウェーのNATO加盟はどうなった？").answer.abstained
    # abbreviated in compounds (日露間, 露独) the country is still named
    assert not tiny_answerer.ask("ロシアと日本の貿易は前年からどれだけ減った？").answer.abstained


def test_a_question_for_a_reason_is_not_answered_by_a_sentence_giving_none(tiny_answerer: QuestionAnswerer) -> None:
    assert not tiny_answerer.ask("サハリン2の権益はどうする方針？").answer.abstained
    # the sentence says what is done, not why
    answer = tiny_answerer.ask("サハリン2の権益を維持するのはなぜ？").answer
    assert answer.abstained and "reason" in (answer.abstain_reason or "")


def test_reason_markers_are_the_causal_connectives() -> None:
    from service.answer import REASON_ASKED, REASON_MARKER

    assert REASON_ASKED.search("Why did Peru leave the forum?") and REASON_ASKED.search("撤退の理由は？")
    assert REASON_MARKER.search("安定供給を確保する観点から、権益を維持する。")
    assert REASON_MARKER.search("情勢を緊迫化させるものであるとして、これを非難した。")
    assert not REASON_MARKER.search("3月、両国は協定に署名した。")
    assert not REASON_MARKER.search("首脳協議で表明されたもので、輸出拡大の弾みとなった。")  # もので: a thing that
    assert not REASON_MARKER.search("撤回したことが明らかになり、日本は深刻な懸念を表明した。")  # a reaction


def test_a_question_for_what_was_said_needs_a_sentence_that_says_it() -> None:
    from service.answer import CONTENT_ASKED, CONTENT_MARKER

    assert CONTENT_ASKED.search("ペルー首相との会談では何を話し合ったの？")
    assert CONTENT_ASKED.search("What did the minister say about the Middle East?")
    assert not CONTENT_ASKED.search("What did the chapter say had appeared in relations with Peru?")  # the text says
    assert not CONTENT_MARKER.search("7月の定期首脳協議の機会に総理大臣がロペス首相と会談を行った。")  # only held
    assert CONTENT_MARKER.search("両外相は中東情勢について意見交換を行った。")
    assert CONTENT_MARKER.search("両首脳は協力を強化することで一致した。")


def test_what_kind_of_words_asks_for_a_description() -> None:
    assert classify_question("ロペス外相は日本をどんな言葉で表現した？", "ja").answer_type == AnswerType.DESCRIPTION
    assert classify_question("外相会談ではどういう話をしたんですか", "ja").answer_type == AnswerType.DESCRIPTION
    assert classify_question("両首脳の会談では何が話し合われた？", "ja").answer_type == AnswerType.DESCRIPTION


def test_the_genre_glossary_reads_common_english_verbs_of_diplomacy() -> None:
    from service.answer import english_glossed

    glossed = dict(english_glossed("When was the third round hosted, and who attended?"))
    assert "開催" in glossed["hosted"] and "出席" in glossed["attended"]


def test_a_sentence_continuing_the_one_before_borrows_its_span() -> None:
    from service.answer import POINTING_BACK_OPENER

    assert POINTING_BACK_OPENER.match("このうち、ロペス大統領は初の訪日となり、首脳会談を行った。")
    assert not POINTING_BACK_OPENER.match("その後、医療チームを順次派遣した。")  # another event follows


def _one_chapter_index(tmp_path: Path, embedder: HashingEmbedder,
                       chapter: str) -> tuple[SearchIndex, HybridRetriever]:
    """An index of one chapter written by the test, and its retriever."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "chapter.txt").write_text(chapter, encoding="utf-8")
    build_index(corpus, tmp_path / "index", embedder, ChunkingParams(target_chars=400, overlap_sentences=0))
    index = load_index(tmp_path / "index", embedding_model=embedder.model_id,
                       embedding_fingerprint=embedder.fingerprint)
    return index, HybridRetriever(index, embedder)


def _asker(tmp_path: Path, embedder: HashingEmbedder, chapter: str, language: str = "ja") -> Callable[[str], Answer]:
    """Asks questions of one chapter written by the test, with every close sentence a candidate."""
    index, retriever = _one_chapter_index(tmp_path, embedder, chapter)
    answerer = ExtractiveAnswerer(index, AnswerParams(min_similarity=0.0, typed_margin=1.0))

    def ask(question: str) -> Answer:
        result = retriever.search(question, top_k=3)
        return answerer.answer(question, language, result.query_vector, result.passages)

    return ask


def test_a_sentence_pointing_back_at_the_one_before_continues_it(tmp_path: Path,
                                                                 fake_embedder: HashingEmbedder) -> None:
    index, retriever = _one_chapter_index(tmp_path, fake_embedder, (
        "2\n\n大洋州\n\n1 概観\n\n"
        "同日、日米豪印の首脳会合が広島で開催された。同会合は当初、シドニーで開催される予定であった。"
        "また、外相会合も開催された。同会合はオンラインで行われた。\n"))
    question = "首脳会合はもともとどこで開催される予定だった？"
    result = retriever.search(question, top_k=3)
    answerer = ExtractiveAnswerer(index, AnswerParams(min_similarity=0.0))
    scored = answerer.score_sentences([], result.query_vector, result.passages, [], "")
    finder = SpanFinder(question, classify_question(question, "ja"), "ja")
    by_text = {s.text: s for s in scored}
    held = by_text["同日、日米豪印の首脳会合が広島で開催された。"]
    following, span = answerer._continuation(held, scored, finder)
    assert following.text.startswith("同会合は当初") and span is not None and span.text == "シドニー"
    # a sentence that does not point back, or is not the next one, continues nothing
    assert answerer._continuation(by_text["同会合は当初、シドニーで開催される予定であった。"], scored, finder) is None


def test_a_sentence_opening_on_the_acronym_the_one_before_glosses_continues_it(tmp_path: Path,
                                                                               fake_embedder: HashingEmbedder) -> None:
    index, retriever = _one_chapter_index(tmp_path, fake_embedder, (
        "2\n\n欧州\n\n1 概観\n\n"
        "12月14日には、東京で3か国の防衛大臣が計画の運営を担う政府間機関（GIGO）を設立する条約に署名した。"
        "GIGOの本部は英国に置かれ、初代の首席行政官には日本人が就任することとされた。"
        "NATOの本部はベルギーに置かれている。\n"))
    question = "計画を運営する政府間機関の本部は、どこの国に置かれるの？"
    result = retriever.search(question, top_k=3)
    answerer = ExtractiveAnswerer(index, AnswerParams(min_similarity=0.0))
    scored = answerer.score_sentences([], result.query_vector, result.passages, [], "")
    finder = SpanFinder(question, classify_question(question, "ja"), "ja")
    by_text = {s.text: s for s in scored}
    signed = next(s for text, s in by_text.items() if text.startswith("12月14日"))
    following, span = answerer._continuation(signed, scored, finder)
    assert following.text.startswith("GIGOの本部は") and span is not None and span.text == "英国"
    # an acronym the sentence before does not gloss opens no continuation
    seat = next(s for text, s in by_text.items() if text.startswith("GIGOの本部"))
    assert answerer._continuation(seat, scored, finder) is None


def test_who_is_answered_by_a_person_named_before_a_country_acting(tmp_path: Path,
                                                                    fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "3\n\n経済外交\n\n1 概観\n\n"
        "同会合には、G7各国の貿易担当大臣に加え、欧州委員会のドムブロウスキス上級副委員長が出席した。"
        "日本とEUの間では、重要鉱物のサプライチェーン強靱化で協力することで一致した。\n"))
    assert ask("EUからは誰が来てたの？").short_answer == "ドムブロウスキス"


def test_what_a_named_person_said_comes_only_from_a_sentence_speaking_of_them(tmp_path: Path,
                                                                              fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "2\n\n中南米\n\n1 概観\n\n"
        "11月の日・ペルー首脳会談では、岸田総理大臣が、ペルーの議長国としての取組を全面的に支援する考えを伝えた。"
        "ボルアルテ大統領は、APECの準備状況を説明した。\n"), language="en")

    told = ask("What did President Boluarte tell Kishida about APEC?")
    assert not told.abstained, told.abstain_reason
    assert any(c.quote.startswith("ボルアルテ大統領は") for c in told.citations)
    # the speaker of "what did X say", titled or not, is the person asked about; the one told is not
    assert ask("What did Stoltenberg tell Kishida about APEC?").abstained
    assert ask("What did President Lula tell Kishida about APEC?").abstained


def test_an_english_figure_of_another_country_does_not_answer_for_the_one_asked(tmp_path: Path,
                                                                                fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "5\n\nアフリカ\n\n1 概観\n\n"
        "ケニアは、東アフリカの経済・物流の拠点であり、日本企業約110社が進出している。"
        "エチオピアとの間では、8月に外相会談が行われた。\n"), language="en")

    assert ask("How many Japanese companies operate in Ethiopia?").abstained
    assert ask("How many Japanese companies operate in Kenya?").short_answer == "約110社"
    # a country the text writes in kanji is named by its English name standing alone, not inside Latin America
    from service.answer import english_country_elsewhere
    assert english_country_elsewhere("ケニアは、日本企業約110社が進出している。", frozenset({"エチオピア"}))
    assert not english_country_elsewhere("日本企業約110社がケニアに進出している。", frozenset({"エチオピア"}))

    from index.tokenize import tagged_words
    from service.answer import SpanFinder
    from service.answer_types import classify_question

    def surely(question: str, country: str) -> bool:
        finder = SpanFinder(question, classify_question(question, "en"), "en")
        return any(finder.names_country_surely(w) for w in tagged_words(country))

    assert surely("How many companies are in Ethiopia?", "エチオピア")
    assert surely("How many Kazakh students came?", "カザフスタン")
    assert not surely("When was the Japan house in Tokyo opened?", "チェコ")  # equal skeletons, too short to tell
    assert not surely("What craft keeps alive the woodcarving Hijikata taught?", "フィジー")  # a start only


def test_a_part_of_a_total_is_read_from_the_sentence_opening_on_the_total(tmp_path: Path,
                                                                          fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "6\n\n邦人保護\n\n1 概観\n\n"
        "この結果、邦人及びその家族計48人がペルーから退避した。"
        "このうち45人は自衛隊機により、3人はフランス軍機により退避した。\n"), language="en")

    assert ask("How many of the evacuees left Peru on SDF aircraft?").short_answer == "45人"
    assert ask("How many people were evacuated from Peru?").short_answer == "48人"  # the total, asked as such


def test_an_english_agreement_between_other_countries_is_another_one(tmp_path: Path,
                                                                     fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "5\n\nコーカサス\n\n1 概観\n\n"
        "8月には、日・アゼルバイジャン租税条約が発効した。"
        "アルメニアとの間では、5月に外相会談が行われた。\n"), language="en")

    assert ask("Which agreement between Japan and Armenia entered into force in August?").abstained
    assert not ask("Which agreement between Japan and Azerbaijan entered into force in August?").abstained


def test_a_body_sentence_stating_the_span_is_cited_before_a_column_title(tmp_path: Path,
                                                                         fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "6\n\nアジア\n\n1 概観\n\n"
        "コラム　ペルー農業の父・西岡京治ペルーには、今も人々に慕われる日本人がいる。"
        "農業専門家の西岡京治は、1964年にペルーに派遣された。\n"))

    answer = ask("ペルー農業の父と慕われている日本人の名前は？")
    assert answer.short_answer == "西岡京治"
    assert any(c.quote.startswith("農業専門家の西岡京治は") for c in answer.citations)


def test_a_running_total_does_not_answer_for_one_year(tmp_path: Path, fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "4\n\n領事\n\n1 概観\n\n"
        "日系四世の受入れ制度は2018年7月に始まり、2023年末までに約230人が同制度で在留資格を得た。\n"))

    assert ask("2023年の1年間に在留資格を得た日系四世は何人？").abstained
    # asked as a total, or with no period fixed, it answers
    assert ask("これまでに在留資格を得た日系四世は何人？").short_answer == "約230人"
    assert ask("日系四世の制度で在留資格を得た人は何人？").short_answer == "約230人"


def test_a_date_is_said_of_the_predicate_it_dates() -> None:
    from service.answer import predicate_after
    from service.answer_types import TypedSpan

    def dated(sentence: str, date: str) -> str:
        start = sentence.index(date)
        return predicate_after(sentence, TypedSpan(AnswerType.DATE, date, start, start + len(date)))

    # set off by a comma, it dates the main predicate, past a verb modifying a noun
    assert dated("2023年には、コロナの影響で中断されていた派遣が再開され、約1,200人が派遣された。",
                 "2023年").endswith("再開され")
    # followed straight by its particle, it dates the first verb
    assert dated("開発協力大綱は、2015年2月に閣議決定された前大綱以来、8年ぶりの改定となった。",
                 "2015年2月") == "に閣議決定された"


def test_the_date_of_a_resumption_does_not_answer_when_something_stopped(tmp_path: Path,
                                                                         fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "3\n\n開発協力\n\n1 概観\n\n"
        "2023年には、新型コロナの影響で中断されていた協力隊の派遣が本格的に再開され、約1,200人の隊員が派遣された。\n"))

    assert ask("協力隊の派遣がコロナで中断されたのはいつから？").abstained
    assert ask("協力隊の派遣が再開されたのはいつ？").short_answer == "2023年"


def test_what_was_said_about_a_named_matter_comes_from_a_sentence_naming_it(tmp_path: Path,
                                                                            fake_embedder: HashingEmbedder) -> None:
    from service.answer import about_topic

    assert about_topic("戦略対話では、アフガニスタン情勢について何が話し合われた？") == ("アフガニスタン",)
    assert about_topic("大使を呼び戻したことについて、日本はどんな立場を示した？") == ()  # a clause names nothing
    ask = _asker(tmp_path, fake_embedder, (
        "2\n\n南西アジア\n\n1 概観\n\n"
        "7月に東京で第9回日・パキスタン戦略対話が開催され、二国間の経済関係と地域情勢について意見交換が行われた。\n"))

    assert ask("日・パキスタン戦略対話では、アフガニスタン情勢について何が話し合われた？").abstained
    assert not ask("日・パキスタン戦略対話では、何について意見交換が行われた？").abstained


def test_as_after_a_noun_gives_no_reason_but_after_a_clause_it_does() -> None:
    from service.answer import REASON_MARKER

    assert not REASON_MARKER.search("2023年に303人が難民として認定され、過去最多となった。")  # "as refugees"
    assert REASON_MARKER.search("情勢を更に緊迫化させるものであるとして、これを非難した。")  # "holding that…"


def test_a_reason_given_for_something_else_by_the_question_s_own_event_is_no_reason() -> None:
    def gives(question: str, language: str, sentence: str) -> bool:
        return SpanFinder(question, classify_question(question, language), language).gives_reason(sentence)

    halted = "「黒海穀物イニシアティブ」が7月17日にロシアの離脱により停止されたことを受け、日本は食料支援を行った。"
    assert not gives("Why did Russia pull out of the Black Sea Grain Initiative?", "en", halted)
    assert not gives("なぜロシアは黒海穀物イニシアティブから離脱したの？", "ja", halted)
    # a reason whose phrase names no actor of the question is one
    assert gives("なぜ日本は食料支援を行ったの？", "ja", halted)
    # どうしていますか asks what is done, not why
    from service.answer import REASON_ASKED
    assert not REASON_ASKED.search("日本はロシアとの経済協力に関する政府の事業をどうしていますか？")
    assert REASON_ASKED.search("どうしてロシアは離脱したの？")


def test_a_body_sentence_is_cited_before_a_caption_stating_the_same_span(tmp_path: Path,
                                                                         fake_embedder: HashingEmbedder) -> None:
    from service.answer import is_caption

    assert is_caption("上川外務大臣とコーヘン・イスラエル外相の会談（11月3日、イスラエル・テルアビブ）")
    assert is_caption("写真：日中首脳会談（米国・サンフランシスコ　写真提供：内閣広報室）")
    assert not is_caption("11月3日、上川外務大臣はテルアビブでコーヘン外相と会談した。")
    ask = _asker(tmp_path, fake_embedder, (
        "2\n\n中東\n\n1 概観\n\n"
        "11月3日、上川外務大臣はイスラエルを訪問し、テルアビブでコーヘン外相と会談し、人質の解放や人道状況の改善に"
        "向けた日本の立場を伝えるとともに、地域情勢について意見交換を行った。\n\n"
        "上川外務大臣とコーヘン・イスラエル外相の会談（11月3日、イスラエル・テルアビブ）\n"))
    answer = ask("上川外務大臣とコーヘン・イスラエル外相の会談はどこの都市？")
    assert answer.short_answer == "テルアビブ"
    assert not is_caption(answer.citations[0].quote)


def test_a_figure_of_the_flow_the_other_way_is_another_flow() -> None:
    from service.answer import flows_the_other_way

    asked = "2023年に日本から中国へ渡航した人は何人？"
    assert flows_the_other_way(asked, "2023年の中国からの訪日者数は約243万人となった。")
    assert not flows_the_other_way(asked, "2023年に日本から中国への渡航者は約100万人となった。")
    # a sentence giving both flows may give the one asked
    both = "ロシアから日本への輸出額は47.2%減少し、日本からロシアへの輸出額も34.5%減少した。"
    assert not flows_the_other_way("日本からロシアへの輸出額はどれだけ減った？", both)


def test_a_yes_no_question_about_a_stage_is_decided_only_by_a_sentence_stating_that_stage(
        tmp_path: Path, fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "4\n\n領事\n\n1 概観\n\n"
        "12月には、マレーシアとの間で、刑事共助と受刑者移送に関する実務者協議がクアラルンプールで開かれた。\n"))
    assert ask("マレーシアとの実務者協議では、受刑者移送条約を結ぶことで合意したんですか。").abstained
    assert not ask("マレーシアとの実務者協議は開かれたんですか。").abstained


def test_an_edition_the_passages_never_state_is_not_answered_from_another(tmp_path: Path,
                                                                          fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "3\n\n経済外交\n\n1 概観\n\n"
        "7月16日、ニュージーランドのオークランドで第7回CPTPP委員会が開催された。"
        "11月には、サンフランシスコでCPTPP閣僚級会合が開催された。\n"))
    assert ask("第8回のCPTPP委員会はどこで開かれたの？").abstained
    assert ask("第7回のCPTPP委員会はどこの都市で開かれたの？").short_answer == "オークランド"
    # with no edition stated at all, an edition asked rules nothing out
    (tmp_path / "plain").mkdir()
    assert not _asker(tmp_path / "plain", fake_embedder, (
        "3\n\n経済外交\n\n1 概観\n\n11月には、サンフランシスコでCPTPP閣僚級会合が開催された。\n"))(
        "第8回のCPTPP閣僚級会合はどこで開かれたの？").abstained


def test_a_person_the_documents_never_name_is_not_someone_they_speak_of(tmp_path: Path,
                                                                        fake_embedder: HashingEmbedder) -> None:
    ask = _asker(tmp_path, fake_embedder, (
        "2\n\nロシア\n\n1 概観\n\n"
        "3月、習近平国家主席が、3期目初の外遊として訪露した。\n"))
    assert ask("中国の李強首相が3期目初の外遊としてロシアを訪問したのは何月ですか？").abstained
    assert ask("習近平国家主席が3期目初の外遊としてロシアを訪問したのは何月ですか？").short_answer == "3月"
