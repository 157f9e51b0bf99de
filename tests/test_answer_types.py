"""Question typing, answer spans, multi-part splitting and follow-up resolution: parts of speech, not phrasings.

The questions here are worded unlike eval/dev.jsonl on purpose: the mechanisms must carry over to new wording.
"""

from __future__ import annotations

import pytest

from service.answer_types import AnswerType, classify_question, coordinated_parts, typed_spans
from service.followup import Turn, resolve_references
from tests.spans import short_answer_of as _short


@pytest.mark.parametrize(("question", "expected"), [
    ("この協定に署名したのは誰だったの？", AnswerType.PERSON),
    ("どこで墜落したんですか", AnswerType.PLACE),
    ("投票日はいつ？", AnswerType.DATE),
    ("投票日は？", AnswerType.DATE),
    ("負傷者は何人出ましたか", AnswerType.NUMBER),
    ("何年ぶりの訪問だった？", AnswerType.NUMBER),
    ("何年に設立された？", AnswerType.DATE),
    ("どの程度減ったのか", AnswerType.NUMBER),
    ("どれだけ増えた？", AnswerType.NUMBER),
    ("この会合を主催した国際機関はどこの組織？", AnswerType.ORGANIZATION),
    ("署名された文書は何という宣言ですか", AnswerType.NAME),
    ("なぜ延期されたのですか", AnswerType.DESCRIPTION),
    ("どのように対応しましたか", AnswerType.DESCRIPTION),
    ("首脳会談は開かれましたか", AnswerType.YESNO),
    ("Who signed the declaration?", AnswerType.PERSON),
    ("Where did the plane crash?", AnswerType.PLACE),
    ("When was the vote held?", AnswerType.DATE),
    ("How many people were displaced?", AnswerType.NUMBER),
    ("What was the unemployment rate last year?", AnswerType.NUMBER),
    ("Which former Uzbek minister became ambassador?", AnswerType.PERSON),
    ("Which alliance did Sweden join?", AnswerType.ORGANIZATION),
    ("Why did the talks stop?", AnswerType.DESCRIPTION),
    ("Did Japan send an envoy?", AnswerType.YESNO),
])
def test_questions_are_typed_by_what_they_ask(question: str, expected: AnswerType) -> None:
    language = "en" if question[0].isascii() else "ja"
    assert classify_question(question, language).answer_type == expected


def test_a_question_asking_two_things_has_two_parts() -> None:
    question_type = classify_question("いつ、どこで開催されることになった？", "ja")
    assert question_type.answer_type == AnswerType.DATE
    assert AnswerType.PLACE in question_type.parts
    counted = classify_question("会合は何回開かれ、直近はいつでしたか", "ja")
    assert counted.answer_type == AnswerType.NUMBER and AnswerType.DATE in counted.parts


def test_counters_narrow_the_number_asked_for() -> None:
    question_type = classify_question("何か国が署名しましたか", "ja")
    sentence = "会議には約40か国から300人が参加し、12か国が署名した。"
    assert [s.text for s in typed_spans(sentence, question_type)] == ["約40か国", "12か国"]
    people = classify_question("参加者は何人？", "ja")
    assert [s.text for s in typed_spans(sentence, people)] == ["300人"]


@pytest.mark.parametrize(("kind", "sentence", "expected"), [
    (AnswerType.PERSON, "ラヴロフ外相と上川外務大臣が会談した。", ["ラヴロフ", "上川"]),
    (AnswerType.PERSON, "ゴチモラエフ貿易・対外経済関係相が訪日した。", ["ゴチモラエフ"]),
    (AnswerType.PLACE, "首脳は東京・京都を訪問し、上海協力機構の会合に出た。", ["東京・京都"]),
    (AnswerType.DATE, "協定は2023年6月15日に署名され、同年末に発効した。", ["2023年6月15日", "同年末"]),
    (AnswerType.DATE, "また、同年9月、政府は政府令を発表した。", ["9月"]),  # 同年 is the year spoken of
    # どのくらい does not say which way: the figure keeps its 減
    (AnswerType.NUMBER, "貿易額は前年比44.3%減の約2,000億ドルだった。", ["44.3%減", "約2,000億ドル"]),
    (AnswerType.ORGANIZATION, "集団安全保障条約機構（CSTO）の会合が開かれた。", ["集団安全保障条約機構", "CSTO"]),
])
def test_spans_of_each_type_are_found_by_part_of_speech(kind: AnswerType, sentence: str,
                                                         expected: list[str]) -> None:
    question_type = classify_question({AnswerType.PERSON: "誰？", AnswerType.PLACE: "どこ？",
                                       AnswerType.DATE: "いつ？", AnswerType.NUMBER: "どのくらい？",
                                       AnswerType.ORGANIZATION: "どの機関？"}[kind], "ja")
    assert [s.text for s in typed_spans(sentence, question_type, kind)] == expected


def test_each_question_is_split_into_its_conjuncts() -> None:
    assert coordinated_parts("カザフスタンとウズベキスタンの外相はそれぞれ誰ですか", "ja") == [
        "カザフスタン", "ウズベキスタン"]
    assert coordinated_parts("Who are the ministers of A and B respectively?", "en") == []


def test_follow_ups_are_resolved_from_the_last_turns() -> None:
    history = [Turn("user", "9月に極東でプーチン大統領と会ったのは誰？"),
               Turn("assistant", "金正恩国務委員長です。「…首脳会談を行った。」[1]")]
    assert resolve_references("その会談は何年ぶり？", history, "ja") == "首脳会談は何年ぶり？"
    assert resolve_references("彼はどこを訪問した？", history, "ja").startswith("金正恩")
    # それ may mean the meeting as well as the person: left to the conversation's context
    assert resolve_references("それはいつ？", history, "ja") == "それはいつ？"
    assert resolve_references("Where did he go next?", history, "en") == "Where did he go next? (金正恩)"
    assert resolve_references("その会談は何年ぶり？", [], "ja") == "その会談は何年ぶり？"


def test_a_reference_with_nothing_to_resolve_to_is_left_alone() -> None:
    history = [Turn("user", "ロシアの経済はどうだった？"), Turn("assistant", "資料には該当する記述が見当たりません。")]
    assert resolve_references("彼は何と言った？", history, "ja") == "彼は何と言った？"


def test_number_and_date_spans_keep_what_belongs_to_them() -> None:
    ranges = classify_question("いつからいつまで続いた？", "ja")
    assert [s.text for s in typed_spans("政策金利は7月から12月にかけて引き上げられた。", ranges)] == ["7月から12月"]
    ordinal = classify_question("今回は何回目の会合？", "ja")
    assert [s.text for s in typed_spans("第3回会合は、同年2回目の対面会合となった。", ordinal)] == ["2回目"]
    day = classify_question("8月の何日に起きた？", "ja")
    assert typed_spans("8月、航空機が墜落した。", day) == []
    about = classify_question("どのくらいの人が避難した？", "ja")
    assert [s.text for s in typed_spans("10万人以上が避難した。", about)] == ["10万人以上"]


def test_yes_no_answers_follow_the_sentence_polarity() -> None:
    from service.answer_types import is_negative

    assert is_negative("ベラルーシは参戦はしていない。")
    assert is_negative("前向きな反応は得られていません。")
    assert not is_negative("日本も初めて制裁を導入した。")


def test_amounts_and_counts_want_the_right_kind_of_figure() -> None:
    money = classify_question("国防費はルーブルでいくらですか？", "ja")
    assert [s.text for s in typed_spans("国防費は前年比1.7倍の10兆ルーブルとなった。", money)] == ["10兆ルーブル"]
    count = classify_question("渡った砲弾の数はどのくらい？", "ja")
    assert [s.text for s in typed_spans("4年ぶりの会談で100万発の砲弾が渡った。", count)] == ["100万発"]
    assert classify_question("団体はいくつありますか", "ja").answer_type == AnswerType.NUMBER




@pytest.mark.parametrize(("question", "sentence", "expected"), [
    # A bracketed date annotates the phrase before its bracket, not the one after.
    ("APEC首脳会議は何月に開かれた？", "同年には、東アジア首脳会議（11月）、APEC首脳会議（9月）が開かれた。",
     "9月"),
    # A date before 、 belongs to the clause it opens, up to that clause's predicate.
    ("漁業協定に署名したのはいつ？", "両国は4月2日、新たな漁業協定に署名し、5月20日に国境画定委員会を設置した。",
     "4月2日"),
    ("国境画定委員会を設置したのはいつ？", "両国は4月2日、新たな漁業協定に署名し、5月20日に国境画定委員会を設置した。",
     "5月20日"),
    # The words next to the interrogative (輸出総額) weigh more than the question's other words.
    ("同じ期間の輸出総額はいくら？", "輸入額は前年比12.5%の増加となった（同期間の輸出総額は、約3,200億円）。",
     "約3,200億円"),
])
def test_the_span_is_the_one_whose_own_clause_says_what_the_question_says(question: str, sentence: str,
                                                                          expected: str) -> None:
    assert _short(question, sentence) == expected


@pytest.mark.parametrize(("question", "sentence", "expected"), [
    # Organisation names split by the tagger (評議+会), ordinals inside a name (第+12+回), facility names
    # (市+立+第+5+病院), an organisation before its head's title without the head's name.
    ("新たに設けられた最高意思決定機関は何ですか？",
     "同国では最高意思決定機関として国家評議会が新設され、議会は改組された。", "国家評議会"),
    ("首脳が出席した会合は何という会合？", "首脳は第12回閣僚会合に出席した。", "第12回閣僚会合"),
    ("大臣が視察した施設はどこ？", "大臣はタシケント市立第5病院を視察した。", "タシケント市立第5病院"),
    ("代表団を率いた人物が総裁を務める機関はどこ？", "サドゥイコフ国立開発銀行総裁を団長とする代表団が来日した。",
     "国立開発銀行"),
])
def test_spans_are_whole_noun_compounds(question: str, sentence: str, expected: str) -> None:
    assert _short(question, sentence) == expected


