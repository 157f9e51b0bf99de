"""Cleaning the PDF-extracted chapter: snippets copied verbatim from the real corpus file, then the whole chapter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from index.clean import (
    SUPERSCRIPT_DIGITS,
    CleanDocument,
    clean_document,
    join_fragments,
    strip_inline_artifacts,
)

CHAPTER = (Path(__file__).resolve().parents[1] / "corpus"
           / "diplomatic-bluebook-2024_ch2-6_russia-belarus-central-asia-caucasus.txt")

# The chapter's opening as extracted: section number "6" on its own line, then the title, then "1 概観"
# with one of its paragraphs, so that "2 ロシア・ベラルーシ" is recognised as the next level-1 heading.
HEADER = (
    "\n\n6\n\nロシア・ベラルーシと中央アジア・コーカサス\n\n1 概観\n\n"
    "ベラルーシについては、ルカシェンコ大統領がロシアの戦術核兵器のベラルーシへの配備に言及するなど、"
    "ロシア支援の姿勢を維持している。\n\n"
    "2 ロシア・ベラルーシ\n\n"
)
R1 = "2 ロシア・ベラルーシ"
R1_1 = "(1) ロシア情勢"


def clean(body: str) -> CleanDocument:
    return clean_document("snippet", HEADER + body)


def blocks_of(document: CleanDocument, kind: str) -> list:
    return [block for block in document.blocks if block.kind == kind]


def block_containing(document: CleanDocument, needle: str):
    found = [block for block in document.blocks if needle in block.text]
    assert len(found) == 1, f"{needle!r} is in {len(found)} blocks"
    return found[0]


def assert_spans_tile(document: CleanDocument) -> None:
    for block in document.blocks:
        assert document.text[block.start:block.end] == block.text


# --- inline artifacts and broken lines ---------------------------------------------------------------------

def test_title_is_the_first_line_after_the_section_number() -> None:
    document = clean("")
    assert document.title == "ロシア・ベラルーシと中央アジア・コーカサス"
    assert document.blocks[0].kind == "title"
    assert document.blocks[0].section_path == ()
    assert not document.text.startswith("6")


def test_page_number_line_is_dropped_and_the_sentence_around_it_joined() -> None:
    body = (
        "(2) 日露関係\n\n"
        "ウ 日露経済関係\n\n"
        "日本は、ロシアによるウクライナ侵略以降、ロシアとの経済分野における協力に関する政府事業については当面見合わせ、"
        "ロシアに対して\n\n\n\n8\n\n"
        "厳しい対露制裁を課すとの方針を継続している。\n"
    )
    document = clean(body)
    paragraph = block_containing(document, "厳しい対露制裁を課す")
    assert paragraph.kind == "paragraph"
    assert paragraph.text.endswith("ロシアに対して厳しい対露制裁を課すとの方針を継続している。")
    assert paragraph.section_path == (R1, "(2) 日露関係", "ウ 日露経済関係")
    assert "8" not in document.text.split("\n")
    assert not any(re.fullmatch(r"\d{1,3}", line.strip()) for line in document.text.split("\n"))
    assert_spans_tile(document)


def test_sentence_broken_across_blank_lines_is_joined_without_a_space() -> None:
    body = (
        "(1) ロシア情勢\n\nア ロシア内政\n\n"
        "ロシアによるウクライナ侵略が長期化する中で、ロシア政府は、「特別軍事作戦」（ウクライナ侵略）を西側に対する"
        "「祖国防衛戦争」であるかのようなナラティブ（説明）を持ち出し、国民に対し、戦争への支援と愛国心を訴えた。また、"
        "ロシアでは、前年に引き続き、学校教育への愛国的カリキュラムの導入が継続しており、「特別軍事作戦」の記述を盛り込んだ"
        "新たな歴史教科書の使用も始まった。同時に、言論・報道の自由に対する規制が一層強化されており、反戦の動き、"
        "抗議活動は引き続き封じ込\n\n"
        "められている。\n\n"
        "ロシア政府は、「特別軍事作戦」への参加者やその家族への支援として、基金の創設、高等教育や就職における特別待遇などの"
        "優遇措置を次々に打ち出した。\n"
    )
    document = clean(body)
    paragraph = block_containing(document, "封じ込")
    assert "封じ込められている。" in paragraph.text
    assert "封じ込 " not in document.text
    assert paragraph.text.startswith("ロシアによるウクライナ侵略が長期化する中で")
    # the next paragraph, which starts after a complete sentence, stays a paragraph of its own
    following = block_containing(document, "優遇措置を次々に打ち出した。")
    assert following is not paragraph
    assert following.text.startswith("ロシア政府は、")


def test_katakana_word_broken_across_lines_is_joined() -> None:
    body = (
        "(1) ロシア情勢\n\nア ロシア外政\n\n"
        "2022年に限定的に行われていた露独間、露仏間の首脳レベルの対話も停止するなど、西側諸国とのハイ\n\n"
        "レベルでの対話は極めて限定的な状況が続いている。\n"
    )
    document = clean(body)
    assert "西側諸国とのハイレベルでの対話は極めて限定的な状況が続いている。" in document.text


def test_latin_words_broken_across_lines_are_joined_with_a_space() -> None:
    assert join_fragments("START : Strategic Arms", "Reduction Treaty") == "START : Strategic Arms Reduction Treaty"
    assert join_fragments("フィンランドのNATO", "加盟が実現した") == "フィンランドのNATO加盟が実現した"
    assert join_fragments("抗議活動は引き続き封じ込", "められている。") == "抗議活動は引き続き封じ込められている。"
    assert join_fragments("", "められている。") == "められている。"
    assert join_fragments("封じ込", "") == "封じ込"


def test_latin_words_broken_in_running_text_are_joined_with_a_space() -> None:
    body = (
        "(1) ロシア情勢\n\nイ ロシア外政\n\n"
        "7月には2019年に引き続き2回目となるロシア・アフリカ首脳会合（ロシア・サンクトペテルブルク）を開催したほか、BRICS\n\n"
        "首脳会合や上海協力機構（SCO）などのロシアが参加している地域枠組みの活用も進んでいる。\n\n"
        "プーチン大統領は、2月に米露間の新戦略兵器削減条約（新START）¹の効力の一時停止に関する法律に署名した。\n\n"
        "1 START : Strategic Arms\n"
        "Reduction Treaty\n"
    )
    document = clean(body)
    assert "BRICS首脳会合" in document.text  # Latin then Japanese: no space
    footnote = blocks_of(document, "footnote")
    assert [b.text for b in footnote] == ["1 START : Strategic Arms Reduction Treaty"]


@pytest.mark.parametrize(("line", "numbers"), [
    ("プーチン大統領は、2月に米露間の新戦略兵器削減条約（新START）¹の効力の一時停止に関する法律、5月に欧州通常戦力（CFE）²"
     "条約からの脱退に関する法律（11月にロシア外務省が脱退手続完了を発表）、11月には包括的核実験禁止条約（CTBT）³の"
     "批准撤回に関する法律にそれぞれ署名するなど、ロシアは国際的な軍備管理・軍縮の枠組みからも次々と退いている。",
     [1, 2, 3]),
    ("3月、国際刑事裁判所（ICC）⁴は、プーチン大統領などに対し、ウクライナからの子の連れ去りなどに関与した十分な根拠が"
     "あるとして、逮捕状を発付した。", [4]),
    ("ロシアは、ベラルーシや中央アジア・コーカサス諸国との関係を引き続き重視しているが、アルメニアとは、ナゴルノ・カラバフ"
     "問題⁶をめぐる対応を理由に、関係に一定の軋み^{きしみ}が見られた。", [6]),
    ("その後も、ルカシェンコ大統領は、プーチン大統領と累次にわたりモスクワなどで会談を行い、共同軍事演習の継続、"
     "両国の安全保障、経済分野での取組、ベラルーシ・ロシア連合国家¹⁰の防衛の問題などについて協議を続けている。", [10]),
    ("首脳会合（7月）、独立国家共同体（CIS）¹²首脳会合（10月）、テュルク諸国機構（11月）、集団安全保障条約機構（CSTO）¹³"
     "首脳会合（11月）、ユーラシア経済同盟（EAEU）¹⁴首脳会合（12月）など、中央アジア諸国の首脳が出席する会合が多数行われた。",
     [12, 13, 14]),
])
def test_footnote_markers_are_removed_and_reported(line: str, numbers: list[int]) -> None:
    text, referenced = strip_inline_artifacts(line)
    assert referenced == numbers
    assert not any(ch in SUPERSCRIPT_DIGITS for ch in text)
    assert "^{" not in text
    assert len(text) == len(re.sub(r"\^\{[^}]*\}", "", line)) - sum(len(str(n)) for n in numbers)


def test_footnote_markers_are_removed_from_body_text() -> None:
    body = (
        "(1) ロシア情勢\n\nイ ロシア外政\n\n"
        "プーチン大統領は、2月に米露間の新戦略兵器削減条約（新START）¹の効力の一時停止に関する法律、5月に欧州通常戦力（CFE）²"
        "条約からの脱退に関する法律（11月にロシア外務省が脱退手続完了を発表）、11月には包括的核実験禁止条約（CTBT）³の"
        "批准撤回に関する法律にそれぞれ署名するなど、ロシアは国際的な軍備管理・軍縮の枠組みからも次々と退いている。\n"
    )
    document = clean(body)
    paragraph = block_containing(document, "新戦略兵器削減条約")
    assert "（新START）の効力" in paragraph.text
    assert "（CFE）条約" in paragraph.text
    assert "（CTBT）の批准撤回" in paragraph.text
    assert not any(ch in SUPERSCRIPT_DIGITS for ch in document.text)


def test_ruby_reading_is_dropped_and_base_text_kept() -> None:
    assert strip_inline_artifacts("金正恩^{キムジョンウン} 国務委員長")[0] == "金正恩国務委員長"
    body = (
        "(1) ロシア情勢\n\nイ ロシア外政\n\n"
        "9月には北朝鮮の金正恩^{キムジョンウン} 国務委員長がロシアの極東地域を訪問し、"
        "4年ぶりとなる首脳会談を実施したほか、"
        "両「国」外相による相互訪問の実施、さらには、北朝鮮からロシアへの武器移転など、北朝鮮との関係強化に向けた動きが見られる。\n\n"
        "ロシアは、ベラルーシや中央アジア・コーカサス諸国との関係を引き続き重視しているが、アルメニアとは、ナゴルノ・カラバフ"
        "問題⁶をめぐる対応を理由に、関係に一定の軋み^{きしみ}が見られた。\n"
    )
    document = clean(body)
    assert "9月には北朝鮮の金正恩国務委員長がロシアの極東地域を訪問し" in document.text
    assert "関係に一定の軋みが見られた。" in document.text
    assert "^{" not in document.text
    assert "キムジョンウン" not in document.text
    assert "きしみ" not in document.text


# --- footnote definitions ---------------------------------------------------------------------------------

FOOTNOTES_1_TO_4 = (
    "(1) ロシア情勢\n\n"
    "ア ロシア内政\n\n"
    "プーチン大統領は、80%以上の支持率を維持する中で、12月、2024年大統領選挙への立候補を表明した。\n\n"
    "1 ロシア外政\n\n"
    "プーチン大統領は、2月に米露間の新戦略兵器削減条約（新START）¹の効力の一時停止に関する法律、5月に欧州通常戦力（CFE）²"
    "条約からの脱退に関する法律（11月にロシア外務省が脱退手続完了を発表）、11月には包括的核実験禁止条約（CTBT）³の"
    "批准撤回に関する法律にそれぞれ署名するなど、ロシアは国際的な軍備管理・軍縮の枠組みからも次々と退いている。"
    "同時に、春以降、ロシアによるベラルーシへの戦術核兵器の移転が報じられている。\n\n"
    "3月、国際刑事裁判所（ICC）⁴は、プーチン大統領などに対し、ウクライナからの子の連れ去りなどに関与した十分な根拠が"
    "あるとして、逮捕状を発付した。\n\n"
    "3月の中露首脳会談の際の共同声明においても、「共同海上・航\n\n"
    "1 START : Strategic Arms Reduction Treaty\n\n"
    "2 CFE : Conventional Armed Forces in Europe\n\n"
    "3 CTBT : Comprehensive Nuclear-Test-Ban Treaty\n\n"
    "4 IOC : International Criminal Court\n\n"
    "空パトロール及び共同演習を定期的を実施し「両国軍の間の相互信頼を深化させていく」としており、中露両国の軍が日本周辺に"
    "おいて頻度を上げて共同行動を継続していることについて、日本の安全保障の観点から、重大な懸念を持って注視していく必要がある。\n"
)


def test_footnote_definitions_become_footnote_blocks_of_the_referencing_section() -> None:
    document = clean(FOOTNOTES_1_TO_4)
    footnotes = blocks_of(document, "footnote")
    assert [b.text for b in footnotes] == [
        "1 START : Strategic Arms Reduction Treaty",
        "2 CFE : Conventional Armed Forces in Europe",
        "3 CTBT : Comprehensive Nuclear-Test-Ban Treaty",
        "4 IOC : International Criminal Court",
    ]
    assert all(b.section_path == (R1, R1_1, "イ ロシア外政") for b in footnotes)
    # the sentence the footnotes interrupted is joined across them
    assert "「共同海上・航空パトロール及び共同演習を" in document.text
    # "1 START" is not mistaken for a heading
    assert [b.text for b in blocks_of(document, "heading")] == ["1 概観", R1, R1_1, "ア ロシア内政", "イ ロシア外政"]
    assert_spans_tile(document)


def test_footnote_defined_under_a_later_section_is_attached_to_the_referencing_one() -> None:
    body = (
        "(1) ロシア情勢\n\n"
        "ア ロシア内政\n\n"
        "プーチン大統領は、80%以上の支持率を維持する中で、12月、2024年大統領選挙への立候補を表明した。\n\n"
        "1 ロシア外政\n\n"
        "7月には2019年に引き続き2回目となるロシア・アフリカ首脳会合（ロシア・サンクトペテルブルク）を開催したほか、BRICS"
        "首脳会合や上海協力機構（SCO）⁵などのロシアが参加している地域枠組みの活用も進んでいる。\n\n"
        "ロシアは、ベラルーシや中央アジア・コーカサス諸国との関係を引き続き重視しているが、アルメニアとは、ナゴルノ・カラバフ"
        "問題⁶をめぐる対応を理由に、関係に一定の軋み^{きしみ}が見られた。\n\n"
        "(2) 日露関係\n\n"
        "日露関係総論\n\n"
        "2022年2月に始まったロシアによるウクライナ侵略は、日露関係にも深刻な影響を及ぼし続けている。\n\n"
        "5 SCO : Shanghai Cooperation Organization\n\n"
        "6 ナゴルノ・カラバフ紛争：アゼルバイジャン領内でアルメニア系住民が居住するナゴルノ・カラバフをめぐる"
        "アルメニアとアゼルバイジャンの紛争\n\n"
        "6月、ロシアで、9月3日を「第二次世界大戦終了の日」から「軍国主義日本に対する勝利及び第二次世界大戦終了の日」に"
        "改称する法案が成立した。\n"
    )
    document = clean(body)
    footnotes = {b.text.split()[0]: b for b in blocks_of(document, "footnote")}
    assert set(footnotes) == {"5", "6"}
    assert footnotes["5"].text == "5 SCO : Shanghai Cooperation Organization"
    assert footnotes["6"].text.startswith("6 ナゴルノ・カラバフ紛争：")
    for block in footnotes.values():
        assert block.section_path == (R1, R1_1, "イ ロシア外政")
    later = block_containing(document, "改称する法案が成立した。")
    assert later.kind == "paragraph"
    assert later.section_path == (R1, "(2) 日露関係", "ア 日露関係総論")


def test_superscript_footnote_definition_becomes_a_numbered_footnote() -> None:
    body = (
        "(3) ベラルーシ情勢\n\n"
        "その後も、ルカシェンコ大統領は、プーチン大統領と累次にわたりモスクワなどで会談を行い、共同軍事演習の継続、"
        "両国の安全保障、経済分野での取組、ベラルーシ・ロシア連合国家¹⁰の防衛の問題などについて協議を続けている。\n\n"
        "ベラルーシ国内では、2024年には議会選挙、2025年には大統領選挙を控えており、その動向が注目されている。\n\n"
        "¹⁰ 1999年12月、両国は、政治・経済・軍事の統合や社会生活における両国民の平等の実現などを目指し、"
        "ベラルーシ・ロシア連合国家創設条約に署名\n\n"
        "3 中央アジア・コーカサス諸国\n\n"
        "(1) 総論\n"
    )
    document = clean(body)
    [footnote] = blocks_of(document, "footnote")
    assert footnote.text == ("10 1999年12月、両国は、政治・経済・軍事の統合や社会生活における"
                             "両国民の平等の実現などを目指し、ベラルーシ・ロシア連合国家創設条約に署名")
    assert footnote.section_path == (R1, "(3) ベラルーシ情勢")
    assert "ベラルーシ・ロシア連合国家の防衛" in document.text
    assert not any(ch in SUPERSCRIPT_DIGITS for ch in document.text)
    # the heading after the footnote is still a level-1 heading
    assert document.blocks[-1].section_path == ("3 中央アジア・コーカサス諸国", "(1) 総論")


# --- captions, figure notes, the column ------------------------------------------------------------------

def test_photo_caption_inside_a_broken_sentence() -> None:
    body = (
        "3 中央アジア・コーカサス諸国\n\n(2) 中央アジア諸国\n\n"
        "タジキスタンとの関係では、3月、両国はタジキスタンで「日・タジキスタン経済・技術・科学協力政府間委員会」第2回会合を"
        "開催した。8月には、吉川外務大臣政務官が訪問し、ムフ\n\n\n\n"
        "日・キルギス首脳会談（11月20日、東京 写真提供：内閣広報室）\n\n"
        "リッディン外相及びザウキゾダ経済発展貿易相とそれぞれ会談し、2022年12月に開催された「中央アジア+日本」対話・"
        "第9回外相会合及び二国間外相会談を踏まえ両国間の関係強化について議論した。\n"
    )
    document = clean(body)
    [caption] = blocks_of(document, "caption")
    assert caption.text == "日・キルギス首脳会談（11月20日、東京 写真提供：内閣広報室）"
    assert caption.section_path == ("3 中央アジア・コーカサス諸国", "(2) 中央アジア諸国")
    paragraph = block_containing(document, "ムフリッディン外相")
    assert paragraph.kind == "paragraph"
    assert "写真提供" not in paragraph.text
    assert_spans_tile(document)


def test_caption_after_a_complete_paragraph_and_figure_notes() -> None:
    body = (
        "3 中央アジア・コーカサス諸国\n\n(3) コーカサス諸国\n\n"
        "ジョージアに対してEU加盟候補国の地位を付与することを決定した。\n\n\n\n"
        "吉川外務大臣政務官コーカサス3か国訪問の際、アルメニアのエチミアジン市立第13幼稚園を訪問"
        "（5月3日、アルメニア・エチミアジン）\n\n"
        "ロシア、中央アジア、コーカサスに関する主要な枠組み\n\n\n\n"
        "〈注〉\n\n"
        "- ※1 トルクメニスタンは2005年からCIS準加盟国\n"
        "- ※2 ウズベキスタンは2012年にCSTOへの参加停止を決定\n"
        "- ※3 イランは2023年にSCOに正式加盟\n"
        "- ※4 第1章脚注2 (P.16) 参照\n\n"
        "〈略語解説〉\n\n"
        "- CIS (Commonwealth of Independent States) : 独立国家共同体 (10)\n"
        "- CSTO (Collective Security Treaty Organization) : 集団安全保障条約機構 (6)\n"
        "- EAEU (Eurasian Economic Union) : ユーラシア経済同盟 (5)\n"
        "- SCO (Shanghai Cooperation Organization) : 上海協力機構 (9)\n"
    )
    document = clean(body)
    section = ("3 中央アジア・コーカサス諸国", "(3) コーカサス諸国")
    [caption] = blocks_of(document, "caption")
    assert caption.text.startswith("吉川外務大臣政務官コーカサス3か国訪問の際")
    assert caption.section_path == section

    figure = "図 ロシア、中央アジア、コーカサスに関する主要な枠組み"
    assert figure in [b.text for b in blocks_of(document, "heading")]
    notes = blocks_of(document, "figure_note")
    assert [b.text.split("\n")[0] for b in notes] == ["〈注〉", "〈略語解説〉"]
    assert notes[0].text.split("\n")[1:] == [
        "※1 トルクメニスタンは2005年からCIS準加盟国",
        "※2 ウズベキスタンは2012年にCSTOへの参加停止を決定",
        "※3 イランは2023年にSCOに正式加盟",
        "※4 第1章脚注2 (P.16) 参照",
    ]
    assert notes[1].text.split("\n")[1] == "CIS (Commonwealth of Independent States) : 独立国家共同体 (10)"
    assert len(notes[1].text.split("\n")) == 5
    for note in notes:
        assert note.section_path == section + (figure,)
    assert not blocks_of(document, "footnote")
    assert_spans_tile(document)


def test_column_gets_its_own_section() -> None:
    body = (
        "3 中央アジア・コーカサス諸国\n\n(3) コーカサス諸国\n\n"
        "ジョージアに対してEU加盟候補国の地位を付与することを決定した。\n\n"
        "コラム\n"
        "COLUMN\n\n"
        "「中央アジア+日本」対話20周年を迎えて\n\n"
        "2004年、日本は、中央アジアとの新たな次元における協力として「中央アジア+日本」対話を立ち上げました。"
        "中央アジアにとり、地域全体と第三国の対話の枠組みを持つことは初の試みでした。\n\n\n\n"
        "「中央アジア+日本」対話が10周年を迎えた際に、記念として漫画家の森薫氏により作成されたイメージキャラクター\n"
    )
    document = clean(body)
    column = ("コラム 「中央アジア+日本」対話20周年を迎えて",)
    heading = block_containing(document, "対話20周年を迎えて")
    assert heading.kind == "heading"
    assert heading.text == column[0]
    assert heading.section_path == column
    paragraph = block_containing(document, "2004年、日本は")
    assert paragraph.kind == "paragraph"
    assert paragraph.section_path[0].startswith("コラム")
    assert paragraph.section_path == column
    [caption] = blocks_of(document, "caption")
    assert caption.section_path == column
    assert "COLUMN" not in document.text
    before = block_containing(document, "EU加盟候補国")
    assert before.section_path == ("3 中央アジア・コーカサス諸国", "(3) コーカサス諸国")


# --- headings ---------------------------------------------------------------------------------------------

def test_heading_hierarchy_with_lost_markers_restored() -> None:
    body = (
        "(1) ロシア情勢\n\n"
        "ア ロシア内政\n\n"
        "プーチン大統領は、80%以上の支持率を維持する中で、12月、2024年大統領選挙への立候補を表明した。\n\n"
        "1 ロシア外政\n\n"
        "ロシアは3月、外交方針を示した「ロシア連邦外交政策コンセプト」を改定した。\n\n"
        "ロシア経済\n\n"
        "ウクライナ侵略を続けるロシアは、戦争継続のための国防支出を大幅に増加させている。2024年予算では、国防費は前年比1.7倍"
        "（GDP比6%）を計上し、兵士やその家族への給付を含む社会政策費も約2割増加させた。\n\n"
        "(2) 日露関係\n\n"
        "日露関係総論\n\n"
        "文化・人的交流の分野では、ロシアの市民社会、特に若い世代との接点を維持し、ロシアの市民に国際的な視点を持つ機会を"
        "提供することは重要であるとの考えから、国費留学生の受入れやロシアにおける日本語教育など、適切な範囲で事業を実施している。\n\n"
        "1 北方領土と平和条約締結交渉\n\n"
        "日露関係にとって最大の懸案は北方領土問題である。\n\n"
        "ウ 日露経済関係\n\n"
        "厳しい対露制裁を課すとの方針を継続している。\n\n"
        "(3) ベラルーシ情勢\n\n"
        "ベラルーシ国内では、2024年には議会選挙、2025年には大統領選挙を控えており、その動向が注目されている。\n\n"
        "3 中央アジア・コーカサス諸国\n\n"
        "(1) 総論\n\n"
        "日本と中央アジア・コーカサス諸国は伝統的に友好的な関係を維持してきた。\n"
    )
    document = clean(body)
    assert [b.text for b in blocks_of(document, "heading")] == [
        "1 概観", R1, R1_1, "ア ロシア内政", "イ ロシア外政", "ウ ロシア経済",
        "(2) 日露関係", "ア 日露関係総論", "イ 北方領土と平和条約締結交渉", "ウ 日露経済関係",
        "(3) ベラルーシ情勢", "3 中央アジア・コーカサス諸国", "(1) 総論",
    ]
    def path(needle: str) -> tuple[str, ...]:
        block = block_containing(document, needle)
        assert block.kind == "paragraph"
        return block.section_path

    assert path("80%以上の支持率") == (R1, R1_1, "ア ロシア内政")
    assert path("ロシア連邦外交政策コンセプト") == (R1, R1_1, "イ ロシア外政")
    assert path("国防費は前年比1.7倍") == (R1, R1_1, "ウ ロシア経済")
    assert path("国費留学生の受入れ") == (R1, "(2) 日露関係", "ア 日露関係総論")
    assert path("最大の懸案は北方領土問題") == (R1, "(2) 日露関係", "イ 北方領土と平和条約締結交渉")
    assert path("厳しい対露制裁を課す") == (R1, "(2) 日露関係", "ウ 日露経済関係")
    assert path("議会選挙") == (R1, "(3) ベラルーシ情勢")
    assert path("伝統的に友好的な関係") == ("3 中央アジア・コーカサス諸国", "(1) 総論")
    assert path("ルカシェンコ大統領がロシアの戦術核兵器") == ("1 概観",)


def test_unfinished_line_before_a_paragraph_break_is_not_taken_for_a_heading() -> None:
    body = (
        "(1) ロシア情勢\n\nウ ロシア経済\n\n"
        "G7やEUによる厳しい対露制裁を受け、\n\n"
        "2022年の実質GDP成長率は1.2%減となった。\n"
    )
    document = clean(body)
    assert "G7やEUによる厳しい対露制裁を受け、2022年の実質GDP成長率は1.2%減となった。" in document.text
    assert [b.text for b in blocks_of(document, "heading")][-1] == "ウ ロシア経済"


def test_artifacts_in_headings_are_cleaned_too() -> None:
    body = (
        "(1) ロシア情勢\n\n"
        "ア 金正恩^{キムジョンウン} 国務委員長の訪露¹\n\n"
        "9月には北朝鮮の金正恩^{キムジョンウン} 国務委員長がロシアの極東地域を訪問した。\n\n"
        "1 START : Strategic Arms Reduction Treaty\n"
    )
    document = clean(body)
    assert "^{" not in document.text
    assert not any(ch in SUPERSCRIPT_DIGITS for ch in document.text)
    assert [b.text for b in blocks_of(document, "footnote")] == ["1 START : Strategic Arms Reduction Treaty"]


# --- the whole real chapter -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chapter() -> CleanDocument:
    return clean_document("chapter", CHAPTER.read_text(encoding="utf-8"))


def test_chapter_blocks_tile_the_cleaned_text(chapter: CleanDocument) -> None:
    assert chapter.title == "ロシア・ベラルーシと中央アジア・コーカサス"
    assert_spans_tile(chapter)
    previous_end = -2
    for block in chapter.blocks:
        assert block.start == previous_end + 2
        previous_end = block.end
    assert previous_end == len(chapter.text)


def test_chapter_section_path_of_the_defence_budget_passage(chapter: CleanDocument) -> None:
    block = block_containing(chapter, "国防費は前年比1.7倍")
    assert block.kind == "paragraph"
    assert block.section_path == ("2 ロシア・ベラルーシ", "(1) ロシア情勢", "ウ ロシア経済")


def test_chapter_has_no_ruby_superscripts_or_page_numbers(chapter: CleanDocument) -> None:
    assert "^{" not in chapter.text
    assert not any(ch in SUPERSCRIPT_DIGITS for ch in chapter.text)
    for line in chapter.text.split("\n"):
        assert not re.fullmatch(r"\s*\d{1,3}\s*", line), f"page number line {line!r} left in the text"


def test_chapter_block_kinds_and_sections(chapter: CleanDocument) -> None:
    kinds = {kind: [b for b in chapter.blocks if b.kind == kind] for kind in
             ("title", "heading", "paragraph", "footnote", "caption", "figure_note")}
    assert len(kinds["title"]) == 1
    assert sorted(int(b.text.split()[0]) for b in kinds["footnote"]) == list(range(1, 15))
    assert len(kinds["caption"]) == 4
    assert len(kinds["figure_note"]) == 2
    assert sum(b.section_path[0].startswith("コラム") for b in kinds["paragraph"]) == 6
    level1 = [b.text for b in kinds["heading"] if len(b.section_path) == 1 and not b.text.startswith("コラム")]
    assert level1 == ["1 概観", "2 ロシア・ベラルーシ", "3 中央アジア・コーカサス諸国"]
    headings = [b.text for b in kinds["heading"]]
    assert "イ ロシア外政" in headings and "1 ロシア外政" not in headings
    assert "ウ ロシア経済" in headings and "ロシア経済" not in headings
    assert "ア 日露関係総論" in headings
    assert "イ 北方領土と平和条約締結交渉" in headings
    assert "封じ込められている。" in chapter.text
    assert "金正恩国務委員長" in chapter.text
    assert "「サハリン1]、「サハリン2」" in chapter.text
    by_number = {int(b.text.split()[0]): b.section_path for b in kinds["footnote"]}
    assert by_number[7] == ("2 ロシア・ベラルーシ", "(2) 日露関係", "ア 日露関係総論")
    assert by_number[10] == ("2 ロシア・ベラルーシ", "(3) ベラルーシ情勢")
    assert by_number[11] == ("3 中央アジア・コーカサス諸国", "(1) 総論")
    assert by_number[14] == ("3 中央アジア・コーカサス諸国", "(2) 中央アジア諸国")


def test_the_next_section_heading_is_not_taken_for_a_footnote_of_its_number() -> None:
    # Markers ¹ ² in the overview make "2 …" a pending footnote's number; the short line without punctuation that
    # the next section takes is still that section's heading, and the glosses at the end are the footnotes.
    raw = ("6\n\nテスト章\n\n1 概観\n\nペルーとの関係¹は深まり、太平洋²の協力が進んだ。\n\n2 日ペルー関係\n\n"
           "(1) 50周年\n\n12月に首脳会議が開かれた。\n\n1 APEC : Asia-Pacific Economic Cooperation\n\n"
           "2 FOIP : Free and Open Indo-Pacific\n")
    cleaned = clean_document("t", raw)
    assert [b.text for b in cleaned.blocks if b.kind == "heading"] == ["1 概観", "2 日ペルー関係", "(1) 50周年"]
    assert [b.kind for b in cleaned.blocks if b.text.startswith(("1 APEC", "2 FOIP"))] == ["footnote", "footnote"]


def test_a_section_title_listing_its_subjects_with_a_comma_is_a_heading() -> None:
    # 6 チリ、ペルー: a short title in sequence may list with 、; a footnote's gloss of the same shape out of sequence,
    # or a sentence, is not a heading (else every later section number would go out of step)
    raw = ("4\n\n中南米\n\n1 概観\n\n中南米との関係¹は深まった。\n\n2 チリ、ペルー\n\n両国との関係が進んだ。\n\n"
           "3 ブラジル\n\n12月に首脳会談が開かれた。\n\n1 APEC : Asia-Pacific Economic Cooperation\n\n"
           "5 チリ、ペルーなど\n")
    cleaned = clean_document("t", raw)
    assert [b.text for b in cleaned.blocks if b.kind == "heading"] == ["1 概観", "2 チリ、ペルー", "3 ブラジル"]
    assert block_containing(cleaned, "首脳会談").section_path == ("3 ブラジル",)


def test_footnote_definitions_on_consecutive_lines_are_separate_footnotes() -> None:
    # "2 RSF : …" right under "1 TICAD : …" defines the next footnote; it does not continue the first one's gloss
    raw = ("8\n\nアフリカ\n\n1 概観\n\n概観の文。\n\n2 TICAD\n\nTICAD¹の会合が開かれた。\n\n3 スーダン\n\n"
           "RSF²との戦闘が続いた。\n\n1 TICAD : Tokyo International Conference on African Development\n"
           "2 RSF : Rapid Support Forces\n")
    cleaned = clean_document("t", raw)
    footnotes = [(b.text, b.section_path) for b in cleaned.blocks if b.kind == "footnote"]
    assert footnotes == [("1 TICAD : Tokyo International Conference on African Development", ("2 TICAD",)),
                         ("2 RSF : Rapid Support Forces", ("3 スーダン",))]
