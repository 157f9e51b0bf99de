"""Spans in the role the question asks: a person with the title asked, a place in the case asked.

Worded unlike eval/dev.jsonl on purpose: the mechanisms must carry over to new wording."""

from __future__ import annotations

import pytest

from service.answer import SpanFinder, titles_agree
from service.answer_types import classify_question
from tests.spans import short_answer_of as _short


@pytest.mark.parametrize(("title", "asked", "agree"), [
    ("", "外務大臣", True),  # a bare name may hold any title
    ("外相", "外務大臣", True),
    ("副首相兼外相", "外務大臣", True),
    ("国務委員長", "外務大臣", False),
    ("外務次官", "外務大臣", False),
    ("大統領", "首相", False),
    ("外務大臣政務官", "外相", False),  # the end of a title is its office: a 政務官
    ("副首相兼外相", "外相", True),
    ("副首相兼経済・持続的発展相", "首相", False),  # a deputy's post is not the post
    ("経済発展貿易相", "経済相", True),
    ("総理大臣", "首相", True),
    ("外相ほか", "外相", True),  # ほか adds other people, not another post
])
def test_titles_agree_by_office(title: str, asked: str, agree: bool) -> None:
    assert titles_agree(title, asked) is agree


def test_a_person_titled_otherwise_does_not_answer_for_the_title_asked() -> None:
    asked = "会談したモンゴルの外務大臣は誰ですか？"
    assert _short(asked, "9月には北朝鮮の金正恩国務委員長がモンゴルを訪問し、会談を行った。") is None
    assert _short(asked, "9月にはバトツェツェグ外相が来日し、会談を行った。") == "バトツェツェグ"
    # A category of office is no title: any minister is a 閣僚.
    assert _short("会談した閣僚は誰ですか？", "9月にはバトツェツェグ外相が来日し、会談を行った。") == "バトツェツェグ"


def test_an_english_question_asks_for_the_office_it_names_as_the_japanese_text_writes_it() -> None:
    from service.answer import english_asked_office

    assert english_asked_office("Who is Georgia's prime minister?") == "首相"
    assert english_asked_office("Who is Georgia's deputy prime minister?") == "副首相"
    assert english_asked_office("Which minister did Foreign Minister Kamikawa meet?") is None
    sentence = "5月にはダヴィタシヴィリ副首相兼経済・持続的発展相が来日した。"
    assert _short("Who is Georgia's prime minister?", sentence) is None
    assert _short("Who is Georgia's deputy prime minister?", sentence) == "ダヴィタシヴィリ"


def test_an_english_minister_by_portfolio_and_a_title_after_a_quoted_body_are_compared() -> None:
    from service.answer import english_asked_office

    assert english_asked_office("Who was the Russian defence minister at odds with the group?") == "国防相"
    sentence = "8月、プリゴジン「ワグネル」代表及び幹部が搭乗していたとされる航空機が墜落した。"
    assert _short("Who was the Russian defence minister at odds with the group?", sentence) is None
    assert _short("Who was the leader of the group on the plane?", sentence) == "プリゴジン"


def test_japans_ministers_and_other_countries_are_titled_apart() -> None:
    sentence = "大統領は初の訪日となり、岸田総理大臣と首脳会談を行い、バトツェツェグ外相も同行した。"
    assert _short("Who is the prime minister of Mongolia who came with the president?", sentence) is None
    assert _short("モンゴルの首相は誰ですか？", sentence) is None
    assert _short("日本の首相は誰ですか？", sentence) == "岸田"
    assert _short("日本の外務大臣は誰ですか？", sentence) is None  # 外相 is another country's
    assert _short("Who is Mongolia's foreign minister?", sentence) == "バトツェツェグ"


def test_who_is_answered_by_a_country_or_body_only_when_the_sentence_makes_it_the_actor() -> None:
    asked = "新しい教科書を執筆したのは誰ですか？"
    assert _short(asked, "また、ロシアでは、新しい歴史教科書の使用が始まった。") is None
    assert _short(asked, "ロシア政府は、新しい歴史教科書を作成した。") == "ロシア政府"
    assert _short(asked, "教科書はロシアによって執筆された。") == "ロシア"


def test_the_spelled_out_acronym_of_the_questions_own_body_and_a_body_of_another_country_are_no_answer() -> None:
    sentence = "3月、国際刑事裁判所（ICC）は、大統領などに対し、逮捕状を発付した。"
    assert _short("ICCに逮捕状を請求した機関はどこ？", sentence) is None
    assert _short("逮捕状を発付した機関はどこ？", sentence) in ("国際刑事裁判所", "ICC")
    assert _short("ペルーの民間軍事会社はどこ？", "ボリビアの民間軍事会社が移動した。") is None


def test_who_with_a_case_particle_may_be_a_country_or_body_in_that_role() -> None:
    sentence = "ロシアは、食料価格の高騰の責任を西側諸国に転嫁して非難している。"
    assert _short("ロシアは価格高騰の責任を誰に転嫁していますか。", sentence) == "西側諸国"
    assert _short("価格高騰の責任を転嫁しているのは誰？", sentence) == "ロシア"


def test_a_post_held_in_person_is_not_answered_by_a_country_or_body() -> None:
    sentence = "ペルーが議長国であった2023年は、首脳会合の場でペルーが結束した対応を主導した。"
    assert _short("首脳会合で議長を務めたのは誰ですか？", sentence) is None
    assert _short("Who chaired the summit?", sentence) is None
    assert _short("首脳会合で対応を主導したのは誰ですか？", sentence) == "ペルー"  # no post: the actor answers
    led = "10月、ケニアが主導する多国籍ミッションの派遣が承認された。"
    assert _short("Who commands the mission?", led) is None
    held = "首脳会合では、ペルーのボルアルテ大統領が議長を務めた。"
    assert _short("首脳会合で議長を務めたのは誰ですか？", held) == "ボルアルテ"


def test_an_office_the_question_gives_another_part_is_not_the_person_asked() -> None:
    sentence = "7月4日には、IAEAのグロッシー事務局長が来日し、報告書を岸田総理大臣に手交していた。"
    assert _short("報告書を総理に手渡したのはだれですか。", sentence) == "グロッシー"
    # a post someone took is the post asked, and a person titled is one holder, not the post
    elected = "9月30日の決選投票において、ムイズ候補が当選し、11月に大統領に就任した。"
    assert _short("11月に大統領に就任したのは誰ですか。", "11月にムイズ大統領が就任した。") == "ムイズ"
    assert _short("決選投票で大統領に選ばれたのは誰？", elected) == "ムイズ"
    assert _short("報告書は、日本側では誰が受け取ったんですか。", sentence) == "岸田"
    met = "尹錫悦大統領は、4月にバイデン大統領と首脳会談を行った。"
    assert _short("バイデン大統領と会談したのは誰？", met) == "尹錫悦"


def test_a_destination_asked_with_dokono_is_where_they_went_not_where_they_left() -> None:
    sentence = "10月19日、日本人51人がペルー軍の輸送機でリマからチリのサンティアゴへ退避した。"
    assert _short("日本人は、どこの都市まで運ばれたの？", sentence) == "サンティアゴ"
    assert _short("日本人は、どこの都市へ逃れたの？", sentence) == "サンティアゴ"