@pytest.mark.parametrize(("question", "sentence", "expected"), [
    # 何を…Nですか asks for the N the clause describes.
    ("2025年に実施されるのは何を決める投票ですか？",
     "同国では、2025年に憲法改正の国民投票、2026年に地方選挙が予定されている。", "国民投票"),
    # Xの名前 asks for the name of an X.
    ("両国が採択した文書の名前は？", "両首脳は会談後、経済協力の拡大をうたう東京共同宣言を採択した。", "東京共同宣言"),
    # Xはどうだった, X a rate: the figure with the direction the question does not state.
    ("昨年のインフレ率はどうだった？", "昨年の失業率は5.1%となり、インフレ率は3.2%減となった。", "3.2%減"),
    # どの…からどの…まで: both ends.
    ("中央銀行は預金準備率をどの水準からどの水準まで下げた？",
     "中央銀行は3月から9月にかけて預金準備率を12%から8%まで段階的に引き下げた。", "12%から8%"),
    # 何と呼ばれる: what the sentence calls it.
    ("新興の経済圏は何と呼ばれていますか？",
     "同国はアジアやアフリカのネクスト・イレブンと呼ばれる新興国との関係を強めている。", "ネクスト・イレブン"),
    # An acronym's expansion where the text defines it: English for English questions, Japanese for 日本語名.
    ("What does APEC stand for?", "3 APEC : Asia-Pacific Economic Cooperation", "Asia-Pacific Economic Cooperation"),
    ("ASEANの日本語名は何ですか？", "ASEAN (Association of Southeast Asian Nations) : 東南アジア諸国連合 (10)",
     "東南アジア諸国連合"),
    ("Which anniversary did the treaty mark in 2025?", "両国は2025年に平和条約締結30周年を祝った。", "30周年"),
])
def test_what_the_question_asks_shapes_the_span(question: str, sentence: str, expected: str) -> None:
    assert _short(question, sentence) == expected


def test_a_figure_whose_direction_the_question_states_is_given_without_it() -> None:
    assert _short("インフレ率は何％減りましたか？", "昨年の失業率は5.1%となり、インフレ率は3.2%減となった。") == "3.2%"


def test_a_name_compound_of_the_question_falls_back_to_the_sentences_other_compounds() -> None:
    sentence = "政府は、交流事業のうち特に青少年派遣に重点を置いて、交流事業の拡大を求めている。"
    assert _short("交流事業の拡大に向けて政府が特に重点を置いている事業は何？", sentence) == "青少年派遣"


def test_english_dates_want_the_units_asked_for() -> None:
    exact = classify_question("On which date did the two ministers sign the memorandum?", "en")
    assert exact.date_units == frozenset({"日"})
    sentence = "両外相は3月に覚書に署名した。"
    assert typed_spans(sentence, exact) == []
    assert typed_spans("両外相は3月15日に覚書に署名した。", exact)[0].text == "3月15日"
    month = classify_question("In what month was the pipeline opened?", "en")
    assert month.date_units == frozenset({"月"}) and typed_spans(sentence, month)[0].text == "3月"
    assert classify_question("When was the pipeline opened?", "en").date_units == frozenset()


def test_who_without_a_title_may_be_answered_by_a_country_or_a_body() -> None:
    actor = classify_question("復興支援を主導しているのは誰ですか？", "ja")
    assert actor.answer_type == AnswerType.PERSON and actor.head is None
    assert [s.text for s in typed_spans("復興支援はカナダが主導している。", actor)] == ["カナダ"]
    # a person named in the sentence is still the answer
    assert [s.text for s in typed_spans("復興支援はトルドー首相が主導している。", actor)] == ["トルドー"]
    titled = classify_question("カナダの首相は誰ですか？", "ja")
    assert titled.head == "首相"
    assert typed_spans("復興支援はカナダが主導している。", titled) == []
    whose = classify_question("Whose ships patrolled the strait?", "en")
    assert whose.answer_type == AnswerType.PERSON and not whose.explicit


def test_what_kind_of_people_is_answered_by_a_noun_for_them_and_never_abstains() -> None:
    question = "支援を受けることになったのはどんな人たち？"
    question_type = classify_question(question, "ja")
    assert question_type.answer_type == AnswerType.PERSON and not question_type.explicit
    assert _short(question, "政府は、住居を失った避難民の方々への支援を決めた。") == "避難民"
    # 人は誰 asks who: with only the person the question excludes named, there is no answer to give
    assert classify_question("逮捕状を出された相手のうち、大統領以外の人は誰ですか？", "ja").explicit


@pytest.mark.parametrize(("english", "katakana", "alike"), [
    ("Tokayev", "トカエフ", True),
    ("Kazakhstan", "カザフスタン", True),
    ("Kazakh", "カザフスタン", True),  # a demonym is the start of its country's name
    ("Mongolia", "モンゴル", True),
    ("Sakurada", "サクラダ", True),  # a Japanese name by its dictionary reading
    ("Vilnius", "ビリニュス", True),  # a v written as b
    ("Vilnius", "ビシュケク", False),
    ("Mongolia", "カザフスタン", False),
    ("Tokayev", "トルクメニスタン", False),
])
def test_english_names_are_matched_to_katakana_by_sound(english: str, katakana: str, alike: bool) -> None:
    from service.romaji import katakana_to_latin, sounds_alike

    assert sounds_alike(english, katakana_to_latin(katakana)) is alike


def test_an_acronym_numbered_apart_anchors_an_english_question_as_one_name() -> None:
    sentence = "8月には、東京でTICAD閣僚会合が開催される予定であり、2025年のTICAD 9の横浜での開催に向けて準備している。"
    assert _short("In which city is Japan preparing to host TICAD 9?", sentence) == "横浜"


def test_english_questions_are_anchored_by_names_and_months_and_never_answered_by_their_own_name() -> None:
    sentence = ("3月に大島外務副大臣がモンゴルを訪問したほか、11月に田中外務大臣はトカエフ大統領と会談を行い、"
                "エネルギー分野での協力を確認した。")
    assert _short("Who is the president that Foreign Minister Tanaka met in November?", sentence) == "トカエフ"
    later = "11月に田中外務大臣はトカエフ大統領と会談を行ったほか、3月に大島外務副大臣がモンゴルを訪問した。"
    assert _short("Who visited Mongolia in March?", later) == "大島"


def test_a_persons_own_title_decides_between_people_of_one_clause() -> None:
    sentence = "大臣はセルゲエフ環境相、フェドロフ国家関税委員会委員長、イワノフ外務次官と会談した。"
    assert _short("大臣が会談した国家関税委員会の委員長は誰？", sentence) == "フェドロフ"
    assert _short("大臣が会談した外務次官は誰？", sentence) == "イワノフ"


def test_case_particles_and_the_direction_asked_pick_between_figures() -> None:
    sentence = "AからBへの輸出は12.5%増加し、また、BからAへの輸出も3.1%増加した。"
    assert _short("BからAへの輸出は何％増えた？", sentence) == "3.1%"
    rates = "中央銀行は金利を4.5%から9%まで引き上げた。"
    assert _short("中央銀行は金利を何％まで引き上げた？", rates) == "9%"


def test_the_sentence_whose_span_is_surrounded_by_the_question_supports_it_more() -> None:
    from service.answer import SpanFinder

    question = "ウランバートルで開かれた会合はいつ？"
    finder = SpanFinder(question, classify_question(question, "ja"), "ja")
    stated = "5月にウランバートルで会合が開かれた。"
    other = "7月に東京で記念式典が行われた。"
    kind = finder.question_type.answer_type
    assert finder.support(stated, finder.best_span(stated, kind), kind) > \
        finder.support(other, finder.best_span(other, kind), kind)


@pytest.mark.parametrize(("question", "sentence", "expected"), [
    # ロシアのどのあたり: the span right after the question's own ロシアの
    ("大統領が訪れたのはカナダのどのあたり？", "6月には大統領がロシアとの国境に近いカナダの北極圏地域を訪れた。",
     "北極圏地域"),
    # どこと連携: a group written as an acronym is a partner as much as a country is
    ("日本はどこと連携して支援を進めている？", "日本は、ASEANを始めとする各国と連携しつつ、支援を進めている。",
     "ASEAN"),
    # a kind of organisation followed by its name in quotes
    ("反乱を起こした武装組織はどこ？", "8月には、武装組織「北方戦線」が反乱を起こした。", "北方戦線"),
    # the Japanese name written before the acronym in brackets
    ("APECの正式な日本語名は？", "11月にはアジア太平洋経済協力（APEC）首脳会議が開かれた。", "アジア太平洋経済協力"),
    # a bracketed remark after a span is about it
    ("11月に首脳会合を開いた機構はどこ？", "2023年には、東南機構（7月）、北方機構（11月）など多くの会合が開かれた。",
     "北方機構"),
])
def test_the_words_around_the_interrogative_and_the_names_around_an_organisation(question: str, sentence: str,
                                                                                expected: str) -> None:
    assert _short(question, sentence) == expected


def test_how_long_is_answered_by_a_length_of_time_not_a_date() -> None:
    sentence = "モンゴルでは、6月に憲法が改正され、議員の任期が5年に延長された。"
    assert _short("How long is a member's term after the amendment?", sentence) == "5年"
    assert _short("How long is a member's term after the amendment?", "任期は2021年に改められた。") is None


