"""Figures a question states, and sentences that contradict them (wording unlike the dev questions)."""

from service.constraints import (
    Figure,
    contradicted,
    english_figures,
    figures,
    named_things,
    other_country_topic,
    other_instance,
)


def test_figures_tell_years_ordinals_intervals_and_counts_apart():
    found = figures("2019年に第3回会合が開かれ、5年ぶりに12か国が参加し、2回目の協議も行われた。")
    assert Figure("年:year", "2019") in found
    assert Figure("回:ordinal", "3") in found
    assert Figure("年:interval", "5") in found
    assert Figure("箇国:count", "12") in found
    assert Figure("回:ordinal", "2") in found


def test_a_sentence_about_another_ordinal_contradicts_the_question():
    asked = figures("第4回の閣僚協議はどこで行われましたか？")
    assert contradicted(asked, "第5回閣僚協議は5月に東京で行われた。") == [Figure("回:ordinal", "4")]
    assert contradicted(asked, "第4回閣僚協議は5月に東京で行われた。") == []


def test_the_first_of_something_is_its_first_ordinal():
    asked = figures("2015年に開かれた最初の首脳会合の開催地はどこ？")
    assert contradicted(asked, "7月には2015年に引き続き2回目となる首脳会合（ペルー・リマ）を開催した。") == [
        Figure("回:ordinal", "1")]
    assert contradicted(asked, "2015年の第1回首脳会合はリマで開かれた。") == []
    assert contradicted(figures("初めて訪日したのはいつ？"), "11月には大統領が訪日した。") == []


def test_an_english_question_names_the_ordinal_of_a_meeting_or_a_visit():
    asked = english_figures("Where was the first Peru-Pacific summit held in 2015?")
    assert contradicted(asked, "7月には2015年に引き続き2回目となる首脳会合（ペルー・リマ）を開催した。") == [
        Figure("回:ordinal", "1")]
    assert english_figures("Who chaired the 4th Lima Dialogue?") == frozenset({Figure("回:ordinal", "4")})
    # an ordinal of a term or a title counts no meeting
    assert english_figures("Who is the first deputy minister, serving a third term?") == frozenset()


def test_an_english_question_names_its_month_as_a_japanese_one_does():
    asked = english_figures("In which city did the Japan-Peru foreign ministers' meeting of 20 October take place?")
    assert asked == frozenset({Figure("月:count", "10")})
    assert contradicted(asked, "日・ペルー外相会談（9月20日、米国・ニューヨーク）") == [Figure("月:count", "10")]
    assert contradicted(asked, "10月20日、リマで外相会談を行った。") == []
    assert english_figures("May I ask who attended?") == frozenset()  # a verb, not the month
    assert english_figures("What did they agree in May 2023?") == frozenset({Figure("月:count", "5")})


def test_a_sentence_without_that_kind_of_figure_neither_agrees_nor_disagrees():
    asked = figures("3月の会談で何が合意されたのですか？")
    assert contradicted(asked, "両国は経済協力の拡大で合意した。") == []
    assert contradicted(asked, "9月の会談では経済協力の拡大で合意した。") == [Figure("月:count", "3")]


def test_any_of_the_figures_a_question_names_agrees():
    asked = figures("5月から7月にかけて何回の協議が行われましたか？")
    assert contradicted(asked, "7月には2回の協議が行われた。") == []


def test_commas_and_full_width_digits_do_not_change_a_value():
    assert figures("１，５００人が参加した。") == figures("1500人が参加した。")


def test_a_sentence_naming_only_other_stages_of_an_agreement_speaks_of_another_event() -> None:
    from service.constraints import other_stage, stages

    asked = stages("日・ペルー投資協定はいつ署名されたのですか？")
    assert asked == frozenset({"signing"})
    assert other_stage(asked, "3月には日・ペルー投資協定が発効した。")
    # 締結交渉 is a negotiation: the stage is the head of its compound.
    assert other_stage(asked, "5月に開始した同協定の締結交渉は、9月に実質合意に至った。")
    assert not other_stage(asked, "1月に調印された同協定は、3月に発効した。")  # 調印 is a signing
    assert not other_stage(asked, "両国の経済関係は拡大している。")  # no stage: neither agrees nor disagrees
    assert not other_stage(stages("投資協定の効果は何ですか？"), "3月には協定が発効した。")



def test_an_english_question_names_the_stage_it_asks_the_date_of() -> None:
    from service.constraints import english_stages, other_stage

    assert english_stages("When was the Japan-Peru tax treaty signed?") == frozenset({"signing"})
    assert english_stages("When did the agreement enter into force?") == frozenset({"entry into force"})
    assert english_stages("When did Finland join NATO?") == frozenset({"accession"})
    assert other_stage(english_stages("When was the tax treaty signed?"), "8月には、日・ペルー租税条約が発効した。")
    assert not other_stage(english_stages("When was the tax treaty signed?"), "1月に租税条約に署名した。")
    assert english_stages("Where is the secretariat?") == frozenset()


def test_membership_has_stages_too() -> None:
    from service.constraints import other_stage, stages

    assert other_stage(stages("ペルーがその機構に復帰したのはいつ？"), "ペルーは2012年に同機構への参加停止を決定")
    assert other_stage(stages("ペルーが機構に加盟申請したのはいつ？"), "ペルーは2023年に機構に正式加盟")
    signed = "2月に条約の効力の一時停止に関する法律に署名した"
    assert not other_stage(stages("条約の効力停止に関する法律に署名したのは何月？"), signed)