def test_the_place_inside_the_one_the_question_names_before_its_interrogative() -> None:
    from service.answer import modified_by
    from service.answer_types import AnswerType, TypedSpan

    def after(sentence: str, text: str, modifier: str) -> bool:
        start = sentence.index(text)
        return modified_by(sentence, TypedSpan(AnswerType.PLACE, text, start, start + len(text)), modifier)

    assert after("万博は、大阪市の夢洲を会場として開催される。", "夢洲", "大阪の")  # the suffix the question left out
    assert after("ミサイルは北海道渡島大島の西方に落下した。", "北海道渡島大島", "北海道の")  # one compound
    assert not after("ミサイルは北海道の西方に落下した。", "北海道", "北海道の")  # the place itself is not inside it
    assert not after("大阪市と京都市で開催される。", "京都市", "大阪の")
    warrant = "3月17日、ICC予審裁判部は、大統領及びリボワベロワ・ロシア大統領全権代表に対する逮捕状を発付した。"
    assert _short("大統領に逮捕状を出したのは、ICCのどの部門？", warrant) == "ICC予審裁判部"


def test_a_date_describing_the_previous_one_does_not_date_the_new_one() -> None:
    previous = "開発協力大綱は、2015年2月に閣議決定された前大綱以来、8年ぶりの改定となった。"
    assert _short("新しい開発協力大綱が閣議で決まったのはいつ？", previous) is None
    assert _short("前の大綱が閣議決定されたのはいつ？", previous) == "2015年2月"
    assert _short("新しい大綱が閣議で決まったのはいつ？", "6月9日、政府は大綱の改定を閣議決定した。") == "6月9日"


def test_the_post_a_question_says_someone_served_must_be_said_of_them() -> None:
    from service.answer import post_head

    chair = "外務省は、懇談会を計6回開催し、座長を務めた中西寛京都大学教授の下で議論が行われた。"
    assert _short("懇談会で座長代理を務めたのはどなたですか。", chair) is None
    assert _short("懇談会で座長を務めたのはどなたですか。", chair) == "中西寛"
    # the head of the post is compared (国連総会の議長), a title as the text writes it (外相 = 外務大臣), and a word
    # for whoever leads (トップ) is no post to look for
    assert post_head("国連総会議長") == "議長" and post_head("座長代理") == "代理"
    assert _short("7月からメキシコの外相を務めてるのは誰？", "7月には、バルセナ氏が外務大臣に就任した。") == "バルセナ"
    assert _short("JICAのトップを務めているのは誰？", "JICAの田中明彦理事長は、会合で講演した。") == "田中明彦"


def test_the_speaker_an_english_question_asks_about_must_act_in_the_sentence() -> None:
    question = "What did Stoltenberg tell Kishida about Japan's role?"
    finder = SpanFinder(question, classify_question(question, "en"), "en")
    assert finder.names_subject_otherwise("ストルテンベルグ事務総長との会談では、計画に合意した。")  # only met
    assert not finder.names_subject_otherwise("ストルテンベルグ事務総長は、日本の役割を高く評価すると述べた。")
    assert not finder.names_subject_otherwise("岸田総理大臣は、会合に出席した。")  # names him not at all


def test_a_date_said_of_a_start_or_of_the_act_itself_dates_no_end() -> None:
    conducted = "9月には、ペルーで軍による活動が実施され、同地域全域が政府の施政下に入った。"
    assert _short("ペルーでの軍の活動は、いつ終わったのですか？", conducted) is None
    assert _short("When did the military operation in Peru end?", conducted) is None
    begun = "ペルーは、2月10日、チリとの合同軍事演習を開始し、同月24日に開始された侵略では参戦していない。"
    assert _short("2月10日に始まった合同軍事演習は、いつ終わる予定だったのでしょうか？", begun) is None
    # an end said of it, or the end of a stretch, does
    assert _short("合同軍事演習はいつ終わったの？", "合同軍事演習は、2月20日に終了した。") == "2月20日"
    assert _short("会議はいつ終わったの？", "会議は11月19日から12月2日まで開催された。") == "12月2日"
    assert _short("合同軍事演習はいつ始まったの？", begun) == "2月10日"  # a start asked is no end
    # and a start or a reopening asked is not answered by a date of an end or a halt
    closed = "在ペルー日本国大使館は、4月24日以降一時閉館し、チリに臨時事務所を設置した。"
    assert _short("When did Japan's embassy in Peru reopen?", closed) is None
    assert _short("大使館はいつ閉館したの？", closed) == "4月24日"


def test_donata_asks_for_a_person_and_tono_makes_no_actor() -> None:
    sentence = "日本も議論に参加し、専門家の参加を得て「中央アジア・コーカサスとの連結性」を開催した。"
    assert _short("基調講演をしたのはどなたですか？", sentence) is None  # not 日本, nor 専門家
    assert _short("基調講演をしたのは誰？", "ペルーとの対話では、ペルーが基調講演をした。") == "ペルー"
    assert _short("基調講演をしたのは誰？", "会合は「ペルーとの連結性」と題された。") is None


def test_a_katakana_word_after_a_country_ending_a_caption_is_a_place_in_it() -> None:
    caption = "政務官はペルーの第13幼稚園を訪問（5月3日、ペルー・エチミアジン）"
    assert _short("政務官が訪問した幼稚園はどの町にありますか？", caption) == "エチミアジン"


def test_a_kind_of_venue_asked_for_is_answered_by_a_place_of_that_kind() -> None:
    sentence = "ロシアの部隊の一部がベラルーシへ移動し、周辺国との緊張が高まった。"
    assert _short("部隊がベラルーシで駐留した基地はどこ？", sentence) is None
    assert _short("部隊が駐留した基地はどこ？", "部隊はアシポヴィチ基地に駐留した。") == "アシポヴィチ基地"
    assert _short("武器はどの港を経由して運ばれましたか？", "武器はロシアの極東地域を経由した。") is None


def test_a_venue_word_alone_names_no_place() -> None:
    sentence = "5月に政務官が訪問し、環境相と会談し、経済や地域の連結性の分野での協力で一致した。"
    assert _short("政務官が環境相と会談したペルーの都市はどこですか。", sentence) is None
    assert _short("政務官が訪れた都市はどこ？", "5月に政務官がアルカダグ市を訪問した。") == "アルカダグ市"


def test_which_country_with_a_case_particle_asks_for_a_place_in_that_role() -> None:
    sentence = "アルメニアは、次回の会議がアゼルバイジャンで開催されることを支持した。"
    assert _short("次回の会議はどの国で開かれることになりましたか？", sentence) == "アゼルバイジャン"


def test_the_measure_of_a_dono_kurai_question_is_read_though_the_tagger_splits_it() -> None:
    from service.answer import measured_noun

    assert measured_noun("ロシアからの天然ガスの輸入量はどのくらい減りましたか？") == "輸入量"
    assert measured_noun("関税率はどの程度上がった？") == "関税率"


def test_the_year_of_a_full_date_asked_may_be_left_implied() -> None:
    caption = "日・ペルー外相会談（9月20日、米国・ニューヨーク）"
    assert _short("外相会談は何年何月何日に行われましたか？", caption) == "9月20日"
    assert _short("外相会談は何月何日に行われましたか？", "外相会談は9月に行われた。") is None


def test_a_court_is_a_body() -> None:
    asked = "大統領に逮捕状を出した裁判所はどこですか？"
    assert classify_question(asked, "ja").answer_type.value == "organization"
    assert _short(asked, "3月、国際刑事裁判所（ICC）は、大統領などに対し逮捕状を発出した。") == "国際刑事裁判所"