def test_where_with_a_case_particle_asks_for_a_place_whatever_the_topic_is() -> None:
    assert classify_question("移動した部隊は、どこに拠点を置いたの？", "ja").answer_type == AnswerType.PLACE
    assert classify_question("会合を主催した機関はどこ？", "ja").answer_type == AnswerType.ORGANIZATION


def test_how_many_people_of_a_kind_counts_people_not_an_ordinal() -> None:
    sentence = "3月には、専門家の参加を得て第12回東京対話を開催した。"
    assert _short("How many participants attended the 12th Tokyo Dialogue?", sentence) is None
    assert _short("How many participants attended the dialogue?", "対話には約200人が参加した。") == "約200人"


def test_a_half_width_percent_sign_is_a_counter_as_the_full_width_one_is() -> None:
    for asked in ("国防費はGDPの何%にあたりますか？", "国防費はGDPの何％にあたりますか？"):
        assert (classify_question(asked, "ja").answer_type, classify_question(asked, "ja").counter) == (
            AnswerType.NUMBER, "パーセント")


def test_nani_with_a_suffix_of_kind_asks_which_kind_and_the_change_particle_which_end() -> None:
    asked = classify_question("ペルーの議会は何制に移行しましたか？", "ja")
    assert (asked.answer_type, asked.head) == (AnswerType.NAME, "制")
    sentence = "ペルーでは、1月に評議会が設立され、議会は二院制から一院制に移行した。"
    assert _short("ペルーの議会は何制に移行しましたか？", sentence) == "一院制"
    assert _short("ペルーの議会は何制から移行しましたか？", sentence) == "二院制"
    # "what kind of parliament" asks for a kind, as 何制 does: a compound with a suffix of kind, on the side switched to
    assert _short("What kind of parliament did Peru switch to?", sentence) == "一院制"
    assert classify_question("What kind of parliament did Peru switch to?", "en").asks_kind
    assert not classify_question("Which parliament did Peru set up?", "en").asks_kind


def test_a_figure_that_went_the_other_way_than_the_question_says_is_no_answer() -> None:
    sentence = "ペルーから日本への輸出額は対前年比で47.2%減少した。"
    assert _short("ペルーの日本への輸出は2023年にどれだけ増えたのですか。", sentence) is None
    assert _short("ペルーの日本への輸出は2023年に何％減りましたか。", sentence) == "47.2%"
    assert _short("社会政策費は何割増えた？", "社会政策費も約2割増加させた。") == "約2割"


def test_how_much_something_costs_is_an_amount_not_a_ratio_unless_a_change_is_asked() -> None:
    sentence = "2024年予算では、国防費は前年比1.7倍を計上した。"
    assert _short("ペルーの2024年の国防予算はいくらですか？", sentence) is None
    assert _short("ペルーの2024年の国防費は前年からいくら増えましたか？", sentence) == "1.7倍"
    assert _short("ペルーの2024年の国防予算はいくらですか？", "国防予算は約10兆ルーブルだった。") == "約10兆ルーブル"


def test_an_english_kind_noun_is_the_head_though_a_participle_follows_it() -> None:
    asked = classify_question("What was the name of the Russian military exercise held with China?", "en")
    assert (asked.head, asked.asks_name) == ("exercise", True)


def test_the_spoken_nante_asks_for_a_name_as_nanto_iu_does() -> None:
    asked = classify_question("その会合ってなんて会議？", "ja")
    assert (asked.answer_type, asked.head, asked.asks_name) == (AnswerType.NAME, "会議", True)
    assert classify_question("作られたキャラって、なんて名前？", "ja").asks_name



def test_a_compound_glossed_by_an_acronym_names_a_body_unless_it_names_a_meeting_or_a_document() -> None:
    aid = "日本は、世界食糧計画（WFP）などを通じて、避難民に対する食料や衛生分野の支援を行った。"
    assert _short("Through which agency did Japan provide food aid?", aid) == "世界食糧計画"
    assert _short("どの機関を通じて食料支援をしたの？", aid) == "世界食糧計画"
    held = "9月には、国連気候変動枠組条約第28回締約国会議（COP28）がドバイで開催された。"
    assert _short("Which organization held the meeting in Dubai?", held) != "国連気候変動枠組条約第28回締約国会議"


def test_a_noun_the_question_counts_with_follows_the_figure_as_a_counter() -> None:
    sentence = "同賞には、世界71か国・地域から計526作品の応募があった。"
    assert _short("漫画賞には、何作品の応募があったんですか。", sentence) == "526作品"
    assert _short("漫画賞には、何か国から応募があったんですか。", sentence) == "71か国・地域"


def test_nante_iu_and_a_formal_noun_ask_for_the_name_of_the_topic() -> None:
    for question in ("演説で訴えた価値はなんていうもの？", "演説で訴えた価値は何というものですか。"):
        asked = classify_question(question, "ja")
        assert (asked.answer_type, asked.head, asked.asks_name) == (AnswerType.NAME, "価値", True), question
    # a quoted name standing for the noun through という, with words describing the noun between them
    sentence = "岸田総理大臣は、演説において、「人間の尊厳」という最も根源的な価値を中心に据えると訴えた。"
    assert _short("演説で中心に据えると訴えた価値はなんていうもの？", sentence) == "人間の尊厳"
    # with no noun after it, なんていう reads on as before: the name of the topic (a person here)
    assert classify_question("拘束された社員、名前は何ていうの？", "ja").answer_type != AnswerType.DESCRIPTION


def test_a_word_for_the_name_of_a_kind_asks_for_that_kinds_name() -> None:
    party = classify_question("選挙で勝利した与党の党名は？", "ja")
    assert (party.answer_type, party.head) == (AnswerType.ORGANIZATION, "与党")
    assert (classify_question("国名を教えて", "ja").answer_type, classify_question("国名を教えて", "ja").head) == (
        AnswerType.PLACE, "国")
    assert _short("選挙で勝利した与党の党名は？", "3月に下院議員選挙が実施され、いずれも与党が勝利した。") is None


def test_a_bracketed_remark_after_the_question_only_qualifies_it() -> None:
    assert classify_question("侵略の開始日は？（日にちまで）", "ja").answer_type == AnswerType.DATE


def test_the_spoken_topic_marker_tte_marks_the_topic_as_wa_does() -> None:
    assert classify_question("資産を凍結された団体って具体的にどこ？", "ja").answer_type == AnswerType.ORGANIZATION
    assert classify_question("投票日って？", "ja").answer_type == AnswerType.DATE


def test_which_year_something_happened_is_not_answered_by_a_length_of_time() -> None:
    sentence = "モンゴルでは、6月に憲法が改正され、議員の任期が5年に延長された。"
    assert _short("議員の任期は何年に延長されましたか？", sentence) == "5年"
    assert _short("彼が初めて議員に選ばれたのは何年でしたか？", sentence) is None
    assert _short("彼が初めて議員に選ばれたのは何年でしたか？", "彼は2012年に初めて議員に選ばれた。") == "2012年"


def test_the_name_of_a_person_or_place_asks_for_that_kind() -> None:
    assert classify_question("その会議を主催した国の首相の名前は？", "ja").answer_type == AnswerType.PERSON
    assert classify_question("新しく建設された港の名前は？", "ja").answer_type == AnswerType.PLACE
    assert classify_question("両国が署名した協定の名前は？", "ja").answer_type == AnswerType.NAME


@pytest.mark.parametrize("question, expected", [
    ("What is the population of the new city?", AnswerType.NUMBER),
    ("What was the budget of the programme?", AnswerType.NUMBER),
    ("Which ministry handles the visa waiver?", AnswerType.ORGANIZATION),
    ("Who was named as his successor?", AnswerType.PERSON),
    ("What is the headquarters of the union?", AnswerType.PLACE),
])
def test_english_head_nouns_say_what_kind_of_thing_is_asked(question: str, expected: AnswerType) -> None:
    assert classify_question(question, "en").answer_type == expected


def test_an_ordinal_is_asked_for_by_either_form() -> None:
    asked = classify_question("それは何回目の首脳会談でしたか？", "ja")
    assert [s.text for s in typed_spans("第4回首脳会談が東京で開かれた。", asked)] == ["第4回"]
    assert [s.text for s in typed_spans("4回目の首脳会談が東京で開かれた。", asked)] == ["4回目"]
    assert typed_spans("首脳会談は4回開かれた。", asked) == []


def test_a_date_relative_to_the_one_before_is_a_date() -> None:
    asked = classify_question("その条約はいつ発効しましたか？", "ja")
    assert [s.text for s in typed_spans("条約は同年末に発効した。", asked)] == ["同年末"]


def test_a_country_and_a_city_answer_where_with_the_city_and_which_country_with_the_country() -> None:
    sentence = "日・モンゴル外相会談（6月12日、英国・ロンドン）"
    assert _short("日・モンゴル外相会談はどこで開かれた？", sentence) == "ロンドン"
    assert _short("日・モンゴル外相会談はどの国で開かれた？", sentence) == "英国"
    held = "6月には第3回日本・アフリカ閣僚会合（英国・ロンドン）を開催したほか、G20首脳会合にも参加した。"
    assert _short("第3回日本・アフリカ閣僚会合はどこで開かれた？", held) == "ロンドン"


def test_a_group_referred_to_by_its_category_is_the_body_last_talked_about() -> None:
    about_a_band = [Turn("user", "ブラックウォーターの撤退について教えて"),
                    Turn("assistant", "「ブラックウォーター」部隊は撤退した。")]
    assert resolve_references("その組織の代表は誰？", about_a_band, "ja") == "ブラックウォーターの代表は誰？"
    about_a_body = [Turn("user", "北大西洋条約機構の拡大について教えて"), Turn("assistant", "…")]
    assert resolve_references("その組織の本部はどこ？", about_a_body, "ja") == "北大西洋条約機構の本部はどこ？"