def test_a_stage_that_is_the_object_of_another_act_is_not_the_event_asked() -> None:
    from service.constraints import stages

    assert stages("ロシアは何月にCTBTの批准を撤回しましたか？") == frozenset()  # the event is the withdrawal
    assert stages("署名の延期が決まったのはいつ？") == frozenset()
    assert stages("参加停止を決定したのはいつ？") == frozenset({"suspension"})
    assert stages("署名を行ったのはいつ？") == frozenset({"signing"})  # a light verb: still the signing


def test_a_sentence_naming_only_another_document_of_the_kind_asked_speaks_of_another_one() -> None:
    asked = named_things("日・ペルー租税条約が署名されたのはいつですか？")
    assert other_instance(asked, "12月には、両国が平和条約を締結する意志を再確認した。")
    assert not other_instance(asked, "日・ペルー租税条約は3月に署名された。")
    assert not other_instance(asked, "3月には租税に関する条約に署名した。")  # its word, written otherwise
    assert not other_instance(asked, "12月には、両国が会談を行った。")  # no document of that kind at all
    acronym = named_things("CFE条約から脱退したのはいつ？")
    assert not other_instance(acronym, "5月に欧州通常戦力（CFE）条約からの脱退に関する法律に署名した。")


def test_a_sentence_whose_topic_is_another_country_speaks_of_another_event() -> None:
    asked = "ペルーで大統領選挙が行われるのはいつですか？"
    assert other_country_topic(asked, "チリ国内では、2025年には大統領選挙を控えている。")
    assert not other_country_topic(asked, "ペルーでは、2025年に大統領選挙が予定されている。")
    assert not other_country_topic(asked, "2025年には大統領選挙が予定されている。")  # no topic: implied
    assert not other_country_topic(asked, "チリでは、ペルーと同じく2025年に大統領選挙がある。")  # names it too


def test_an_english_questions_country_is_given_as_the_text_writes_it():
    asked, question = frozenset({"ペルー"}), "When was the council set up in Peru?"
    assert other_country_topic(question, "チリでは、1月に評議会が設立された。", asked)
    assert not other_country_topic(question, "ペルーでは、1月に評議会が設立された。", asked)


def test_a_country_is_named_in_full_or_by_its_one_character_abbreviation():
    from service.constraints import asked_countries_ja, names_an_asked_country

    assert asked_countries_ja("日本とドイツの首脳対話はどうなった？") == {"ドイツ"}  # Japan is mostly implied
    assert names_an_asked_country(frozenset({"ドイツ", "ロシア"}), "露独間の首脳対話も停止した。")
    assert not names_an_asked_country(frozenset({"ジョージア"}), "避難民がアルメニアに流入した。")


def test_english_first_in_so_many_years_is_an_interval():
    assert Figure("年:interval", "4") in english_figures("Who held the first summit with Peru in four years?")
    assert contradicted(english_figures("Who held the first talks with Peru in 5 years?"), "2年ぶりの会談を行った。")


def test_a_katakana_country_inside_a_longer_katakana_name_is_not_named() -> None:
    from service.constraints import mentions, names_an_asked_country

    assert not mentions("トンガ", "クック諸島のラロトンガで総会が開催された。")
    assert mentions("トンガ", "トンガの首都ヌクアロファで")
    # a passage, though, may name the country inside a place in it (ポートスーダン is in Sudan)
    assert names_an_asked_country(frozenset({"スーダン"}), "ポートスーダンからジブチに退避した。")
    assert names_an_asked_country(frozenset({"ロシア"}), "対露制裁")  # an abbreviation still names it


def test_a_country_the_tagger_reads_inside_a_longer_katakana_name_is_not_asked() -> None:
    from service.constraints import asked_countries_ja

    # ハ+シナ to the tagger: シナ (China) is a piece of the prime minister's name, not a country asked about
    assert asked_countries_ja("ハシナ首相の訪日で、日本とバングラデシュの関係は何になった？") == {"バングラデシュ"}


def test_entry_into_force_and_signing_said_in_other_words_are_those_stages() -> None:
    from service.constraints import other_stage, stages

    assert stages("円滑化協定が効力を持つようになったのは何日ですか。") == {"entry into force"}
    assert stages("議定書にサインしたのは何日？") == {"signing"}
    assert other_stage(stages("協定が効力を持つようになったのは何日？"), "1月11日、日英円滑化協定が署名された。")
    assert not other_stage(stages("協定が効力を生じたのはいつ？"), "同協定は、10月11日に発効した。")


def test_a_treaty_between_other_parties_is_another_treaty() -> None:
    from service.constraints import other_parties, parties

    asked = parties("日・ジョージア租税条約が発効したのは何月ですか？")
    assert other_parties(asked, "8月には、日・アゼルバイジャン租税条約が発効した。")
    assert not other_parties(asked, "日・ジョージア租税条約が8月に発効した。")
    # no party asked
    assert not other_parties(parties("租税条約の発効は何月？"), "日・アゼルバイジャン租税条約が発効した。")