def test_the_object_of_a_request_may_stand_before_an_adverbial_phrase() -> None:
    asked = classify_question("逮捕状を出した日付を、詳しく教えてください。", "ja")
    assert (asked.answer_type.value, asked.explicit) == ("date", False)
    # 日にちまで states the precision wanted: then a date without its day is no answer
    asked = classify_question("逮捕状を出した日付を、日にちまで教えてください。", "ja")
    assert (asked.answer_type.value, asked.explicit, asked.date_units) == ("date", True, frozenset({"日"}))


@pytest.mark.parametrize(("request_", "kind", "head"), [
    ("ペルーの大統領の名前を教えてください。", "person", "大統領"),
    ("次の会合の開催国を教えて", "place", "開催国"),
    ("協定が発効した時期が知りたい", "date", "時期"),
])
def test_the_object_of_a_request_says_what_is_asked(request_: str, kind: str, head: str) -> None:
    asked = classify_question(request_, "ja")
    assert (asked.answer_type.value, asked.head) == (kind, head)
    assert not asked.explicit  # a request is looser than a question: it never causes abstention


def test_a_request_for_the_name_of_a_thing_asks_for_a_name_as_strictly_as_a_question_does() -> None:
    asked = classify_question("両国が署名した文書の名前を教えて", "ja")
    assert (asked.answer_type.value, asked.head, asked.asks_name, asked.explicit) == ("name", "文書", True, True)
    sentence = "政府は、支援として、基金の創設などの優遇措置を打ち出した。"
    assert _short("政府が作った基金の名称を教えてください。", sentence) is None


def test_a_plain_form_predicate_with_a_question_mark_asks_yes_or_no() -> None:
    assert classify_question("大統領は再選された？", "ja").answer_type.value == "yesno"
    assert classify_question("交渉はどうなった？", "ja").answer_type.value == "description"


def test_dochira_with_a_particle_of_place_asks_where_and_donata_asks_who() -> None:
    assert classify_question("会談はどちらで行われましたか？", "ja").answer_type.value == "place"
    assert classify_question("どなたが出席しましたか？", "ja").answer_type.value == "person"
    assert not classify_question("どちらが先ですか？", "ja").explicit


def test_a_place_first_in_a_caption_bracket_answers_where_though_a_remark_follows_it() -> None:
    caption = "日・ペルー首脳会談（11月20日、東京 写真提供：内閣広報室）"
    assert _short("日・ペルー首脳会談はどこで行われた？", caption) == "東京"


def test_an_elliptic_figure_question_keeps_the_direction_it_does_not_state() -> None:
    sentence = "制裁を受け、2022年の実質GDP成長率は1.2%減となった。"
    assert _short("2022年の実質GDP成長率は？", sentence) == "1.2%減"
    assert _short("2022年の輸出額の減少率は？", "2022年の輸出額は34.5%減少した。") == "34.5%"


def test_where_in_english_is_not_answered_by_a_groups_acronym() -> None:
    finder = SpanFinder("Where was the summit held?", classify_question("Where was the summit held?", "en"), "en")
    sentence = "7月には首脳会合（ロシア・サンクトペテルブルク）を開催したほか、BRICS首脳会合にも参加した。"
    assert "BRICS" not in [s.text for s in finder.spans(sentence, finder.question_type.answer_type)]


@pytest.mark.parametrize(("question", "parts"), [
    ("中露の艦艇の共同航行と爆撃機の共同飛行はそれぞれいつ？", ["中露の艦艇の共同航行", "爆撃機の共同飛行"]),
    ("ペルーから日本への輸出額と日本からペルーへの輸出額は、それぞれ何％減った？",
     ["ペルーから日本への輸出額", "日本からペルーへの輸出額"]),
    ("トルクメニスタンとアルメニアの閣僚はそれぞれ誰？", ["トルクメニスタン", "アルメニア"]),  # a shared head
])
def test_conjuncts_run_through_their_own_modifiers(question: str, parts: list[str]) -> None:
    from service.answer_types import coordinated_parts

    assert coordinated_parts(question, "ja") == parts


@pytest.mark.parametrize(("question", "clauses"), [
    ("ペルーで上院選挙が行われたのはいつで、下院選挙はいつでしたか？",
     ["ペルーで上院選挙が行われたのはいつで、", "下院選挙はいつでしたか？"]),
    ("チリについて、憲法改正は何月で、大統領選挙はいつ？", ["チリについて、憲法改正は何月で、", "大統領選挙はいつ？"]),
    ("誰が来日し、誰と会談しましたか？", ["誰が来日し、", "誰と会談しましたか？"]),
    ("いつ、どこで開かれる予定ですか？", []),  # two kinds: one span of each, not two clauses
    ("2022年2月10日、両国の会談はいつ？", []),  # a preamble asks nothing
    ("会談は何年何月何日に行われましたか？", []),  # one date
])
def test_a_question_asking_the_same_kind_twice_is_split_into_its_asking_clauses(question: str,
                                                                                 clauses: list[str]) -> None:
    from service.answer_types import interrogative_clauses

    assert interrogative_clauses(question, "ja") == clauses


def test_each_conjunct_is_found_by_its_own_rarest_word_and_answered_within_its_stretch() -> None:
    from service.answer import locate_part

    def idf(lemma: str) -> float:
        return 1.0 if lemma in ("条約", "選挙") else 3.0

    elections = "ペルーでは、1月に上院議員選挙、3月に下院議員選挙が実施された。"
    asked = "上院選挙と下院選挙はそれぞれ何月？"
    finder = SpanFinder(asked, classify_question(asked, "ja"), "ja")
    for part, other, month in (("上院選挙", "下院選挙", "1月"), ("下院選挙", "上院選挙", "3月")):
        position = locate_part(elections, part, [other], idf)
        assert finder.best_span(elections, finder.question_type.answer_type, near=position).text == month
    laws = "大統領は、2月に新START条約の停止に関する法律、5月に欧州通常戦力（CFE）条約からの脱退に関する法律に署名。"
    position = locate_part(laws, "CFE条約", ["新START"], idf)  # at CFE, not at the first 条約
    assert position is not None and laws.index("CFE") <= position < laws.index("CFE") + 3


def test_a_bracket_holding_two_dates_dates_its_phrase_with_both() -> None:
    sentence = "ロシア軍は艦艇との共同航行（7月から8月）や爆撃機との共同飛行（6月及び12月）を実施した。"
    assert _short("爆撃機との共同飛行はいつ行われましたか？", sentence) == "6月及び12月"


def test_a_noun_the_tagger_splits_into_a_stem_and_a_suffix_is_still_the_noun_asked_about() -> None:
    asked = classify_question("吉川政務官は何という幼稚園を訪れた？", "ja")  # 幼稚 (形状詞) + 園 (接尾辞)
    assert (asked.head, asked.asks_name) == ("幼稚園", True)
    sentence = "政務官はアルメニアのエチミアジン市立第13幼稚園を訪問した。"
    assert _short("吉川政務官は何という幼稚園を訪れた？", sentence) == "エチミアジン市立第13幼稚園"


def test_what_the_question_names_beside_its_answer_is_listed_with_it() -> None:
    sentence = ("また、ロシアの民間軍事会社「ワグネル」の部隊の一部がベラルーシへ移動し、国境を接するポーランドや"
                "リトアニアを始めとした周辺国との緊張が指摘された。")
    asked = "Besides Lithuania, which neighbouring country of Belarus saw tensions rise after Wagner units moved there?"
    assert _short(asked, sentence) == "ポーランド"
    assert _short("ワグネル部隊の移動後、リトアニアのほかに緊張が高まった国はどこ？", sentence) == "ポーランド"