def test_what_something_was_called_in_a_quoted_predicate_is_a_name() -> None:
    question = "首相は両国関係を何だと表現した？"
    assert classify_question(question, "ja").answer_type == AnswerType.NAME
    sentence = "首相は、両国関係を「かけがえのない友情」だと表現し、協力の拡大を呼びかけた。"
    assert _short(question, sentence) == "かけがえのない友情"
    assert classify_question("それは何であるかのように語られた？", "ja").answer_type == AnswerType.NAME


def test_an_english_title_picks_the_person_who_holds_it() -> None:
    sentence = ("5月に田中外務大臣政務官がモンゴルを訪問し、エルデネ経済担当副首相、ガンバト副首相兼外相、"
                "及びバトボルド国民議会議長と会談を行った。")
    asked = "Who is Mongolia's Deputy Prime Minister and Foreign Minister that Tanaka met?"
    assert _short(asked, sentence) == "ガンバト"
    assert _short("Who is the Speaker of the Mongolian parliament that Tanaka met?", sentence) == "バトボルド"


def test_who_holds_a_role_is_never_the_person_the_english_question_names() -> None:
    sentence = "3月、国際刑事裁判所（ICC）は、プーチン大統領などに対し、逮捕状を発付した。"
    assert _short("Who was the ICC prosecutor who sought the warrant against President Putin?", sentence) is None


def test_the_name_of_a_body_is_not_a_common_noun_that_refers_to_it() -> None:
    sentence = "1月に上院議員選挙、3月に下院議員選挙が実施され、いずれも与党が勝利した。"
    assert _short("What is the name of the ruling party that won the elections?", sentence) is None
    assert _short("勝利した政党の名前は？", sentence) is None
    assert _short("Which party won the elections?", sentence) is None  # which party: a party's name, not a role
    assert _short("支援した機関の名前は？", "その事業は国際機関が支援した。") is None
    assert _short("どの機関が支援した？", "その事業は国際機関が支援した。") == "国際機関"
    assert _short("勝利した機関の名前は？", "国家税関委員会が勝利した。") == "国家税関委員会"  # a translated name


def test_a_foreign_name_the_tagger_splits_into_native_words_is_still_a_name() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import person_spans

    sentence = "ガンバト副首相兼外相と会談した。"
    assert [s.text for s in person_spans(tagged_words(sentence), sentence)] == ["ガンバト"]


def test_digits_inside_a_name_or_a_word_are_no_figures() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import number_spans

    sentence = "G20とCOP28の議論を受け、二国間関係の強化に向けて約300億円の支援を表明した。"
    assert [s.text for s in number_spans(tagged_words(sentence), sentence)] == ["約300億円"]


def test_a_name_ending_in_the_noun_asked_about_comes_before_a_quoted_one() -> None:
    sentence = "2021年に開催された「日本・太平洋諸島」対話・第3回閣僚会合において、各国は協力の継続で一致した。"
    assert _short("各国が協力の継続で一致したのは何という会合でしたか？", sentence) == "第3回閣僚会合"


def test_dou_iu_before_a_noun_asks_for_that_noun_as_douiu_does() -> None:
    assert classify_question("どういう枠組みで協議したのですか？", "ja").head == "枠組み"
    assert classify_question("どういう枠組みで協議したのですか？", "ja").answer_type == AnswerType.ORGANIZATION
    assert classify_question("それはどういうことですか？", "ja").answer_type == AnswerType.DESCRIPTION
    assert classify_question("交渉はどうなった？", "ja").answer_type == AnswerType.DESCRIPTION


def test_an_acronym_in_brackets_is_part_of_the_clause_around_it() -> None:
    from index.tokenize import tagged_words
    from service.answer import clause_bounds

    sentence = "2月に北方貿易協定（NTA）の停止に関する法律に署名した（同月に発効した）。"
    clauses = [sentence[a:b] for a, b in clause_bounds(sentence, tagged_words(sentence))]
    assert clauses[0] == "2月に北方貿易協定（NTA）の停止に関する法律に署名した"
    assert "同月に発効した" in clauses


def test_nan_nin_fused_by_the_tagger_still_asks_for_a_count_of_people() -> None:
    asked = classify_question("避難民を毎月何人受け入れましたか？", "ja")
    assert (asked.answer_type, asked.counter) == (AnswerType.NUMBER, "人")
    assert classify_question("その人物は何者ですか？", "ja").answer_type == AnswerType.PERSON


def test_a_country_before_a_title_or_an_office_named_after_a_title_is_no_person() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import person_spans

    sentence = "フランス大統領府とドイツ首相府が共同声明を出し、マクロン大統領が演説した。"
    assert [s.text for s in person_spans(tagged_words(sentence), sentence)] == ["マクロン"]
    asked = "ドイツの首相の名前は何ですか？"
    assert _short(asked, "フランス大統領府とドイツ首相府が共同声明を出した。") is None


def test_how_many_times_is_not_answered_by_an_ordinal_but_daini_kai_asks_for_one() -> None:
    sentence = "両首脳は第5回の会合に合わせて、同年3回目の会談を行った。"
    assert _short("両首脳はこの年に何回会談しましたか？", sentence) is None
    assert _short("両首脳が会談したのは第何回の会合の際でしたか？", sentence) == "第5回"


def test_the_thing_whose_name_is_asked_is_the_topic_before_the_interrogative() -> None:
    asked = classify_question("被災者のために設けられた基金には、何という名前が付いていますか？", "ja")
    assert (asked.answer_type, asked.head) == (AnswerType.NAME, "基金")
    asked = classify_question("その国の首相は何という名前ですか？", "ja")
    assert (asked.answer_type, asked.head) == (AnswerType.PERSON, "首相")


def test_a_facility_is_not_answered_by_the_region_it_stands_in() -> None:
    asked = "両首脳はどの施設で会談しましたか？"
    assert _short(asked, "首脳会談はシベリア地域で行われた。") is None
    assert _short(asked, "首脳会談はボストーチヌイ宇宙基地で行われた。") == "ボストーチヌイ宇宙基地"


def test_a_figure_is_no_name() -> None:
    assert _short("その演習には何という名前が付いていましたか？", "演習は同月24日に始まった。") is None


def test_a_name_asked_for_in_so_many_words_must_be_a_name_of_the_noun_asked_about() -> None:
    asked = "被災者のために作られた基金は、何という名前ですか？"
    # A quote elsewhere in the sentence names something else; a plain noun is no name.
    assert _short(asked, "政府は「復興計画」の一環として、被災者への基金の創設を打ち出した。") is None
    assert _short(asked, "政府は被災者のために「明日への架け橋」基金を創設した。") == "明日への架け橋"
    assert _short(asked, "政府は被災者のために「明日への架け橋基金」を創設した。") == "明日への架け橋基金"
    assert _short("記念に作られたキャラクターの名前は？", "記念として漫画家の山田氏が作成したキャラクター") is None
    # In apposition, or by its kind where the sentence never says the noun asked about.
    assert _short("二つの町を結ぶ唯一の道路の名前は何ですか？",
                  "両町を結ぶ唯一の道路であるサルマ街道が封鎖された。") == "サルマ街道"
    signed = "両首脳は日・モンゴル共同声明に署名した。"
    assert _short("両首脳が署名した文書の名前は？", signed) == "日・モンゴル共同声明"


def test_only_verbs_of_naming_ask_for_a_name() -> None:
    assert classify_question("その輸送路は何という名前ですか？", "ja").asks_name
    assert not classify_question("その輸送路は何と呼ばれていますか？", "ja").asks_name  # no noun named: not strict
    assert not classify_question("白書はこの動きを何と表現していますか？", "ja").asks_name
    assert not classify_question("狙いは何と何ですか？", "ja").asks_name
    assert classify_question("条約は、正式には何という名前ですか？", "ja").head == "条約"


@pytest.mark.parametrize(("question", "sentence", "expected"), [
    # The object of the event's verb (3月8日を…に定める) is not when the event happened.
    ("祝日を定める法律が議会で可決されたのは何月？", "2月、議会で、3月8日を国民の祝日に定める法律が可決された。",
     "2月"),
    # A year that begins a noun compound (2026年地方選挙) names the election, not the time of the announcement.
    ("首相が出馬を表明したのはいつ？", "首相は、10月、2026年地方選挙への出馬を表明した。", "10月"),
    ("When did the prime minister announce that he would run?", "首相は、10月、2026年地方選挙への出馬を表明した。",
     "10月"),
])
def test_a_date_that_is_an_object_or_part_of_a_noun_is_not_when_the_event_happened(question: str, sentence: str,
                                                                                   expected: str) -> None:
    assert _short(question, sentence) == expected


def test_a_noun_whose_value_is_a_date_may_be_answered_by_a_date_inside_a_compound() -> None:
    # 選挙はいつ asks for the value of a noun, not for the time of an event: the date naming it answers.
    assert not classify_question("地方選挙はいつですか？", "ja").event_time
    assert classify_question("法律が可決されたのはいつ？", "ja").event_time
    assert _short("地方選挙はいつですか？", "首相は、10月、2026年地方選挙への出馬を表明した。") == "2026年"