def test_a_run_joining_the_name_put_beside_the_answer_answers_with_the_rest() -> None:
    sentence = "大統領は初の訪日となり、東京・京都を訪問し、首脳会談を行った。"
    assert _short("大統領は東京のほかにどこを訪れた？", sentence) == "京都"
    assert _short("Which Japanese city did the president visit besides Tokyo?", sentence) == "京都"
    assert _short("大統領はどこを訪れた？", sentence) == "東京・京都"


def test_an_elliptic_question_about_a_kind_of_thing_asks_which_one_as_a_guess() -> None:
    asked = classify_question("サハリン1と並んで、日本が権益を維持している開発事業は？", "ja")
    assert (asked.answer_type.value, asked.explicit) == ("name", False)
    sentence = "ロシアにおける開発事業「サハリン1」、「サハリン2」については、権益を維持する方針をとっている。"
    assert _short("サハリン1と並んで、日本が権益を維持している開発事業は？", sentence) == "サハリン2"


def test_the_other_party_of_a_bilateral_compound_is_a_country_of_its_own() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import place_spans

    sentence = "8月には、日・ペルー租税条約が発効し、上海協力機構との対話も進んだ。"
    assert [s.text for s in place_spans(tagged_words(sentence), sentence)] == ["ペルー"]


def test_countries_written_in_kanji_are_named_by_their_english_words() -> None:
    sentence = "こうした状況を受け、米国や中国を含む各国が中央アジア5か国との会合を開催した。"
    assert _short("Alongside the United States, which country held meetings with Central Asia?", sentence) == "中国"
    assert _short("Besides China, which country held meetings with Central Asia?", sentence) == "米国"
    # what kind of organisation: a kind (民間軍事会社) of the noun after "kind of", not which body
    asked = classify_question("What kind of organisation is Wagner?", "en")
    assert (asked.answer_type.value, asked.head, asked.asks_kind) == ("name", "organisation", True)


def test_a_quote_that_nouns_follow_begins_a_longer_name() -> None:
    sentence = "10月には、大統領が第3回「一帯一路」国際協力ハイレベルフォーラム出席のために訪中した。"
    forum = "第3回「一帯一路」国際協力ハイレベルフォーラム"
    assert _short("大統領は何という会議に出るために訪中した？", sentence) == forum
    assert _short("大統領は何という会議に出た？", "大統領は「未来」に出席した。") == "未来"  # a particle ends it


def test_a_question_for_when_something_started_or_ended_takes_that_end_of_a_date_range() -> None:
    sentence = "中央銀行は7月から12月にかけて政策金利を7.5%から16%まで順次引き上げた。"
    assert _short("When did the central bank start raising its policy rate?", sentence) == "7月"
    assert _short("中央銀行が利上げを終えたのはいつ？", sentence) == "12月"
    assert _short("利上げはいつ行われた？", sentence) == "7月から12月"


def test_an_english_flow_from_one_country_to_another_anchors_at_the_japanese_cases() -> None:
    sentence = "ペルーから日本への輸出額は47.2%減少し、また、日本からペルーへの輸出額も34.5%減少した。"
    assert _short("By how much did Japan's exports to Peru decrease?", sentence) == "34.5%"
    assert _short("By what percentage did Peru's exports to Japan fall?", sentence) == "47.2%"


def test_english_to_what_and_from_what_pick_the_end_of_a_change() -> None:
    sentence = "中央銀行は7月から12月にかけて政策金利を7.5%から16%まで順次引き上げた。"
    assert _short("To what level did the central bank raise its policy rate?", sentence) == "16%"
    assert _short("From what level did the central bank raise its policy rate?", sentence) == "7.5%"


def test_the_lower_and_upper_house_in_english_anchor_the_japanese_chamber() -> None:
    sentence = "カザフスタンでは、1月に上院議員選挙、3月に下院議員選挙が実施された。"
    assert _short("In which month were the lower-house elections held?", sentence) == "3月"
    assert _short("In which month were the upper house elections held?", sentence) == "1月"


def test_the_title_of_a_document_is_its_name_and_a_qualifier_does_not_hide_the_document() -> None:
    asked = classify_question("首脳会談で出された共同声明の正式なタイトルを教えて。", "ja")
    assert (asked.head, asked.asks_name) == ("声明", True)
    sentence = "3月の首脳会談の際の共同声明においても、「両国軍の間の相互信頼を深化させていく」としている。"
    assert _short("首脳会談で出された共同声明の正式なタイトルを教えて。", sentence) is None


def test_an_english_title_or_dates_in_the_plural_are_typed_and_an_acronym_names_its_own_compound() -> None:
    asked = classify_question("What is the official title of the December joint statement?", "en")
    assert (asked.answer_type.value, asked.asks_name) == ("name", True)
    sentence = "12月には、両国が締約国会議（COP29）の開催を支持する共同声明を発出した。"
    assert _short("What is the official title of the December joint statement?", sentence) is None
    dates = classify_question("On what dates did the leader visit the Far East?", "en")
    assert (dates.answer_type.value, dates.date_units) == ("date", frozenset({"日"}))


def test_a_name_a_clause_calls_one_of_the_kind_answers_and_a_party_does_not() -> None:
    sentence = "6月には代表団がスマートシティとして建設されたアルカダグ市の式典に出席した。"
    assert _short("トルクメニスタンで建設されたスマートシティの名前は？", sentence) == "アルカダグ市"
    fishing = "1月、ロシア側から、日本の対露政策を理由に、協力費の支払いができないとの通知があった。"
    assert _short("協定に基づいて支払う協力金の名称は？", fishing) is None
    assert _short("What is the name of the new history textbook?",
                  "「特別軍事作戦」の記述を盛り込んだ新たな歴史教科書の使用も始まった。") is None


def test_a_name_asked_for_is_not_the_name_of_a_thing_of_another_kind() -> None:
    sentence = "7月に開催された第2回ペルー・アフリカサミットでは、出席国の数が大きく減少した。"
    assert _short("ペルー・アフリカサミットで採択された宣言の名前は？", sentence) is None
    signed = "両首脳は日・キルギス首脳共同声明に署名した。"
    assert _short("署名された文書の名前は？", signed) == "日・キルギス首脳共同声明"


def test_a_name_asked_for_is_neither_a_place_nor_a_titled_person() -> None:
    sentence = "大統領は初の訪日となり、東京・京都を訪問し、岸田総理大臣と初の首脳会談を行った。"
    assert _short("大統領が京都で見学した神社の名前は？", sentence) is None
    assert _short("大統領が京都で見学した神社の名前は？", "大統領は京都で平安神宮を見学した。") == "平安神宮"
    visits = "1月の吉川ゆうみ外務大臣政務官によるペルー訪問、3月のサイドフ外相代行との電話会談が行われた。"
    assert _short("政務官のペルー訪問の際に署名された文書の名称は？", visits) is None


def test_a_count_followed_by_the_noun_it_counts_answers_only_a_question_about_that_noun() -> None:
    sentence = "戦闘により、同地域から10万人以上の避難民が隣国に流入した。"
    assert _short("戦闘で亡くなった人は何人でしたか？", sentence) is None
    assert _short("戦闘で何人が避難民になりましたか？", sentence) == "10万人以上"
    assert _short("戦闘で亡くなった人は何人でしたか？", "戦闘により、200人が死亡した。") == "200人"


def test_a_name_asked_for_is_not_a_kind_of_the_noun_named_in_either_language() -> None:
    unnamed = "記念として漫画家により作成されたイメージキャラクターが話題になった。"
    named = "漫画家により作成されたイメージキャラクター「ソラ」が話題になった。"
    for asked in ("漫画家が作ったキャラクターの名前は？", "What is the name of the mascot character the artist drew?"):
        assert _short(asked, unnamed) is None
        assert _short(asked, named) == "ソラ"
    assert _short("What is the name of the mascot character the artist drew?",
                  "「対話」が10周年を迎え、漫画家によりイメージキャラクターが作成された。") is None


def test_an_english_figure_question_keeps_the_direction_it_does_not_state() -> None:
    sentence = "制裁を受け、2022年の実質GDP成長率は1.2%減となった。"
    finder = SpanFinder("What was the real GDP growth in 2022?",
                        classify_question("What was the real GDP growth in 2022?", "en"), "en")
    assert finder.best_span(sentence, finder.question_type.answer_type).text == "1.2%減"
    assert not classify_question("By how much did exports fall in 2022?", "en").wants_direction
    assert classify_question("How close to the capital did the fighters get?", "en").answer_type.value == "number"


def test_a_figure_keeps_the_direction_the_question_does_not_state() -> None:
    sentence = "制裁を受け、2022年の実質GDP成長率は1.2%減となった。"
    assert _short("2022年の実質GDP成長率は何％でしたか？", sentence) == "1.2%減"
    assert _short("2022年の実質GDP成長率は何％減りましたか？", sentence) == "1.2%"


def test_a_noun_of_quantity_before_a_name_is_not_part_of_it() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import noun_compound_spans

    sentence = "出典は全て財務省貿易統計による。"
    assert "財務省貿易統計" in [s.text for s in noun_compound_spans(tagged_words(sentence), sentence)]


def test_a_body_of_another_country_than_the_one_owning_what_is_asked_does_not_answer() -> None:
    from service.answer import owner_countries

    assert owner_countries("ロシアの漁業協議の相手方の省庁はどこですか？", "省庁") == frozenset({"ロシア"})
    assert owner_countries("キルギスとの覚書に署名した当局はどこ？", "当局") == frozenset()  # a partner, not an owner
    asked = "ロシアの漁業協議の相手方の省庁はどこですか？"
    assert _short(asked, "日本政府は、ロシアとの協議を行ってきた。") is None


def test_the_day_of_something_is_not_answered_by_a_year_alone() -> None:
    sentence = "ペルー国内では、2024年には議会選挙、2025年には大統領選挙を控えている。"
    assert _short("ペルーの議会選挙の投票日はいつですか？", sentence) is None
    assert _short("ペルーの議会選挙はいつですか？", sentence) == "2024年"


def test_an_elliptic_count_question_asks_for_that_count() -> None:
    asked = classify_question("移動した部隊の人数は？", "ja")
    assert (asked.answer_type.value, asked.counter, asked.explicit) == ("number", "人", True)
    assert not classify_question("輸出額は？", "ja").explicit  # a figure or a trend: a guess


def test_an_adjectives_stem_is_no_name() -> None:
    from index.tokenize import tagged_words
    from service.answer_types import noun_compound_spans

    sentence = "当時は局地的にテロが発生するなど、不安定な要素も抱えていた。"
    assert "局地的" not in [s.text for s in noun_compound_spans(tagged_words(sentence), sentence)]


def test_a_question_that_states_the_day_as_its_precision_is_not_answered_by_a_month() -> None:
    sentence = "10月には、ペルー議会が新たな鉱業法を可決した。"
    assert _short("ペルーの鉱業法が可決された日を、日にちまで教えて。", sentence) is None
    assert _short("鉱業法の可決日を日付で。", sentence) is None
    assert _short("鉱業法の可決日を日付で。", "10月12日、ペルー議会が新たな鉱業法を可決した。") == "10月12日"
    assert _short("ペルーの鉱業法はいつ可決された？", sentence) == "10月"


def test_an_english_question_for_an_office_holder_is_answered_by_a_person_only() -> None:
    from service.answer import english_asked_office

    # A portfolio before the bare title "minister" still names the office asked.
    assert english_asked_office("Which Peruvian trade minister did the envoy meet?") == "貿易相"
    met = "6月に特使が訪問し、カスティーヨ外務次官、ロペス貿易次官と会談した。"
    assert _short("Which Peruvian trade minister did the envoy meet?", met) is None
    caption = "日・ペルー首脳会談（6月2日、リマ 写真提供：内閣広報室）"
    assert _short("Who was Peru's president at the June summit in Lima?", caption) is None
    # With no office asked, "who" may still be answered by a country that is the sentence's actor.
    assert _short("Who supplied the patrol boats?", "ペルーは、巡視艇を供与した。") == "ペルー"


def test_a_body_or_thing_an_english_question_names_is_not_its_answer() -> None:
    sentence = "日本は、「サハリン2」については、権益を維持する方針をとっている。"
    assert _short("Which Japanese companies hold stakes in Sakhalin-2?", sentence) is None
    # A compound the name only modifies is another thing, and may answer.
    assert _short("Which treaty between Japan and Peru took effect in May?",
                  "5月には、日・ペルー租税条約が発効した。") == "日・ペルー租税条約"


def test_a_city_is_not_answered_by_a_region_of_the_world() -> None:
    sentence = "8月に特使が南米を訪問し、ペルーの外相と会談した。"
    assert _short("特使が外相と会談した都市はどこ？", sentence) is None
    assert _short("In which city did the envoy meet Peru's foreign minister?",
                  "8月に特使がアンデス地域を訪問し、外相と会談した。") is None
    assert _short("特使が外相と会談した都市はどこ？", "8月に特使が南米のリマを訪問し、外相と会談した。") == "リマ"


def test_a_person_in_a_stretch_dated_by_another_month_belongs_to_another_event() -> None:
    sentence = ("日本との関係では、2月の特使によるペルー訪問、4月の外務大臣とガルシア外相との電話会談、"
                "9月のロペス副大統領の訪日が行われた。")
    assert _short("2月にペルーを訪れた特使が会ったのは誰？", sentence) is None
    assert _short("9月に訪日したペルーの要人は誰？", sentence) == "ロペス"
    assert _short("Who came to Japan from Peru in September?", sentence) == "ロペス"
    # A stretch that names no month may be dated by the question's.
    assert _short("4月に電話会談をした外相は誰？", "電話会談では、ガルシア外相が謝意を述べた。") == "ガルシア"


def test_a_countrys_office_holder_is_not_found_in_a_sentence_about_other_countries_only() -> None:
    about_chile = "日本との関係では、3月の外務大臣とロハス外相との電話会談がチリとの間で行われた。"
    assert _short("ペルーの外務大臣って誰？", about_chile) is None
    assert _short("チリの外務大臣って誰？", about_chile) == "ロハス"
    # A sentence naming no country may go on about the one asked.
    assert _short("ペルーの外務大臣って誰？", "同月にはロハス外相が来日した。") == "ロハス"


def test_a_word_for_a_kind_of_body_alone_names_no_body() -> None:
    sentence = "日本はペルーとの対話の枠組みを2010年に立ち上げた。"
    assert _short("ペルーとの対話の事務局を務める機関はどこ？", sentence) is None
    assert _short("ペルーとの対話の事務局を務める機関はどこ？",
                  "対話の事務局は国際協力機構が務めている。") == "国際協力機構"


def test_a_theme_or_a_slogan_is_what_the_text_quotes() -> None:
    assert _short("記念式典のキャッチフレーズは何ですか？", "記念式典ではハイレベルの対話が行われた。") is None
    assert _short("記念式典のキャッチフレーズは何ですか？",
                  "記念式典は「共に未来へ」を掲げ、ハイレベルの対話が行われた。") == "共に未来へ"