@pytest.mark.parametrize(("question", "sentence", "expected"), [
    ("首脳会合はどこで開催されましたか？", "日本は、3月に首脳会合を開催し、協力の強化で一致した。", None),
    ("首脳会合はどこで開催されましたか？", "3月に南アフリカで開催された首脳会合で一致した。", "南アフリカ"),
    ("首脳会合はどこで開かれた？", "同年には首脳会合（英国・ロンドン）が開かれた。", "ロンドン"),
    ("首脳会合はどこで開かれた？", "外相会談（9月20日、米国・ニューヨーク）", "ニューヨーク"),
    ("首脳会合はどこで開かれた？", "首脳会合の調整を進める(149ページ コラム参照)。", None),  # a remark in brackets
    ("部隊の一部はどこに移動したの？", "部隊の一部がベラルーシへ移動し、ポーランドは警戒を強めた。", "ベラルーシ"),
    ("両首脳はどこで会談を重ねていますか？", "両大統領は累次にわたりモスクワなどで会談を行った。", "モスクワ"),
    ("検問所はどこに設置されましたか？", "ラチン回廊において検問所が設置された。", "ラチン回廊"),
    ("検問所はどこに設置されましたか？", "アルメニアは、ラチン回廊で検問所が設置されたと非難した。", "ラチン回廊"),
])
def test_a_place_asked_with_a_case_particle_must_play_that_role(question: str, sentence: str,
                                                                expected: str | None) -> None:
    assert _short(question, sentence) == expected


def test_an_english_wh_word_inside_a_subordinate_clause_asks_nothing() -> None:
    # "when he spoke" says at what time the rating held; the question asks for the rating alone.
    asked = classify_question("What turnout did the commission report when it closed the polls?", "en")
    assert (asked.answer_type, asked.parts, asked.event_time) == (AnswerType.NUMBER, (), False)
    asked = classify_question("What approval rating did the governor have?", "en")
    assert asked.answer_type == AnswerType.NUMBER
    both = classify_question("When and where was the treaty signed?", "en")
    assert (both.answer_type, both.parts, both.event_time) == (AnswerType.DATE, (AnswerType.PLACE,), True)


def test_the_name_of_an_english_thing_is_asked_by_what_is_named() -> None:
    assert classify_question("What is the name of the only bridge linking the two islands?", "en").head == "bridge"
    asked = classify_question("What is the EAEU's full English name?", "en")
    assert (asked.head, asked.acronym) == ("abbreviation", "EAEU")
    assert _short("What is the EAEU's full English name?", "5 EAEU : Eurasian Economic Union") == \
        "Eurasian Economic Union"


@pytest.mark.parametrize(("question", "sentence", "expected"), [
    # The kind an English question names (ministry, route) picks the Japanese name of that kind (…省, …回廊).
    ("Which ministry was the union reported to be at odds with?", "組合は軍や財務省との対立が報じられていた。",
     "財務省"),
    # A noun for the kind of thing (交通路, 民間警備会社) with its name in apposition: the name answers.
    ("What is the name of the only road linking the valley with the coast?",
     "谷と沿岸をつなぐ唯一の交通路であるサラン回廊が封鎖された。", "サラン回廊"),
    ("Which private security company guarded the port?", "港は民間警備会社「ブラックロック」が警備した。",
     "ブラックロック"),
    ("警備を担った民間の会社はどこですか？", "港は民間警備会社「ブラックロック」が警備した。", "ブラックロック"),
    # A year that begins a name is part of it.
    ("Which election did the governor say he would contest?", "知事は、3月、2027年州議会選挙への出馬を表明した。",
     "2027年州議会選挙"),
])
def test_the_kind_asked_about_and_a_name_in_apposition_to_it(question: str, sentence: str, expected: str) -> None:
    assert _short(question, sentence) == expected


def test_an_acronym_asked_in_another_language_or_as_short_for_is_its_expansion() -> None:
    glossary = "〈略語解説〉 APEC (Asia-Pacific Economic Cooperation) : アジア太平洋経済協力 (3)"
    assert _short("APECは日本語にすると何と言いますか？", glossary) == "アジア太平洋経済協力"
    assert _short("APECは英語で何という枠組みの略ですか？", glossary) == "Asia-Pacific Economic Cooperation"


def test_a_season_answers_which_season_and_roughly_when() -> None:
    sentence = "同国では、特に冬季には首都を含む北部で停電が頻発した。"
    assert _short("停電が多かったのはどの季節？", sentence) == "冬季"
    assert _short("停電が増え始めたのはいつ頃ですか？", "春以降、北部で停電が増え始めた。") == "春以降"
    # a plain いつ still wants a date
    assert _short("停電が増え始めたのはいつですか？", "春以降、北部で停電が増え始めた。") is None


def test_two_interrogatives_of_one_kind_joined_ask_for_two_joined_spans() -> None:
    sentence = "両軍は合同演習（4月から5月）や共同哨戒（3月及び10月）を実施した。"
    assert classify_question("共同哨戒が行われたのは何月と何月？", "ja").wants_pair
    assert _short("共同哨戒が行われたのは何月と何月？", sentence) == "3月及び10月"


@pytest.mark.parametrize(("question", "expected", "explicit"), [
    # a thing asked for by 何 with が/に before a verb that is not "happen/do": a noun of the sentence
    ("その協定は何に基づいて結ばれましたか？", AnswerType.NAME, False),
    ("両国の間には、領土のほかに何が残っていますか？", AnswerType.NAME, False),
    ("報告書が課題として挙げているものは何？", AnswerType.NAME, False),
    # what happened or was done is a description
    ("会談の後、何が起きましたか？", AnswerType.DESCRIPTION, True),
    ("政府は何をしましたか？", AnswerType.DESCRIPTION, True),
])
def test_a_thing_asked_with_nani_is_a_name_that_never_forces_abstention(question: str, expected: AnswerType,
                                                                       explicit: bool) -> None:
    asked = classify_question(question, "ja")
    assert (asked.answer_type, asked.explicit) == (expected, explicit)


def test_asking_to_list_is_not_saying_the_text_lists() -> None:
    assert classify_question("課題を三つ挙げてください。", "ja").is_list
    assert not classify_question("報告書が課題として挙げているものは何？", "ja").is_list
    assert _short("報告書が最大の課題として挙げているものは何？", "最大の課題は水資源管理である。") == "水資源管理"


def test_the_span_before_the_particle_and_verb_of_nani_answers_and_a_gloss_stays_inside_a_compound() -> None:
    sentence = "この輸出は、関連物資の移転を全面的に禁止する国連人権理事会（人権理）決議に違反するものである。"
    assert _short("その輸出は何に違反すると言われていますか？", sentence) == "国連人権理事会（人権理）決議"
    # 何という asks for a name, which the particle と does not point at
    from service.answer import wh_governor
    assert wh_governor("何という会合でしたか？") is None
    assert wh_governor("何に違反しますか？") == ("に", "違反")


def test_a_figure_stated_before_a_later_year_still_answers_for_the_year_asked() -> None:
    asked = "2023年の首脳会合では、何か国が新たに招待されましたか？"
    later = "首脳会合では、新たに4か国が招待され、2024年3月1日にそのうち3か国が加わった。"
    assert _short(asked, later) == "4か国"
    # a year before the figure sets its time: another year's figure does not answer
    assert _short(asked, "2022年の首脳会合では、新たに4か国が招待された。") is None
    assert _short(asked, "2022年、首脳会合では、新たに4か国が招待された。") is None


def test_a_ministers_portfolio_in_english_picks_the_minister_of_that_portfolio() -> None:
    sentence = "3月には、田中外務大臣政務官が訪問し、ナザロフ外相及びラヒモフ農業環境相とそれぞれ会談した。"
    assert _short("Who is the Minister of Agriculture and Environment that Tanaka met?", sentence) == "ラヒモフ"
    assert _short("Which agriculture minister did Tanaka meet?", sentence) == "ラヒモフ"


def test_what_something_is_for_is_the_noun_phrase_before_no_tame() -> None:
    sentence = "両国は無償資金協力「上水道の整備及び改修のための機材供与計画」に署名した。"
    assert _short("署名された協力は何のための機材を供与する計画ですか？", sentence) == "上水道の整備及び改修"


def test_a_date_told_relative_to_the_one_before_answers_when() -> None:
    sentence = "2010年に同国で政変が起きると、翌年に両国は国交を回復し、2015年には大使館を開設した。"
    assert _short("両国が国交を回復したのはいつ？", sentence) == "翌年"
    assert _short("大使館を開設したのはいつ？", sentence) == "2015年"


def test_a_city_is_not_answered_by_the_country_it_is_in() -> None:
    asked = "両外相の会談はどの都市で行われましたか？"
    assert _short(asked, "9月に両外相はカザフスタンで会談を行った。") is None
    assert _short(asked, "9月に両外相は米国・ニューヨークで会談を行った。") == "ニューヨーク"


def test_english_kind_nouns_and_adjectives_anchor_the_span_as_japanese_words_do() -> None:
    sentence = "同国では、2026年には大統領選挙、2027年には地方選挙を控えている。"
    assert _short("When is the country's next presidential election due?", sentence) == "2026年"
    assert _short("When is the country's next local election due?", sentence) == "2027年"


def test_a_region_the_tagger_reads_as_a_name_answers_which_region_when_no_title_follows() -> None:
    sentence = "両国はナゴルノ・カラバフをめぐり対立してきた。"
    assert _short("両国はどの地域をめぐって対立してきましたか？", sentence) == "ナゴルノ・カラバフ"
    assert _short("両国はどの地域をめぐって対立してきましたか？", "両国はジョン・スミス大使と会談した。") is None


def test_a_new_name_is_where_a_change_goes_and_a_former_name_where_it_comes_from() -> None:
    sentence = "3月、議会は、首都の空港を「中央空港」から「独立記念空港」に改称する法案を可決した。"
    assert _short("空港の新しい名称は何ですか？", sentence) == "独立記念空港"
    assert _short("空港の元の名称は何ですか？", sentence) == "中央空港"
    assert _short("What is the airport's new name?", sentence) == "独立記念空港"