def test_an_english_where_question_asks_for_the_place_in_the_role_its_verb_says() -> None:
    from service.answer import english_place_case

    assert english_place_case("Where was the third round of talks held?") == "で"
    assert english_place_case("Where did the envoy travel in May?") == "to"
    assert english_place_case("Where did the refugees come from?") == "から"
    assert english_place_case("Where is the new port?") is None
    sentence = "リマで開催された会合では、ペルーとチリが協力で一致した。"
    assert _short("Where was the meeting held?", sentence) == "リマ"
    assert _short("Where did the envoy travel after the meeting?", sentence) is None
    assert _short("Where did the envoy travel in May?", "5月に特使はチリを訪問した。") == "チリ"


def test_a_word_pointing_back_names_nothing_and_a_cause_is_what_the_text_gives_as_one() -> None:
    sentence = "大地震（2010年）を受け、チリ軍が同地域に展開し、ペルーも同地域への支援を強めた。"
    asked = "チリ軍が南部に展開するきっかけとなった出来事は何ですか？"
    assert _short(asked, sentence) == "大地震"
    assert _short("チリ軍が展開した地域の名前は何？", "チリ軍が同地域に展開した。") is None


def test_may_and_march_in_lower_case_date_nothing() -> None:
    sentence = "日本との関係では、2月の特使によるペルー訪問、9月のロペス副大統領の訪日が行われた。"
    assert _short("Who may have come to Japan from Peru?", sentence) == "ロペス"
    assert _short("Who came to Japan from Peru in May?", sentence) is None


def test_an_english_question_for_a_kind_of_body_is_not_answered_by_a_body_of_another_kind() -> None:
    sentence = "6月にはペルー・日本友好議員連盟の代表が新都市の式典に出席した。"
    assert _short("Which company built the new city?", sentence) is None
    assert _short("Which company built the new city?", "新都市はリマ建設会社が建設した。") == "リマ建設会社"
    # words for bodies of government are bodies too
    assert classify_question("協議に応じたのはどの当局ですか？", "ja").answer_type.value == "organization"


def test_the_title_of_a_person_the_question_names_is_written_after_the_name() -> None:
    sentence = "9月に外務大臣はロペス副首相兼外相と会談し、ガルシア経済次官も同席した。"
    assert _short("ペルーのロペス氏の肩書きは？", sentence) == "副首相兼外相"
    assert _short("What was Garcia's post at the meeting?", sentence) == "経済次官"
    assert _short("ペルーのサンチェス氏の肩書きは？", sentence) is None


def test_the_name_put_beside_the_answer_alone_is_not_the_answer() -> None:
    sentence = "その後も、大統領はリマなどで会談を行った。"
    assert _short("Apart from Lima, in which city did the presidents meet?", sentence) is None
    assert _short("リマのほかに、どの都市で会談した？", sentence) is None
    assert _short("Apart from Lima, in which city did the presidents meet?", "大統領はリマ・クスコで会談を行った。") \
        == "クスコ"


def test_events_joined_by_oyobi_are_dated_each_by_its_own_month() -> None:
    sentence = "日本との関係では、7月のロペス副大統領の訪日及び10月の外務大臣とガルシア外相との電話会談が行われた。"
    assert _short("10月に電話会談をしたペルーの要人は誰？", sentence) == "ガルシア"
    assert _short("7月に来日したペルーの要人は誰？", sentence) == "ロペス"


def test_the_japanese_side_and_a_category_of_office_narrow_who_is_asked() -> None:
    sentence = "7月には政務官がペルーを訪問し、ロペス副大統領と会談を行った。"
    assert _short("ペルーを訪問した日本側の閣僚は誰？", sentence) is None  # a katakana name is not Japan's side
    met = "7月には吉田外務大臣政務官がペルーを訪問し、ロペス副大統領と会談を行った。"
    assert _short("ペルーを訪問した日本の閣僚は誰？", met) is None  # a 政務官 is no cabinet minister
    assert _short("ペルーを訪問した日本の閣僚は誰？", met.replace("外務大臣政務官", "外務大臣")) == "吉田"


def test_where_as_a_subject_asks_for_the_actor_not_a_place_where_something_happened() -> None:
    caption = "日・ペルー外相会談（9月20日、米国・ニューヨーク）"
    assert _short("外相会談の写真は、どこが提供したものですか？", caption) is None
    assert _short("支援をどこが決めたの？", "10月、ペルーは緊急支援を決定した。") == "ペルー"


def test_a_sea_is_answered_by_a_sea() -> None:
    sentence = "ペルー海軍がチリ軍の艦艇との共同航行（7月）を実施した。"
    assert _short("共同航行はどの海で行われた？", sentence) is None
    assert _short("共同航行はどの海で行われた？", "7月、ペルー海軍は太平洋で共同航行を実施した。") == "太平洋"


def test_the_person_whose_role_is_asked_does_not_hold_it() -> None:
    sentence = "ロペス大統領は、12月、2026年大統領選挙への立候補を表明した。"
    assert _short("Who was Lopez's main rival in the 2026 election?", sentence) is None
    assert _short("Who announced a run in the 2026 election?", sentence) == "ロペス"


def test_an_english_questions_acts_anchor_its_span_through_the_genres_words() -> None:
    sentence = "チリやペルーとは異なり、ボリビアは例外的に支持を表明した。"
    assert _short("Which country is the exception that declared its support?", sentence) == "ボリビア"
    began = "7月に開始した日・ペルー租税条約の締結交渉は、10月の2回目の締結交渉で合意に至った。"
    assert _short("When did the tax treaty negotiations begin?", began) == "7月"


def test_a_country_the_english_question_names_never_stands_in_for_who() -> None:
    sentence = "日本も議論に参加し、3月、フォーラムとの共催で東京対話を開催した。"
    assert _short("Who chairs the Global Forum of Japan?", sentence) is None
    assert _short("Who co-hosted the Tokyo Dialogue with the Forum?", sentence) == "日本"


def test_an_acronym_glossing_a_treaty_and_a_ministry_are_no_alliance() -> None:
    sentence = "ペルーは新太平洋条約（新PACT）の停止に関する法律に署名し、11月にペルー外務省が手続完了を発表した。"
    assert _short("Which alliance suspended its obligations under the treaty?", sentence) is None
    assert _short("Which alliance did Peru leave?", "ペルーは11月、南米同盟から脱退した。") == "南米同盟"


def test_an_acronym_glossing_the_compound_before_it_annotates_no_venue() -> None:
    sentence = "ペルーとチリは共同声明で、2026年の太平洋会議（PAC7）の招致を取り下げた。"
    assert _short("共同声明はどこで発表された？", sentence) is None
    assert _short("会合はどこで開かれた？", "太平洋会議（リマ）が開かれた。") == "リマ"


def test_a_place_the_question_names_as_a_partner_may_answer_where() -> None:
    sentence = "ペルーとの関係では、3月、両国はペルーで合同委員会の第2回会合を開催した。"
    assert _short("ペルーとの合同委員会の第2回会合はどこで開かれた？", sentence) == "ペルー"
    assert _short("ペルーで開かれた合同委員会の第2回会合はどこで開かれた？", sentence) is None


def test_where_as_the_one_who_did_something_may_be_a_body() -> None:
    sentence = "インフレ圧力の継続を受け、ペルー中央銀行は7月から政策金利を順次引き上げた。"
    assert _short("ペルーの政策金利を引き上げたのはどこ？", sentence) == "ペルー中央銀行"
    assert _short("政策金利の引上げはどこで決まった？", sentence) is None  # どこで asks where, not who


def test_english_minister_questions_compare_the_office() -> None:
    from service.answer import english_asked_office

    assert english_asked_office("Which Peruvian minister for the economy did the envoy meet?") == "経済相"
    met = "5月に吉田外務大臣政務官が訪問し、ロペス国会議長、ガルシア外務次官と会談した。"
    assert _short("Which Peruvian minister did the envoy meet in May?", met) is None  # no minister among them
    acting = "3月の外務大臣とサンチェス外相代行との電話会談が行われた。"
    assert _short("Who was Peru's foreign minister in March?", acting) == "サンチェス"


def test_which_party_is_not_answered_by_the_ruling_party() -> None:
    sentence = "ペルーでは、3月に議会選挙が実施され、与党が勝利した。"
    assert _short("Which party won Peru's election in March?", sentence) is None
    assert _short("どの政党が3月の選挙で勝利した？", sentence) is None
    named = "3月の議会選挙では国民刷新党が勝利した。"
    assert _short("Which party won Peru's election in March?", named) == "国民刷新党"


def test_a_japanese_question_for_a_kind_of_body_is_not_answered_by_a_body_of_another_kind() -> None:
    sentence = "6月にはペルー・日本友好議員連盟の代表が新都市の式典に出席した。"
    assert _short("新都市を建設した企業はどこ？", sentence) is None
    assert _short("新都市を建設した企業はどこ？", "新都市はリマ建設会社が建設した。") == "リマ建設会社"
    assert _short("申し入れを受けたペルーの省庁は？", "日本政府はペルー政府に対し、立場を申し入れた。") is None


def test_the_press_is_not_answered_by_a_ministry() -> None:
    sentence = "6月には、国防省との対立が報じられていた部隊がリマに到達した。"
    assert _short("Which newspaper reported the clash with the defence ministry?", sentence) is None


def test_the_body_before_a_title_tagged_as_two_words_is_a_body() -> None:
    sentence = "5月に大臣政務官がペルーを訪問し、ロペス国家関税委員会委員長と会談した。"  # 委員+長
    assert _short("ロペス氏はどの機関の委員長ですか？", sentence) == "国家関税委員会"


def test_a_person_the_english_question_names_never_answers_who() -> None:
    sentence = "8月、ロペス「ルス」代表が搭乗していたとされる航空機が墜落した。"
    assert _short("Who took over as head of Luz after Lopez's death?", sentence) is None
    assert _short("Who headed Luz when the plane crashed in August?", sentence) == "ロペス"


def test_a_span_beside_another_ordinal_belongs_to_that_event() -> None:
    sentence = "ペルーは6月に第11次制裁パッケージを、12月には第12次制裁パッケージを採択した。"
    assert _short("第11次制裁パッケージはいつ採択された？", sentence) == "6月"
    assert _short("第12次制裁パッケージはいつ採択された？", sentence) == "12月"


def test_a_day_of_another_month_than_the_one_asked_is_another_event_s() -> None:
    sentence = "7月12日のリマでの会合の際、9月のクスコでの会議の際、11月16日のサンフランシスコでの会議の際に会談した。"
    assert _short("On what day in September did the leaders meet in Cusco?", sentence) is None
    assert _short("On what day in November did the leaders meet?", sentence) == "11月16日"


def test_a_figure_dated_by_another_year_than_the_one_asked_is_that_year_s() -> None:
    sentence = "2023年に発生した事案は、ピーク時の2011年の237件から大幅に減少し、8件にとどまった。"
    assert _short("2023年の事案は何件？", sentence) == "8件"
    assert _short("2011年の事案は何件？", sentence) == "237件"


def test_a_question_for_when_something_began_takes_the_first_day_of_a_stretch() -> None:
    sentence = "8月27日から28日まで、リマにおいて閣僚会合が開催された。"
    assert _short("When did the ministerial meeting in Lima open?", sentence) == "8月27日"
    assert _short("閣僚会合はいつからいつまで開かれた？", sentence) == "8月27日から28日"  # both ends asked


def test_the_measured_thing_is_not_the_giver_and_a_visit_to_japan_is_one_event() -> None:
    from service.answer import measured_noun, names_the_measured

    assert measured_noun("ペルーの信託基金に日本はいくら出した？") is None  # 日本 gave; it is not measured
    assert _short("ペルー国王の9月の来日は即位後何回目？", "同国王の訪日は、国王即位後14回目となる。") == "14回目"
    # the answerer keeps a figure only from a sentence naming what it measures: 訪日 names the 来日 asked
    visit = measured_noun("ペルー国王の9月の来日は即位後何回目？")
    assert names_the_measured(visit, "同国王の訪日は、国王即位後14回目となる。")
    assert not names_the_measured(visit, "同国王の即位は14年前である。")


def test_an_english_to_without_its_object_asks_for_the_end_of_a_range() -> None:
    sentence = "ペルー中央銀行は7月から12月にかけて政策金利を7.5%から16%まで順次引き上げた。"
    assert _short("What level had Peru's central bank raised its policy rate to by December?", sentence) == "16%"


def test_only_the_month_of_the_day_asked_for_rules_out_other_days() -> None:
    sentence = "8月に始まった演習は、9月12日に終了した。"
    assert _short("8月に始まった演習は何日に終わった？", sentence) == "9月12日"  # 8月 dates the start
    assert _short("9月の何日に終わった？", "演習は10月2日に終了した。") is None


def test_a_date_in_a_clause_describing_a_noun_is_not_when_the_event_happened() -> None:
    sentence = "日本は、2013年に立ち上げた「日・ペルー政治対話」の第3回会合を、9月5日にリマで開催した。"
    assert _short("When was the third round of the Japan-Peru Political Dialogue held?", sentence) == "9月5日"
    assert _short("日・ペルー政治対話はいつ立ち上げた？", sentence) == "2013年"  # the clause's own verb is asked


def test_an_office_of_a_country_named_another_way_is_still_that_country_s() -> None:
    # アメリカの商務長官: the sentence writes the country 米国, which still names it
    sentence = "米国からブリンケン国務長官及びレモンド商務長官が出席した。"
    assert _short("アメリカの商務長官は誰ですか。", sentence) == "レモンド"
    assert _short("ベラルーシの商務長官は誰ですか。", "ロシアからレモンド商務長官が出席した。") is None


def test_a_yes_no_question_about_a_person_is_decided_only_by_a_sentence_speaking_of_them() -> None:
    from service.answer import SpanFinder

    def speaks(question: str, language: str, sentence: str) -> bool:
        finder = SpanFinder(question, classify_question(question, language), language)
        assert finder.names_a_person()
        return finder.speaks_of_asked_person(sentence)

    asked = "林大臣のウガンダ訪問は、日本の外相として初めてだったの？"
    assert speaks(asked, "ja", "林外務大臣は、7月にウガンダを訪問した。")
    assert speaks(asked, "ja", "日本の外務大臣によるウガンダ訪問は初めてである。")  # the office, no one else
    assert not speaks(asked, "ja", "上川外務大臣は、11月にウガンダを訪問した。")  # someone else
    luxon = "Did Prime Minister Luxon visit Japan in 2023?"
    assert not speaks(luxon, "en", "4月、ヒプキンス首相は首相として初めて訪日した。")
    assert not speaks(luxon, "en", "12月には第3回会合が長崎で開催された。")  # no one in that office
    assert not SpanFinder("Did Japan send firefighters?", classify_question("Did Japan send firefighters?", "en"),
                          "en").names_a_person()