def test_english_who_with_only_the_questions_own_person_named_is_answered_by_an_actor_body() -> None:
    sentence = "また、トカエフ大統領は、新たな兵器について、全てカザフスタンが管理することになる趣旨の発言をした。"
    assert _short("Who will control the new weapons, according to Tokayev?", sentence) == "カザフスタン"


def test_a_visit_named_by_the_country_it_went_to_answers_where() -> None:
    sentence = "5月、モディ首相が、3期目初の外遊として訪米し、両国関係の強化を確認した。"
    assert _short("モディ首相が3期目に入って最初に訪れたのはどこ？", sentence) == "訪米"


def test_which_one_of_a_kind_asks_for_that_kind() -> None:
    # どちらの + noun asks as どの + noun does; 社 and 院 are bodies (出版社, 上院)
    house = classify_question("ペルー議会のどちらの院で可決されたの？", "ja")
    assert (house.answer_type.value, house.head) == ("organization", "院")
    assert classify_question("その本はどこの出版社から出ているの？", "ja").answer_type.value == "organization"
    assert classify_question("どちらが先に加盟した？", "ja").answer_type.value == "name"  # which of two: a guess


def test_a_polite_request_to_list_is_no_yes_no_question() -> None:
    for request in ("会合に出席した首脳を、全員挙げてもらえますか。", "出席した首脳を挙げていただけませんか？",
                    "出席した首脳を挙げてくれる？"):
        asked = classify_question(request, "ja")
        assert (asked.answer_type.value, asked.parts) == ("list", (AnswerType.PERSON,)), request
    assert classify_question("出席した首脳を挙げていますか？", "ja").answer_type.value == "yesno"


@pytest.mark.parametrize("question", ["Which newspaper first reported the clash?",
                                      "Which banks had their assets frozen?", "Which media outlet broke the story?"])
def test_english_words_for_bodies_ask_for_an_organization(question: str) -> None:
    assert classify_question(question, "en").answer_type.value == "organization"


def test_a_kind_of_something_asks_for_that_something() -> None:
    asked = classify_question("ペルーへの支援は、どういう種類の資金協力でしたか？", "ja")
    assert asked.head == "協力"
    assert typed_spans("日本は国際機関を通じて緊急無償資金協力を決定した。", asked)[-1].text == "緊急無償資金協力"
    assert classify_question("どんな種類の制裁を科したの？", "ja").head == "制裁"


def test_the_office_of_a_title_is_a_body() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import organization_spans

    text = "12月には、ペルー大統領府とチリ首相府が共同声明を発表した。"
    assert [s.text for s in organization_spans(tagged_words(text), text)] == ["ペルー大統領府", "チリ首相府"]


def test_whom_after_a_name_and_a_comma_describes_the_name() -> None:
    asked = classify_question("Lopez, whom the envoy met in Lima, heads which ministry?", "en")
    assert (asked.answer_type.value, asked.head) == ("organization", "ministry")
    assert classify_question("In May, whom did the envoy meet?", "en").answer_type.value == "person"


def test_a_persons_standing_asks_for_the_title_held() -> None:
    asked = classify_question("電話会談したロペス氏は、当時どういう立場でしたか？", "ja")
    assert (asked.answer_type.value, asked.head) == ("name", "肩書き")
    assert classify_question("日本はどういう立場ですか？", "ja").answer_type.value == "description"


def test_an_english_question_for_the_year_is_not_answered_by_a_month() -> None:
    asked = classify_question("In what year did Peru adopt its mining code?", "en")
    assert asked.date_units == frozenset({"年"})
    assert not typed_spans("ペルーは3月、鉱業法を改定した。", asked)
    assert typed_spans("ペルーは2019年3月、鉱業法を採択した。", asked)[0].text.startswith("2019年")


def test_to_itta_gives_examples_and_names_nothing() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import naming_spans

    examples = "両国は、主権の尊重、紛争の平和的解決といった原則で一致した。"
    assert naming_spans(tagged_words(examples), examples) == []
    called = "グローバル・サウスと呼ばれる途上国との連携を進めた。"
    assert [s.text for s in naming_spans(tagged_words(called), called)] == ["グローバル・サウス"]


def test_an_acronym_in_brackets_is_of_the_kind_of_the_compound_it_glosses() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import organization_spans

    text = "ペルーは包括的核実験禁止条約（CTBT）を批准し、上海協力機構（SCO）とG20にも参加した。"
    assert [s.text for s in organization_spans(tagged_words(text), text)] == ["上海協力機構", "SCO", "G20"]


def test_forces_and_ministries_named_by_a_one_character_head_are_bodies() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import organization_spans

    text = "米軍が同地域に駐留し、チリ軍と財務省が協議したが、反省も残った。"
    assert [s.text for s in organization_spans(tagged_words(text), text)] == ["米軍", "チリ軍", "財務省"]


def test_an_elliptic_question_about_a_place_body_or_person_is_as_sure_as_which() -> None:
    for question, kind in (("部隊が移動したペルーの都市は？", "place"), ("協議した省庁は？", "organization"),
                           ("会談した閣僚は？", "person")):
        asked = classify_question(question, "ja")
        assert (asked.answer_type.value, asked.explicit) == (kind, True), question
    assert not classify_question("輸出額は？", "ja").explicit  # a figure or a trend: still a guess


def test_the_number_of_a_counted_noun_asks_for_that_count() -> None:
    asked = classify_question("会合に参加した南米の国の数は？", "ja")
    assert (asked.answer_type.value, asked.counter, asked.explicit) == ("number", "箇国", True)
    assert not typed_spans("7月に開催された第2回南米会合では、首脳級の出席が注目された。", asked)
    assert typed_spans("会合には12か国が参加した。", asked)[0].text == "12か国"


def test_a_kanji_numeral_with_its_suffix_is_part_of_a_name() -> None:
    asked = classify_question("What is the name of the fisheries agreement Peru suspended in January?", "en")
    sentence = "南方三島周辺水域操業協定について1月、ペルー側から協議を停止する旨の通報があった。"
    assert typed_spans(sentence, asked)[0].text == "南方三島周辺水域操業協定"


def test_a_formal_name_runs_back_over_its_links() -> None:
    sentence = "両国は、日本国とペルー共和国との間の所得に対する租税に関する二重課税の除去のための条約に署名した。"
    assert _short("両国が署名した条約の正式名称は？", sentence) == \
        "日本国とペルー共和国との間の所得に対する租税に関する二重課税の除去のための条約"
    footnote = "3 ペルー沿岸水域における日本漁船の操業に関する協定"
    assert _short("「日・ペルー漁業協定」の正式な名称は何ですか？", footnote) == footnote[2:]
    # an undertaking is named by its compound: the place before it says where it is
    project = "ペルーにおける銅鉱山開発事業「ラス・バンバス」については権益を維持する。"
    assert _short("日本が権益を持つのはどういう事業？", project) == "ラス・バンバス"  # not ペルーにおける…事業


def test_a_city_is_not_a_building_in_it() -> None:
    caption = "政務官がペルーのクスコ市立第2小学校を訪問（5月3日、ペルー・クスコ）"
    assert _short("In which Peruvian town was the school visited on May 3?", caption) in ("クスコ", "クスコ市")
    assert _short("政務官が5月3日に訪問した学校は？", caption) == "クスコ市立第2小学校"


@pytest.mark.parametrize(("question", "language", "is_list"), [
    ("6月に首相が回った南米の3か国はどこですか？", "ja", True),
    ("会談に同席した二人は誰？", "ja", True),
    ("5か国の首脳が集まった会合はどこで開かれた？", "ja", False),  # the count describes, it is not asked
    ("Which three Andean countries did the envoy visit in June?", "en", True),
    ("Which country held talks with the five Andean states?", "en", False),
])
def test_a_question_counting_what_it_asks_for_asks_for_a_list(question: str, language: str, is_list: bool) -> None:
    assert classify_question(question, language).is_list is is_list


def test_a_chinese_name_the_tagger_splits_is_found_whole() -> None:
    sentence = "3月、習近平国家主席が、3期目初の外遊としてペルーを訪問した。"
    assert _short("3期目最初の外遊先にペルーを選んだ指導者は？", sentence) == "習近平"


def test_english_by_what_factor_asks_for_a_multiple() -> None:
    sentence = "2024年予算では、国防費は前年比1.7倍を計上した。"
    assert _short("By what factor did Peru increase its defence budget?", sentence) == "1.7倍"


def test_a_country_s_formal_name_is_a_place_not_a_titled_person() -> None:
    sentence = "5か国（アラブ首長国連邦（UAE）、ペルー）が加盟したことをロシアが発表した。"
    assert _short("Which official announced that five countries had joined?", sentence) is None  # no アラブ+首長
    assert "アラブ首長国連邦" in [s.text for s in typed_spans(sentence, classify_question("どの国？", "ja"),
                                                           AnswerType.PLACE)]
    assert _short("What was the name of the declaration adopted there?", sentence) is None


@pytest.mark.parametrize(("sentence", "names"), [
    ("弔問に森喜朗元総理大臣が特派大使として派遣された。", ["森喜朗"]),  # 元 qualifies the title
    ("外務大臣とコーヘン・ペルー外相の会談", ["コーヘン"]),  # the country is the title's
    ("上村司中東和平担当特使は中東を訪問した。", ["上村司"]),
    ("ガンツ党首が戦時内閣に加わった。", ["ガンツ"]),  # katakana words the dictionary knows as common nouns
    ("リマでサファディ副首相兼外務・移民相と会談した。", ["サファディ"]),
    ("総理とブダイウィGCC事務局長との間で一致した。", ["ブダイウィ"]),
    ("ペルーのエネルギー相が来日した。", []),  # a portfolio, not a name
    ("ペルーのハルタルト経済担当調整大臣と会談した。", ["ハルタルト"]),  # ハル (a name) + タルト (a tart)
])
def test_names_before_titles_in_a_new_chapter(sentence: str, names: list[str]) -> None:
    from index.tokenize import tagged_words
    from service.answer_types import person_spans

    assert [s.text for s in person_spans(tagged_words(sentence), sentence)
            if s.text not in ("総理", "外務大臣")] == names


def test_a_port_is_not_the_act_of_calling_at_it() -> None:
    sentence = "ペルー海軍のフリゲート艦が6月に横須賀に寄港し、共同訓練を実施した。"
    assert _short("6月にフリゲート艦が寄ったのはどこの港？", sentence) == "横須賀"
    assert _short("フリゲート艦の出発空港は？", sentence) is None  # no airport, and 横須賀 is not one


def test_a_loanword_adjective_belongs_to_the_name_it_opens() -> None:
    sentence = "日本は2018年からリマにあるNATOサイバー防衛協力センター（CCDCOE）に参加している。"
    assert _short("Which body in Lima has Japan been part of since 2018?", sentence) == "NATOサイバー防衛協力センター"


def test_a_part_of_the_country_is_not_part_of_the_place_name() -> None:
    sentence = "ペルー議長年のサミットは、南部クスコ州で開催される予定である。"
    assert _short("サミットはどこで開催される予定？", sentence) == "クスコ州"


def test_a_relative_date_gives_way_to_the_date_it_repeats() -> None:
    sentence = "2月6日、ペルー南部を震源とする地震と、同日に続いて発生した地震により、甚大な被害が生じた。"
    assert _short("On what date did the earthquake strike southern Peru?", sentence) == "2月6日"
    assert _short("余震が続いたのはいつ？", "2月に地震が発生し、同日に余震が続いた。") == "同日"  # no day before


def test_the_name_of_a_framework_may_be_a_quoted_name() -> None:
    sentence = "日ペルー間では、2021年に立ち上げた「日ペルー・グリーン協力」の下、水素などの協力が進められた。"
    assert _short("What is the name of the framework launched in 2021?", sentence) == "日ペルー・グリーン協力"
    assert _short("2021年に立ち上げた枠組みの名前は？", sentence) == "日ペルー・グリーン協力"


@pytest.mark.parametrize(("sentence", "names"), [
    ("韓国の尹錫悦大統領と会談した。", ["尹錫悦"]),  # three one-character kanji the tagger reads as common nouns
    ("朴振韓国外交部長官が出席した。", ["朴振"]),  # a given name read as a suffix, and the country is the title's
    ("韓国外交部出身の李熙燮（イ・ヒソプ）氏が就任した。", ["李熙燮"]),  # a reading between the name and 氏
    ("日本の外務大臣が出席した。", []),
])
def test_korean_and_chinese_names_before_titles(sentence: str, names: list[str]) -> None:
    from index.tokenize import tagged_words
    from service.answer_types import person_spans

    assert [s.text for s in person_spans(tagged_words(sentence), sentence)] == names


def test_colloquial_and_english_passive_questions_are_typed() -> None:
    assert classify_question("4月の演習、なんて呼ばれてる？", "ja").answer_type == AnswerType.NAME
    assert classify_question("What was discussed at the summit in Lima?", "en").answer_type == AnswerType.DESCRIPTION


def test_cities_named_with_a_country_and_a_total_is_not_part_of_a_figure() -> None:
    sentence = "館員は陸路でポートスーダンまで移動し、自衛隊機によりポートスーダンからジブチに退避した。"
    assert _short("邦人はスーダンのどの街から自衛隊機に乗ったの？", sentence) == "ポートスーダン"
    assert _short("退避した邦人は合わせて何人？", "この結果、邦人及びその家族計48人が退避した。") == "48人"


def test_a_quoted_name_glossed_by_its_short_form_is_the_acronym_s_expansion() -> None:
    sentence = "日本は「アンデスの若者のための産業人材育成イニシアティブ」（ANDEイニシアティブ）を実施している。"
    full = "アンデスの若者のための産業人材育成イニシアティブ"
    assert _short("What is the full name of the ANDE Initiative?", sentence) == full


def test_english_counted_nouns_and_amounts_of_money() -> None:
    assert classify_question("How many companies operate in Peru?", "en").counter == "社"
    assert classify_question("How much did Japan contribute to the fund in 2023?", "en").counter == "money"
    share = "基金に対する拠出のうち、約7割がペルーにおける事業に充てられている。"
    assert _short("How much did Japan contribute to the fund?", share) is None  # a share is no amount


def test_the_name_of_a_person_set_beside_the_name_noun_asks_for_a_person() -> None:
    asked = classify_question("リマで拘束された製薬会社の社員、名前は何ていうの？", "ja")
    assert (asked.answer_type, asked.head) == (AnswerType.PERSON, "社員")
    sentence = "3月、リマにおいて、製薬会社の日本人男性社員が拘束された。"
    assert _short("リマで拘束された製薬会社の社員、名前は何ていうの？", sentence) is None


def test_an_elliptic_follow_up_asks_what_the_last_question_asked() -> None:
    history = [Turn("user", "2023年のペルーからの訪日者数は何人？"), Turn("assistant", "約24万人です。")]
    assert resolve_references("じゃあチリからは？", history, "ja") == "じゃあチリからは何人？"
    assert resolve_references("それはいつ？", history, "ja") == "それはいつ？"  # it asks something itself
    described = [Turn("user", "ペルーとの関係はどうだった？"), Turn("assistant", "強化されました。")]
    assert resolve_references("チリからは？", described, "ja") == "チリからは？"  # nothing typed to carry over
    # a noun phrase of its own asks about that noun
    assert resolve_references("日本からの輸出額は？", history, "ja") == "日本からの輸出額は？"


def test_a_consortium_is_a_body_that_may_answer_who() -> None:
    sentence = "リマ国際空港を日本企業の共同事業体が運営している。"
    assert _short("Who runs Lima International Airport?", sentence) == "共同事業体"


def test_a_sentence_stating_the_contrary_of_what_a_yes_no_question_states_says_no() -> None:
    from service.answer_types import states_contrary

    stopped = "中国が日本産水産物の輸入を全面的に停止した。"
    assert states_contrary("中国は日本の水産物を一部だけ止めたんですか？", "ja", stopped)  # 一部 asked, 全面 said
    assert not states_contrary("中国は日本の水産物を全面的に止めたんですか？", "ja", stopped)
    assert not states_contrary("中国は日本の水産物を止めたんですか？", "ja", stopped)  # nothing of a pair asked
    landed = "7月12日に発射された「火星18」は、日本の排他的経済水域（EEZ）外に落下した。"
    assert states_contrary("Did the missile launched on 12 July land inside Japan's EEZ?", "en", landed)
    assert not states_contrary("Did the missile launched on 12 July land outside Japan's EEZ?", "en", landed)
    # a sentence stating both sides (内外) says neither against the question
    assert not states_contrary("国内で報道されたか？", "ja", "国内外で報道された。")


def test_a_name_joined_with_a_full_width_equals_sign_is_one_name() -> None:
    sentence = "キューバでは、4月にディアス＝カネル大統領が国会で再選された。"
    assert _short("4月に再選された大統領は誰？", sentence) == "ディアス＝カネル"


def test_in_total_asks_for_a_sum_not_a_list() -> None:
    assert not classify_question("両国の貿易は全部でどれくらいの額になった？", "ja").is_list
    assert classify_question("参加した国を全部教えて。", "ja").is_list
    sentence = "2023年の日本と中南米との貿易総額は約7兆2,000億円であり、中南米には約2,500社の日本企業が進出している。"
    assert _short("日本と中南米の2023年の貿易、全部でどれくらいの額になった？", sentence) == "約7兆2,000億円"


def test_rejected_is_the_contrary_of_approved() -> None:
    from service.answer_types import states_contrary

    rejected = "12月17日の国民投票では、2度目の新憲法案が約56％の反対で否決された。"
    assert states_contrary("2度目の新憲法案は、国民投票で承認されたんですか。", "ja", rejected)
    assert not states_contrary("2度目の新憲法案は、国民投票で否決されたんですか。", "ja", rejected)


def test_a_count_of_years_is_not_answered_by_a_calendar_year() -> None:
    sentence = "西岡京治は、1964年、専門家としてブータンに渡り、以来28年間にわたり同国の農業の発展に尽くした。"
    assert _short("西岡京治がブータンの農業に関わったのは、何年間ですか。", sentence) == "28年間"
    assert _short("西岡京治がブータンに渡ったのは何年？", sentence) == "1964年"  # a year asked as a date still is one


def test_a_candidate_is_titled_and_a_katakana_name_split_by_the_tagger_is_whole() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import person_spans

    sentence = "野党・人民国民会議（PNC）のムイズ候補が現職のソーリフ大統領を破って当選した。"  # ム+イズ to the tagger
    assert [s.text for s in person_spans(tagged_words(sentence), sentence)] == ["ムイズ", "ソーリフ"]
    sentence = "上川外務大臣とコーヘン・イスラエル外相の会談"  # the country after the name is the title's
    assert [s.text for s in person_spans(tagged_words(sentence), sentence)] == ["上川", "コーヘン"]
    sentence = "議長は、UAEのアル・ジャーベル産業・先端技術大臣が務めた。"  # ジャー+ベル before a kanji portfolio
    assert [s.text for s in person_spans(tagged_words(sentence), sentence)] == ["アル・ジャーベル"]