def test_another_holder_of_the_asked_person_s_office_speaks_of_another_time() -> None:
    def another(question: str, sentence: str) -> bool:
        return SpanFinder(question, classify_question(question, "ja"), "ja").names_another_holder(sentence)

    asked = "日韓外相電話会談で、林外務大臣が謝意を伝えた相手は誰ですか。"
    assert another(asked, "10月の日韓外相電話会談では、上川外務大臣が朴振外交部長官に謝意を伝えた。")
    assert not another(asked, "林芳正外務大臣が朴振外交部長官に謝意を伝えた。")  # the full name
    assert not another(asked, "ジャイシャンカル外務大臣と会談した。")  # a foreign minister written so
    # another Japanese minister acting instead (西村経済産業大臣が署名) speaks of another act; a deputy minister or
    # a foreign office does not
    assert another(asked, "西村経済産業大臣が出席した。")
    assert not another(asked, "武井外務副大臣が出席した。")
    assert not another(asked, "林外務大臣と西村経済産業大臣が出席した。")
    # an office asked about, misread as a name and its title, names no one
    assert not another("中東和平担当特使を務めているのはだれ？", "上村司中東和平担当特使は中東地域を訪問した。")
    # a foreign person the question names, and another in that office
    warrant = "3月、国際刑事裁判所は、プーチン大統領などに対し、逮捕状を発付した。"
    assert another("ルカシェンコ大統領に逮捕状が出たのはいつ？", warrant)
    assert not another("プーチン大統領に逮捕状が出たのはいつ？", warrant)
    english = "When did the International Criminal Court issue an arrest warrant for President Lukashenko?"
    assert SpanFinder(english, classify_question(english, "en"), "en").names_another_holder(warrant)
    putin = "When did the International Criminal Court issue an arrest warrant for President Putin?"
    assert not SpanFinder(putin, classify_question(putin, "en"), "en").names_another_holder(warrant)


def test_a_date_asked_of_an_event_set_in_one_place_is_not_read_from_an_event_set_in_another() -> None:
    def elsewhere(question: str, sentence: str) -> bool:
        return SpanFinder(question, classify_question(question, "ja"), "ja").held_elsewhere(sentence)

    asked = "東京で署名された日英円滑化協定、署名日は何日だった？"
    assert elsewhere(asked, "英国との間では、1月11日、ロンドンにおいて日英円滑化協定が署名された。")
    assert not elsewhere(asked, "1月11日、東京において日英円滑化協定が署名された。")
    assert not elsewhere(asked, "1月11日、日英円滑化協定が署名された。")  # no place: it may be the same event
    assert not elsewhere(asked, "1月11日、英国で日英円滑化協定が署名された。")  # a country may hold the city
    assert elsewhere("メキシコで首脳会談をしたのはいつ？", "1月13日、米国で首脳会談を行った。")  # two countries
    # a country and an island or city: one may hold the other, as far as the dictionary tells
    assert not elsewhere("トンガで開かれるPIF総会はいつから？",
                         "11月6日から、クック諸島のラロトンガでPIF総会が開催された。")
    assert not elsewhere("ワシントンで会談したのはいつ？", "1月13日、ワシントンD.C.において首脳会談を行った。")
    # a place asked may lie in the one the question gives
    assert not elsewhere("岸田総理がケニアでスピーチをした都市は？",
                         "岸田総理大臣は、ナイロビにおいてスピーチを行った。")


def test_what_the_subject_of_a_question_said_is_not_read_where_they_are_only_met_or_thanked() -> None:
    from service.answer import acting_people

    assert acting_people("ライースィ大統領は、岸田総理の求めに対してどう答えたの？") == {"ライースィ"}
    assert acting_people("岸田総理大臣とマルコス大統領は、仲裁判断を確認した。") == {"岸田", "マルコス"}
    assert acting_people("岸田総理大臣がライースィ大統領と首脳会談を行った。") == {"岸田"}

    def otherwise(question: str, sentence: str) -> bool:
        return SpanFinder(question, classify_question(question, "ja"), "ja").names_subject_otherwise(sentence)

    asked = "ライースィ大統領は、岸田総理の求めに対してどう答えたの？"
    assert otherwise(asked, "9月19日、岸田総理大臣がニューヨークでライースィ大統領と首脳会談を行い、復帰を求めた。")
    assert not otherwise(asked, "ライースィ大統領は、制裁の解除が先だと述べた。")
    assert not otherwise(asked, "9月19日、国連総会が開かれた。")  # not named: another test's matter


def test_a_person_asked_of_a_foreign_side_is_not_a_japanese_official() -> None:
    sentence = "ジュネーブで国際会議が開催され、日本からは武井外務副大臣が出席した。"
    assert _short("パキスタン側の代表を務めたのはどなたですか。", sentence) is None
    assert _short("フィリピンからは、誰が出席したのですか。", sentence) is None
    assert _short("日本からは誰が出席したのですか。", sentence) == "武井"
    named = "ジュネーブで国際会議が開催され、パキスタンからはシャリフ首相が出席した。"
    assert _short("パキスタン側の代表を務めたのはどなたですか。", named) == "シャリフ"
    # a side whose people the documents name in kanji too
    assert _short("中国側からは誰が出席しましたか。", "会合には中国から王毅外交部長が出席した。") == "王毅"


def test_an_english_question_s_venue_is_read_as_the_retrieved_text_writes_it() -> None:
    from index.chunk import Passage
    from index.retrieve import RetrievedPassage

    def elsewhere(question: str, passage_text: str, sentence: str) -> bool:
        finder = SpanFinder(question, classify_question(question, "en"), "en")
        passage = Passage("d:p0", "d", "t", (), "body", passage_text, 0, len(passage_text))
        finder.read_english_venues([RetrievedPassage(passage, 1.0, 1, 1)])
        return finder.held_elsewhere(sentence)

    text = "日韓首脳会談はビリニュスで行われた。東京でも会談した。"
    asked = "When was the Japan-Korea summit in Vilnius held?"
    assert elsewhere(asked, text, "3月16日、東京で日韓首脳会談が行われた。")  # two cities
    assert not elsewhere(asked, text, "7月12日、ビリニュスで日韓首脳会談が行われた。")
    # a name the retrieved text never writes has no known kind: it rules nothing out
    assert not elsewhere("When was the summit in Oslo held?", text, "3月16日、東京で日韓首脳会談が行われた。")


def test_a_place_asked_of_a_relation_is_the_one_said_with_it() -> None:
    met = "ジッダでは、岸田総理大臣とブダイウィGCC事務局長との間で、交渉を再開することで一致した。"
    assert _short("ブダイウィGCC事務局長はどこの国の出身？", met) is None  # where they met says nothing of it
    born = "2009年、米国オレゴン州ポートランド出身のミッチェルさんは遠野市に赴任した。"
    assert (_short("ミッチェルさんはどこの出身？", born) or "").startswith("米国オレゴン州ポートランド")
    seat = "12月14日、東京で条約に署名し、GIGOの本部は英国に置かれることになった。"
    assert _short("GIGOの本部はどこの国に置かれるの？", seat) == "英国"


def test_where_something_was_decided_may_be_the_meeting_that_decided_it() -> None:
    decided = "日本は、4月5日、国家安全保障会議において「政府安全保障能力強化支援の実施方針」を決定した。"
    assert _short("OSAの実施方針って、どこで決められたんでしたっけ？", decided) == "国家安全保障会議"
    # a meeting named in another role is no venue
    assert _short("OSAの実施方針って、どこで決められたんでしたっけ？",
                  "国家安全保障会議の決定を受け、日本は実施方針を公表した。") is None