def test_a_noun_before_a_word_for_the_vicinity_is_a_place() -> None:
    landed = "10月25日、大型のハリケーン「オーティス」がゲレロ州のアカプルコ付近に上陸し、大きな被害をもたらした。"
    assert _short("10月にメキシコを襲ったハリケーン、どの辺りに上陸したの？", landed) == "アカプルコ"
    held = "1月には、航空自衛隊とインド空軍による初の戦闘機共同訓練が茨城県の百里基地周辺で実施された。"
    assert _short("Where did the Air Self-Defense Force and the Indian Air Force hold their first fighter exercise?",
                  held) == "百里基地"


def test_sokode_opening_a_question_with_a_comma_is_a_conjunction_not_that_place() -> None:
    history = [Turn("user", "日・インドの外相間戦略対話は何回目だった？"),
               Turn("assistant", "第15回です。7月27日にニューデリーで行われました。")]
    asked = "そこで、次の「2+2」をどこでやることになった？"
    assert resolve_references(asked, history, "ja") == asked
    assert resolve_references("そこで何が話し合われた？", history, "ja") == "ニューデリーで何が話し合われた？"


def test_a_proper_noun_between_how_many_and_the_counted_noun_keeps_the_counter() -> None:
    assert classify_question("How many Rohingya refugees did Japan accept?", "en").counter == "人"
    assert classify_question("How many JICA volunteers has Japan sent to Latin America?", "en").counter == "人"
    assert classify_question("How many Japanese companies operate in Ethiopia?", "en").counter == "社"
    assert classify_question("How many did Japan accept in all?", "en").counter is None
    sentence = "エチオピアは、約1億2,000万人の人口を擁し、約30社の日本企業が進出している。"
    assert _short("How many Japanese companies operate in Ethiopia?", sentence) == "約30社"


def test_a_count_of_days_is_answered_by_days_and_a_bilateral_abbreviation_names_a_thing() -> None:
    shipped = "同プロジェクトから日本までの輸送日数は約10日で、中東からの輸送に比べて大幅に短い。"
    assert _short("LNGカナダから日本まで運ぶのに、日数はどのくらいかかるんでしょう。", shipped) == "約10日"
    assert _short("砲弾の数は？", "3日間で約100発の砲弾が発射された。") == "約100発"  # things counted, not days
    agreed = "両外相は、日加情報保護協定の締結に向けた正式な交渉を開始することで一致した。"
    assert _short("日本とカナダが交渉を始めることにした協定は、何という協定ですか。", agreed) == "日加情報保護協定"
    assert _short("何という協定ですか。", "両国は新たな協定の交渉を開始した。") is None  # a kind, not a name


def test_figures_before_a_latin_name_with_fiscal_years_and_countries_and_regions() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import number_spans
    from service.constraints import contradicted, figures

    def read(text: str) -> list[tuple[str, str | None]]:
        return [(s.text, s.counter) for s in number_spans(tagged_words(text), text)]

    held = "7月16日、オークランドで開催された第7回CPTPP委員会の機会に、議定書が署名された。"
    assert ("第7回", "回") in read(held)  # a counted figure before a Latin name is still one
    assert contradicted(figures("第8回のCPTPP委員会はどこで開かれたの？"), held)
    assert read("G7各国とCOP28の議長国") == []  # digits inside a name are none
    assert read("90か国・地域が参加する") == [("90か国・地域", "箇国")]
    rate = "カロリーベースの食料自給率は2022年度で38％にとどまる。"
    assert _short("What is Japan's food self-sufficiency rate on a calorie basis?", rate) == "38％"


def test_a_number_of_days_is_no_day_of_the_month_and_answers_nan_nichi() -> None:
    from service.answer_types import date_spans

    counted = "2023年の年間確認日数は352日と過去最多となった。"
    assert [s.text for s in date_spans(counted)] == ["2023年"]  # 52日 is no date inside 352日
    assert _short("中国海警局の船が見られた日数は、2023年の1年間で何日になりましたか。", counted) == "352日"
    assert _short("2023年に船が確認されたのは何日？", counted) == "352日"  # no day of a month is 352日
    assert _short("会談は何日に行われた？", "会談は9月19日に行われた。") == "9月19日"


def test_an_exception_says_no_to_a_yes_no_question_about_all() -> None:
    from service.answer_types import states_contrary

    entered = "6月2日にフィリピンについて協定が発効し、ミャンマーを除く全ての署名国について発効した。"
    assert states_contrary("RCEPって、署名した国ではもう全部発効してるの？", "ja", entered)
    assert not states_contrary("RCEPはフィリピンについて発効したの？", "ja", entered)  # nothing universal asked
    assert states_contrary("Has it entered into force for all signatories?", "en", "It entered into force for all "
                           "signatories except Myanmar.")


def test_an_ambassador_is_a_person_a_change_comes_to_a_figure_and_a_crossing_a_checkpoint() -> None:
    supported = "在スーダン日本国大使館の服部大使以下の館員が、日本人の陸路での移動を支援した。"
    assert _short("陸路の移動を支えたのはどの大使ですか。", supported) == "服部"
    widened = "2024年から日本人の参加枠を年間1,500人から6,000人に拡大することとなった。"
    assert _short("2024年からの日本人の枠は年に何人になりますか。", widened) == "6,000人"
    crossed = "11月1日以降、ラファ検問所を通過してエジプトに退避した。"
    assert _short("Through which crossing did the Japanese in Gaza get out to Egypt?", crossed) == "ラファ検問所"


def test_a_rank_and_an_ordinal_of_another_counter() -> None:
    ranked = "「持続可能な開発報告書2023」では、日本のSDGs達成度は166か国中21位とされた。"
    assert _short("SDGsの達成度のランキングで、日本は何位だったの？", ranked) == "21位"  # 位 read as くらい
    planned = "日本は、2023年4月、WPSに関する第3次行動計画を策定した。"
    assert _short("それは何回目の計画になるんですか。", planned) == "第3次"


def test_a_counted_noun_prefers_the_figure_in_its_own_counter() -> None:
    learners = "海外で日本語を学ぶ学習者は141か国・地域で約379万人、日本語教師は約7万4,000人であった。"
    assert _short("海外で日本語を学んでいる人は、全部でどのくらいいるんですか。", learners) == "約379万人"
    expo = "2023年末時点で、153か国・地域と7つの国際機関が公式参加を表明した。"
    assert _short("いくつの国・地域が万博への公式参加を表明しましたか。", expo) == "153か国・地域"
    # with no figure in that counter, a paraphrase may still count it
    assert _short("参加した人はどのくらいですか。", "式典には約300の団体が参加した。") == "約300"


def test_of_a_sentence_s_dates_the_one_said_of_the_stage_asked_answers() -> None:
    bbnj = "6月に「海洋生物多様性に関する協定」（BBNJ協定）が採択され、日本は9月20日に同協定に署名した。"
    assert _short("公海の生物多様性を守る協定に、日本がサインしたのはいつですか。", bbnj) == "9月20日"
    assert _short("BBNJ協定が採択されたのはいつですか。", bbnj) == "6月"


def test_a_sentence_holding_off_what_a_yes_no_question_asks_about_says_no() -> None:
    from service.answer_types import states_contrary

    held_off = "ミャンマーについては、2021年2月のクーデター以降、法制度整備支援の新規案件の実施を見合わせている。"
    assert states_contrary("ミャンマー向けの法制度整備支援って、新しい案件もまだやってるの？", "ja", held_off)
    # asked about the holding off itself, the same words say yes
    assert not states_contrary("ミャンマーでは新規案件の実施を見合わせているの？", "ja", held_off)
    assert not states_contrary("ミャンマーへの支援は続いているの？", "ja", "ミャンマーへの支援を続けている。")


def test_english_votes_seats_and_kilometres_are_counted_in_their_own_counters() -> None:
    elected = "11月9日に国連総会と安保理でICJ裁判官選挙が行われ、5人の裁判官が選出された。"
    assert _short("How many votes did the judges elected to the ICJ receive?", elected) is None
    assert _short("How many votes did Japan receive?", "日本は160票を得て当選した。") == "160票"
    assert classify_question("How many seats does the group have?", "en").counter == "議席"


def test_a_country_asked_is_not_a_region_of_the_world() -> None:
    oda = "二国間ODAの約7割はアジア向けで、国別の供与額ではインドが最も多く、バングラデシュ、フィリピンが続いた。"
    assert _short("二国間ODAをいちばん多く受け取った国はどこでしたか。", oda) == "インド"
    # its countries may be asked
    assert _short("日本が支援したのはどの国々ですか。", "日本は中央アジア諸国を支援した。") == "中央アジア諸国"


def test_an_english_university_or_institute_asked_is_a_body() -> None:
    for question in ("Which Japanese university won the moot court competition?",
                     "Which institute runs the programme?", "Which foundation gave the award?"):
        assert classify_question(question, "en").answer_type == AnswerType.ORGANIZATION, question
    held = "9月には、東京で「アジア・カップ」国際法模擬裁判大会が開催され、アジアの大学生が参加した。"
    assert _short("Which Japanese university won the Asia Cup moot court competition?", held) is None


def test_an_acronym_before_a_count_of_countries_is_the_body_not_the_figure() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import organization_spans

    def bodies(text: str) -> list[str]:
        return [s.text for s in organization_spans(tagged_words(text), text)]

    assert bodies("8月には、ASEAN10か国と東ティモールの高校生約200人が参加した。") == ["ASEAN"]
    assert "G20" in bodies("G20サミットが開催された。")  # a figure in the name, no count after it


def test_what_is_the_name_of_the_person_asks_for_a_person_explicitly() -> None:
    assert classify_question("事務局長を務めている日本人は、何という方ですか。", "ja").explicit
    assert classify_question("その日本人はなんて人？", "ja").explicit
    # what kind of people is no explicit request for a name
    assert not classify_question("参加したのはどんな人たちですか。", "ja").explicit
