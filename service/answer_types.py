"""What a question asks for, and the spans of a sentence that could be that answer.

A question is typed from its own words, by parts of speech (unidic through fugashi) rather than by a list of
phrasings: the interrogative (誰, どこ, いつ, 何+助数詞, いくつ…), the head noun it asks about (どの国 → a place,
何という会議 → a name, 投票日は？ → a date) and what the sentence ends with (…ましたか with no interrogative is a
yes/no question). English questions are typed by their wh-word and the noun after which/what. The same parts of
speech find answer spans in a Japanese sentence: 固有名詞・人名 or an unknown katakana word before a title is a
person, 固有名詞・地名 not modifying a further noun is a place, a 数詞 with its 助数詞 is a number, and so on.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from index.tokenize import Word, tagged_words


class AnswerType(StrEnum):
    PERSON = "person"
    PLACE = "place"
    ORGANIZATION = "organization"
    DATE = "date"
    NUMBER = "number"
    NAME = "name"  # of a document, treaty, law, policy, event, framework…
    YESNO = "yesno"
    DESCRIPTION = "description"  # a reason, a way, what happened
    LIST = "list"


# Types whose answer is a span of a sentence; the others are answered by the sentence itself.
SPAN_TYPES = frozenset({AnswerType.PERSON, AnswerType.PLACE, AnswerType.ORGANIZATION, AnswerType.DATE,
                        AnswerType.NUMBER, AnswerType.NAME})

# Head nouns by the kind of thing they denote: general Japanese vocabulary, not phrasings of questions.
# A head noun is matched by its last characters, so 相手国 and 加盟国 are places and 国際機関 an organisation.
PLACE_HEADS = ("国", "都市", "地域", "場所", "州", "島", "首都", "都", "市", "町", "村", "県", "地", "地方", "港", "街",
               "空港", "国家", "開催地", "訪問先", "行き先", "現場", "所", "あたり", "辺り", "付近", "方面",
               "施設", "海", "海域", "水域", "空域", "上空", "半島", "諸島", "大陸", "基地", "会場")
ORGANIZATION_HEADS = ("機関", "組織", "団体", "枠組み", "枠組", "政党", "党", "企業", "会社", "同盟", "連合", "機構",
                      "共同体", "グループ", "軍", "部隊", "政府", "省", "庁", "委員会", "理事会", "議会", "銀行",
                      "裁判所", "事務局", "当局", "省庁", "官庁", "内閣", "政権", "国会", "評議会", "協議会",
                      "協会", "連盟", "組合", "財団", "大使館", "領事館", "警察", "検察", "放送局", "メディア",
                      "審議会", "議院", "公社", "センター", "研究所", "事業体", "コンソーシアム")
# Heads of bodies only as words of their own (出版+社, どちらの院): as the end of a word they make other things too
# (神社, 病院).
WORD_ORGANIZATION_HEADS = ("社", "院")
# One-character heads of bodies that follow the noun they belong to (ロシア+軍, 財務+省, 国税+庁, 共産+党).
ONE_CHARACTER_BODY_HEADS = ("軍", "省", "庁", "党")
PERSON_HEADS = ("人", "人物", "者", "首脳", "指導者", "閣僚", "氏", "方", "大統領", "首相", "大臣", "外相", "代表",
                "議長", "長官", "主席", "総裁", "委員長", "国王", "首長", "相", "官", "特使", "司令官", "員", "社員",
                "職員", "記者", "選手", "党首", "大使")
DATE_HEADS = ("日", "日付", "日時", "年月日", "月日", "時期", "時点", "年", "月", "期日", "投票日", "いつ頃", "頃",
              "期", "四半期", "季節")
# Seasons and parts of a year: what どの季節 and いつ頃 may be answered with besides a date (夏期, 春以降).
SEASONS = ("春", "夏", "秋", "冬", "春季", "夏季", "秋季", "冬季", "春期", "夏期", "秋期", "冬期", "年初", "年末",
           "上半期", "下半期", "年明け")
SEASON_AFTER = ("以降", "以来", "頃", "ごろ", "まで", "先")
NUMBER_HEADS = ("数", "額", "金額", "割合", "率", "人数", "規模", "件数", "回数", "倍率", "総額", "量", "比率",
                "シェア", "程度", "距離", "期間", "年数", "水準", "幅", "増加率", "減少率", "成長率", "価格", "予算")
DESCRIPTION_HEADS = ("こと", "事", "内容", "理由", "もの", "物", "点", "状況", "様子", "考え", "見解", "立場", "姿勢",
                     "意見", "方針", "措置", "行動", "対応", "結果", "影響", "目的", "背景", "意義", "特徴", "経緯",
                     "評価", "態度", "主張", "認識", "懸念", "意味", "狙い", "形", "感じ", "風", "わけ", "訳",
                     "話", "言葉", "発言", "表現", "話題", "議題")
# Titles that follow a person's name (ラヴロフ外相, 岸田総理大臣, ゴチモラエフ貿易・対外経済関係相).
TITLE_ENDINGS = ("大統領", "首相", "外相", "大臣", "議長", "代表", "長官", "主席", "総裁", "委員長", "国王", "首長",
                 "氏", "相", "次官", "特使", "書記", "司令官", "長", "皇太子", "元首", "官房長官", "総理", "党首",
                 "候補")
# What どこ may be answered with besides a 地名: a compound ending in one of these (アルカダグ市, 第13幼稚園).
VENUE_ENDINGS = ("市", "町", "村", "州", "県", "施設", "園", "ページ", "会場", "館", "港", "空港", "地域", "地方",
                 "センター", "大学", "学校", "省", "宮殿", "広場", "島", "半島", "海", "回廊", "病院", "工場", "基地",
                 "発電所", "研究所", "寺院", "教会", "劇場", "墓地")
# Words for the area around a place (…付近に上陸, …周辺で実施): what they follow is a place.
VICINITY_WORDS = ("周辺", "付近", "近郊", "沖", "近海", "一帯")
FACILITY_HEADS = ("施設", "会場", "建物")
# One-character abbreviations the text uses for countries in compounds (日露, 露独間, 訪中, 対露制裁, 米軍).
COUNTRY_ABBREVIATIONS = {"ロシア": "露", "米国": "米", "アメリカ": "米", "中国": "中", "韓国": "韓",
                         "英国": "英", "イギリス": "英", "フランス": "仏", "ドイツ": "独", "イタリア": "伊",
                         "カナダ": "加", "オーストラリア": "豪", "インド": "印", "ベトナム": "越", "フィリピン": "比"}
# A visit named by the one-character name of the country visited (訪露, 訪中, 訪米, 訪日).
VISIT_TO = re.compile(r"訪[露中米朝韓日独仏英印豪加伊]")
REGION_HEADS = ("地域", "地方", "region", "regions", "territory")
# Seas and the air over them: どの海 is answered by a name ending in a word for a sea.
SEA_HEADS = ("海", "海域", "水域", "上空", "空域")
SEA_ENDINGS = ("海", "洋", "湾", "海峡", "海域", "水域")
# Places inside a country: どの都市 is not answered by a country.
CITY_HEADS = ("都市", "市", "町", "村", "街", "首都", "州", "県", "city", "cities", "capital", "town", "village",
              "province")
# Nouns that ask for the title a named person holds (ヌルトレウ氏の肩書きは, "Yoshikawa's post").
TITLE_NOUNS = ("肩書き", "肩書", "役職", "官職", "ポスト", "職名", "post", "posts", "title")
# Words for "a kind" (どういう種類の支援): the noun after them says what is asked.
KIND_WORDS = ("種類", "タイプ", "形態", "形式", "類")
# Words for a kind of body: alone (枠組み, 機関は…) they name no body. (政府, 軍, 議会 alone may be the actor asked.)
GENERIC_BODIES = ("機関", "組織", "団体", "枠組み", "枠組", "グループ", "企業", "会社", "機構", "同盟", "連合",
                  "共同体", "委員会", "理事会", "事務局", "部隊", "社", "院", "銀行")
# Nouns with no content of their own (何というもの): they stand for the noun the question is about.
FORMAL_NOUNS = ("もの", "物", "こと", "事")
# Kinds of name that are words someone wrote (a theme, a slogan): the text gives them in quotes.
TEXT_KINDS = ("テーマ", "スローガン", "キャッチフレーズ", "標語", "合言葉", "モットー", "キャッチコピー", "副題",
              "theme", "slogan", "motto", "catchphrase")
# Parts of the world larger than a country (a closed vocabulary of geography, not of these documents): どの都市 is
# not answered by one, nor by a compound ending in a word for a region (極東地域, 周辺諸国).
WORLD_REGIONS = ("アジア", "欧州", "ヨーロッパ", "中東", "アフリカ", "北米", "南米", "中南米", "米州", "大洋州",
                 "オセアニア", "太平洋", "大西洋", "インド洋", "ユーラシア", "コーカサス", "極東", "北極", "南極",
                 "バルカン", "東欧", "西欧", "北欧", "南欧", "中欧", "中東欧", "西側", "東側", "シルクロード")
REGION_ENDINGS = ("地域", "地方", "諸国", "圏", "沿岸", "周辺")
# What a compound glossed by an acronym names when not a body: a meeting, a document, an event.
NOT_BODY_NOUNS = ("会議", "会合", "会談", "サミット", "条約", "協定", "宣言", "声明", "選挙", "演習", "対話",
                  "フォーラム", "イニシアティブ", "構想", "戦略", "原則", "制度", "協議", "枠組み")
# Nouns for kinds of named things (宣言, サミット): a name of one kind is not a name of another.
KIND_NOUNS = ("条約", "協定", "宣言", "声明", "基金", "法律", "計画", "構想", "会合", "会議", "会談", "サミット",
              "選挙", "演習", "対話", "フォーラム", "委員会", "機構")
# A building or site among the venues: どの施設 is not answered by the region or city it stands in.
FACILITY_ENDINGS = tuple(e for e in VENUE_ENDINGS if e not in ("市", "町", "村", "州", "県", "地域", "地方", "島",
                                                              "半島", "海", "回廊", "ページ"))
# What turns a title into the name of its office (大統領府, 首相官邸, 大臣室).
OFFICE_SUFFIXES = ("府", "官邸", "室", "庁", "部", "局", "事務所", "公邸")
DURATION_HEADS = ("期間", "年数", "任期", "期限", "長さ")
# Heads that ask for people without asking for a name (どんな人たち), and what nouns for groups of people end with.
GENERIC_PEOPLE = ("人", "人物", "者", "方", "人々")
PEOPLE_ENDINGS = ("民", "者", "人", "員", "生", "家", "方々")
# Interrogatives by lemma (unidic writes どこ as 何処, いつ as 何時).
PERSON_WH = {"誰", "どなた", "何方", "何者"}
PLACE_WH = {"何処", "どこ", "何方此方"}
DATE_WH = {"何時", "いつ"}
AMOUNT_WH = {"幾ら", "幾つ", "いくら", "いくつ", "どれ位", "どの位", "どれくらい", "どのくらい", "どれほど", "何れ程",
             "どれだけ", "何れ丈"}
# After どの/どれ these make an amount: どの程度, どれくらい, どれだけ.
AMOUNT_AFTER = ("くらい", "ぐらい", "位", "程度", "ほど", "程", "だけ", "丈")
PLURAL_SUFFIXES = ("たち", "達", "ら", "等", "々")
REASON_WH = {"何故", "なぜ", "どうして"}
WHICH_WH = {"何の", "どの", "どんな", "どういう", "如何", "どう", "どのよう", "何れ", "どれ"}
# Counters of ordinals that count the same as 回 does (第3次計画, 第2期, 第5弾).
ORDINAL_COUNTERS = ("次", "期", "弾")
# What joins the parts of a foreign name (ナゴルノ・カラバフ, ディアス＝カネル, in ASCII or full width).
NAME_DOTS = ("・", "=", "＝", "゠")
TOTAL_MARKERS = re.compile(r"(?:全部|全て|すべて)(?:で|合わせて|を合わせて|合計で)")
LIST_MARKERS = ("すべて", "全て", "全部", "列挙", "いずれも")
# 挙げて(ください) asks for a list; 挙げている (…として挙げているもの) only says the text names something.
# (挙げてもらえますか / 挙げてくれる？ ask politely: still a request.)
LIST_REQUEST = re.compile(r"挙げ(?:て(?:ください|下さい|くれ|ほしい|欲しい"
                          r"|(?:もらえ|いただけ|頂け|くれ)(?:ます|ません)か"
                          r"|(?:もらえる|くれる|くれない|もらえない)[？?]?)?|よ)(?:[。？?！!]|$)")
# A question that counts what it asks for (3か国はどこ, 二人は誰) asks for that many: a list.
COUNTED_ASK = re.compile(r"[2-9二三四五六七八九十]\s*(?:か国|カ国|ヶ国|人|名|つ|社|都市|機関|団体|件)"
                         r"(?:は|って|とは|が)(?:どこ|誰|だれ|何|どれ|どちら)")
EACH_MARKERS = ("それぞれ", "各々", "おのおの", "各自", "ずつ")

_DATE = (r"(?:(?:19|20)\d\d年|同年|翌年)?(?:\d{1,2}月|同月|翌月)?(?:\d{1,2}日|同日|翌日)?"
         r"(?:(?<=[年月日])(?:上旬|中旬|下旬|初め|初旬|末|頃))?")
# A date, or a range of dates (7月から8月, 2023年4月から6月期).
DATE_SPAN = re.compile(rf"(?<![0-9０-９]){_DATE}(?:(?<=[年月日旬末頃])(?:から|～|~|－|-){_DATE}(?<=[年月日旬末頃]))?"
                       r"(?:(?<=[月年])期)?")
YEAR = re.compile(r"(?:19|20)\d\d(?=年)|\b(?:19|20)\d\d\b")
LATIN_ACRONYM = re.compile(r"[A-Z][A-Z0-9+＋]{1,9}(?:\+|＋)?")
# What belongs to a figure around its digits and counter: 約2,000億ドル, 10万人以上, 第12回, 千年以上前.
NUMBER_PREFIXES = ("約", "総", "延べ", "およそ", "最大", "最低", "第", "同")  # (計: "in total", not part of the figure)
NUMBER_SUFFIXES = ("ぶり", "振り", "間", "目", "余り", "余", "超", "強", "弱", "以上", "以下", "未満", "前", "後",
                   "近く")
# The counter of an amount of money or of a change in one: what いくら and 金額 want.
# Titles of the head of an organisation: 対外経済活動銀行総裁 names the bank and its governor.
ORGANIZATION_TITLES = ("総裁", "頭取", "総長", "議長", "委員長", "事務総長", "長官", "会長", "社長", "理事長", "代表",
                       "長")
MONEY = "money"
MONEY_COUNTERS = ("円", "ドル", "ユーロ", "ルーブル", "元", "ウォン", "ポンド", "倍", "割", "パーセント", "%")
QUOTED = re.compile(r"[「『]([^「」『』]{1,60})[」』]")


@dataclass(frozen=True)
class QuestionType:
    """What a question asks for. `counter` narrows a number (人, 回, か国 as lemmas); `head` is the noun asked
    about; `years` are the years the question names; `parts` are further types asked in the same question
    ("いつ、どこで…" asks for a date and a place)."""

    answer_type: AnswerType
    counter: str | None = None
    head: str | None = None
    years: frozenset[str] = frozenset()
    is_list: bool = False
    each: bool = False
    parts: tuple[AnswerType, ...] = field(default_factory=tuple)
    # False when the type is only guessed from a topic noun ("輸出額は？" may want a figure or a trend), so a
    # missing span must not make the answerer abstain.
    explicit: bool = True
    # The units a date must have: 何月何日 wants a day, not just a month.
    date_units: frozenset[str] = frozenset()
    # The form a number must have: 何回目 (目) and 第何回 (第) want an ordinal, 何年ぶり (ぶり) an interval.
    number_suffix: str | None = None
    # 何と呼ばれる / what is X called: the name is the words the sentence puts before と呼ばれる, と称する.
    naming: bool = False
    # 何という会議 / 基金の名前: a name of a noun is asked for in so many words, so the answer must be a name of it
    # (quoted next to it, called so, or a compound ending in it), not any noun of the sentence. 何と呼ばれる with no
    # noun named is not: a sentence may call something so in more ways than the span finder knows.
    asks_name: bool = False
    # "What kind of parliament": a kind of the noun is asked, which a suffix of kind names (一院制), as 何制 does.
    asks_kind: bool = False
    # どの水準からどの水準まで: both ends of a range (7.5%から16%).
    wants_range: bool = False
    # 何月と何月 / 何か国と何か国: two of the same kind joined, answered by two joined spans (6月及び12月).
    wants_pair: bool = False
    # 成長率はどうだった: the direction of a change is part of the answer (1.2%減); 何％減った already says it.
    wants_direction: bool = False
    # What does CSTO stand for / EAEUの日本語名: the acronym whose expansion is asked.
    acronym: str | None = None
    # Which ministry / the name of the route: the Japanese nouns a span of the English head's kind ends with (省;
    # 回廊, ルート), so the span named by that kind comes first.
    head_endings: tuple[str, ...] = ()
    # The way a figure asked went, as the question says it (増えた → up): a figure that went the other way is no answer.
    direction: str | None = None
    # いつ頃: a rough time, which a season (春以降) answers as well as a date.
    rough_time: bool = False
    # …法案が成立したのはいつ / いつ表明した: the date asked is when something happened, so a date the sentence uses
    # as an object (9月3日を…に改称) or as part of a noun (2024年大統領選挙) is not it. 投票日はいつ asks for the
    # value of a noun, which such a date may well be.
    event_time: bool = False

    @property
    def wants_span(self) -> bool:
        return self.answer_type in SPAN_TYPES

    @property
    def all_types(self) -> tuple[AnswerType, ...]:
        return (self.answer_type, *[p for p in self.parts if p != self.answer_type])


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def type_of_head(head: str) -> AnswerType:
    """The type of answer a head noun asks for: どの国 → place, 何という会議 → name."""
    head = nfkc(head)
    for heads, kind in ((DESCRIPTION_HEADS, AnswerType.DESCRIPTION), (PERSON_HEADS, AnswerType.PERSON),
                        (DATE_HEADS, AnswerType.DATE), (NUMBER_HEADS, AnswerType.NUMBER),
                        (ORGANIZATION_HEADS + WORD_ORGANIZATION_HEADS, AnswerType.ORGANIZATION),
                        (PLACE_HEADS, AnswerType.PLACE)):
        if head in heads:
            return kind
    for heads, kind in ((PERSON_HEADS, AnswerType.PERSON), (ORGANIZATION_HEADS, AnswerType.ORGANIZATION),
                        (NUMBER_HEADS, AnswerType.NUMBER), (DATE_HEADS, AnswerType.DATE),
                        (PLACE_HEADS, AnswerType.PLACE)):
        if any(head.endswith(h) for h in heads if len(h) > 1 or len(head) > 1):
            return kind
    return AnswerType.NAME


def _suffixed_stem(words: Sequence[Word], i: int) -> bool:
    """幼稚+園: an adjectival stem the tagger split off before a noun-forming suffix is a piece of the noun."""
    return (words[i].pos1 == "形状詞" and i + 1 < len(words) and words[i + 1].pos1 == "接尾辞"
            and words[i + 1].start == words[i].end)


def _noun_run_before(words: Sequence[Word], index: int) -> list[Word]:
    """The compound noun that ends just before words[index] (投票日 in 投票日は？)."""
    run: list[Word] = []
    i = index - 1
    while i >= 0 and (words[i].pos1 in ("名詞", "接尾辞", "接頭辞") and words[i].pos2 != "代名詞"
                      or words[i].surface in NAME_DOTS or _suffixed_stem(words, i)):
        run.insert(0, words[i])
        i -= 1
    return run


def _noun_run_after(words: Sequence[Word], index: int) -> list[Word]:
    run: list[Word] = []
    i = index
    while i < len(words) and (words[i].pos1 in ("名詞", "接尾辞", "接頭辞") or words[i].surface == "・"
                              or _suffixed_stem(words, i)):
        run.append(words[i])
        i += 1
    return run


def _head(run: list[Word]) -> str:
    """The head of a compound noun: its last word, with a suffix joined to the word before (委員+長)."""
    if not run:
        return ""
    if len(run) > 1 and run[-1].surface in PLURAL_SUFFIXES:
        run = run[:-1]  # 人たち asks for people as 人 does
    last = run[-1].surface
    if run[-1].pos1 == "接尾辞" and len(run) > 1:
        last = run[-2].surface + last
    return last


def _counter_after(words: Sequence[Word], index: int) -> tuple[str | None, bool]:
    """The counter after 何 at words[index] (何人 → 人, 何か国 → 箇国) and whether a duration or ordinal
    suffix follows it (何年ぶり, 何年間, 何回目), which makes 何年 a number rather than a date."""
    if index + 1 >= len(words):
        return None, False
    counter = words[index + 1]
    if not (counter.is_counter or counter.pos1 in ("名詞", "接尾辞") and len(counter.surface) <= 3):
        return None, False
    following = words[index + 2].surface if index + 2 < len(words) else ""
    extends = following in ("ぶり", "振り", "間", "目", "後", "以上", "以内", "前", "余り", "超")
    return (counter.lemma or counter.surface), extends


def _split_fused_counters(words: Sequence[Word]) -> list[Word]:
    """何人 is one word to the dictionary (なにじん, a nationality), but in a question it is as often 何 + the
    counter 人 (何人受け入れて): a 何 fused with what reads as a counter after a numeral is split into the two
    (何者, who, is an interrogative of its own)."""
    split: list[Word] = []
    for word in words:
        rest = word.surface[1:]
        if word.surface.startswith("何") and rest and (word.lemma or "") not in PERSON_WH and word.pos1 == "名詞" \
                and word.pos2 != "数詞":
            as_counted = tagged_words("三" + rest)
            if len(as_counted) == 2 and as_counted[1].surface == rest and as_counted[1].is_counter:
                counter = as_counted[1]
                split.append(Word("何", "名詞", "数詞", "", "何", word.start, word.start + 1))
                split.append(Word(rest, counter.pos1, counter.pos2, counter.pos3, counter.lemma, word.start + 1,
                                  word.end))
                continue
        split.append(word)
    return split


# Words by which a question states that a date must give its day: 日にちまで, 日付で (as a date, not a month).
DAY_PRECISION = re.compile(r"日にち|日付で")


SAID_ASKED = re.compile(r"何[がを](?:話し合|議論|協議|述べ|発言|語|言[わっい])")


def classify_japanese(question: str) -> QuestionType:
    wants_day = bool(DAY_PRECISION.search(question))
    # 開始日は？（日にちまで）: a remark in brackets after the question only qualifies it
    question = re.sub(r"\s*[（(][^（）()]{1,20}[）)]\s*$", "", question) or question
    # なんて呼ばれてる / なんていう: the colloquial なんて is 何と
    question = re.sub(r"なんて(?=(?:呼|言|い|称|書))", "何と", question)
    if SAID_ASKED.search(question):
        # 何が話し合われた / 何を述べた: what was said, a description, not the name of a thing
        return QuestionType(AnswerType.DESCRIPTION, years=frozenset(YEAR.findall(nfkc(question))))
    # 何% is a pronoun before a symbol to the tagger, but 何％ is a numeral and its counter.
    words = _split_fused_counters(tagged_words(question.replace("%", "％")))
    years = frozenset(YEAR.findall(nfkc(question)))
    text = nfkc(question)
    # 全部で / 全て合わせて say "in total" (全部でどれくらいの額): a sum is asked, not a list
    listing = TOTAL_MARKERS.sub("", text)
    is_list = any(marker in listing for marker in LIST_MARKERS) or bool(LIST_REQUEST.search(text)) \
        or bool(COUNTED_ASK.search(text))
    each = any(marker in text for marker in EACH_MARKERS)
    found: list[tuple[AnswerType, str | None, str | None]] = []  # (type, counter, head) in question order
    date_units: set[str] = set()
    number_suffix: str | None = None
    naming = False
    asks_name = False
    event_time = False
    guessed = False  # the type comes from a topic noun, not from the interrogative
    for i, word in enumerate(words):
        lemma = word.lemma or word.surface
        surface = word.surface
        nxt = words[i + 1] if i + 1 < len(words) else None
        if surface in ("どちら", "どっち") and nxt is not None and nxt.surface in ("で", "に", "へ", "から", "を"):
            # どちらで行われた asks where (何方 is どなた's lemma too, which asks who)
            found.append((AnswerType.PLACE, None, None))
        elif surface in ("どちら", "どっち") and nxt is not None and nxt.surface == "の" \
                and _noun_run_after(words, i + 2):
            # どちらの院 asks which one of a kind, as どの院 does: the noun after it says what kind
            run = _noun_run_after(words, i + 2)
            found.append((type_of_head(_head(run)), None, _head(run)))
        elif surface in ("どちら", "どっち"):  # どちらが先: which of two things named, a guess
            found.append((AnswerType.NAME, None, None))
            guessed = True
        elif lemma in PERSON_WH and surface not in ("どちら", "どっち") or surface in ("誰", "だれ", "どなた"):
            # 大統領は誰 asks for a person; 主役は誰 or 誰が支援した may be answered by a country or a body.
            topic = topic_run(words, i)
            title = _head(topic) if topic and type_of_head(_head(topic)) == AnswerType.PERSON else None
            if title is None and surface == "どなた":
                title = "人名"  # どなた, the polite who, asks for a person by name, never a country or a body
            found.append((AnswerType.PERSON, None, title))
        elif lemma in PLACE_WH or surface == "どこ":
            if nxt is not None and nxt.surface == "の":
                run = _noun_run_after(words, i + 2)
                if run:
                    found.append((type_of_head(_head(run)), None, _head(run)))
                    continue
            # どこに拠点を置いた / どこで開催: a place in that role, whatever the topic (部隊は…どこに) is
            located = nxt is not None and nxt.pos1 == "助詞" and nxt.surface in PLACE_CASES
            topic = topic_run(words, i) if not located else []
            if topic and type_of_head(_head(topic)) in (AnswerType.PLACE, AnswerType.ORGANIZATION):
                # 視察した施設はどこ / 主催した機関はどこ: the topic noun says what kind of place
                found.append((type_of_head(_head(topic)), None, _head(topic)))
                continue
            found.append((AnswerType.PLACE, None, None))
        elif lemma in DATE_WH or surface.startswith("いつ") or lemma.startswith("何時"):
            found.append((AnswerType.DATE, None, None))
            event_time = event_time or asks_event_time(words, i)
            topic = topic_run(words, i)
            if topic and (topic[-1].surface == "日" or _head(topic) in DAY_NOUNS):
                # 投票日はいつ asks for a day: a year alone (2024年には議会選挙) does not give it
                date_units.add("月")
        elif lemma in REASON_WH or surface in ("なぜ", "何故", "どうして"):
            found.append((AnswerType.DESCRIPTION, None, None))
        elif (lemma == "幾" or surface == "いく") and word.pos2 == "数詞":  # いく+つ, いく+ら: how many, how much
            found.append((AnswerType.NUMBER, MONEY if nxt is not None and nxt.surface == "ら" else None, None))
        elif surface == "何" and nxt is not None and nxt.surface == "位":
            # 何位: the tagger reads 位 as くらい ("about"), but a rank is asked (21位)
            found.append((AnswerType.NUMBER, "位", None))
        elif surface == "何" and word.pos2 == "数詞":
            counter, extends = _counter_after(words, i)
            if counter in KIND_SUFFIXES:
                # 何制 / 何型: which system or type, a name ending in that suffix (一院制), not a figure
                found.append((AnswerType.NAME, None, counter))
                continue
            if counter in ("年", "月", "日") and not extends and f"{counter}数" not in text:
                # (日数は…何日: a count of days, not a day of the month)
                date_units.add(counter)
                found.append((AnswerType.DATE, counter, None))
                event_time = event_time or asks_event_time(words, i)
            else:
                if extends and i + 2 < len(words) and words[i + 2].surface in ("目", "ぶり", "振り"):
                    number_suffix = words[i + 2].surface
                elif i > 0 and words[i - 1].surface == "第":  # 第何回 asks for an ordinal, as 何回目 does
                    number_suffix = "第"
                found.append((AnswerType.NUMBER, counter, None))
        elif lemma in ("幾ら",) or surface == "いくら":
            found.append((AnswerType.NUMBER, MONEY, None))  # いくら asks what something costs or is worth
        elif lemma in AMOUNT_WH or surface in ("いくつ", "どれくらい", "どのくらい", "どれほど"):
            found.append((AnswerType.NUMBER, None, None))
        elif surface == "なんて" and nxt is not None and nxt.pos1 == "名詞":
            # なんて名前 / なんて会議: the spoken 何という
            run = _noun_run_after(words, i + 1)
            asks_name = True
            found.append((type_of_head(_head(run)), None, _head(run)))
        elif surface == "何" or lemma == "何":
            # 何という会議 / 何の条約 → the noun after it; Xは何ですか → the topic noun; 何を…した → a description
            after = words[i + 1:i + 4]
            run: list[Word] = []
            if after and len(after) > 1 and after[1].lemma == "言う" and (
                    after[0].surface == "と" or after[0].surface in ("て", "って") and _noun_run_after(words, i + 3)):
                # 何という, and the spoken なんていう + noun (なん+て+いう; 名前は何ていうの? reads on as before)
                asks_name = True
                run = _noun_run_after(words, i + 3)
                if run and _head(run) in FORMAL_NOUNS:
                    # 価値はなんていうもの: もの stands for the topic noun, whose name is asked
                    topic = topic_run(words, i)
                    if topic:
                        found.append((AnswerType.NAME, None, _head(topic)))
                        continue
                if not run:  # 何と呼ばれた / 何と称した: a name, quoted in the sentence
                    found.append((AnswerType.NAME, None, None))
                    naming = True
                    continue
            elif after and after[0].surface == "の":
                run = _noun_run_after(words, i + 2)
            elif len(after) >= 2 and after[0].pos1 == "助動詞" and (after[1].surface == "と" or (
                    after[1].lemma == "有る" and len(after) > 2 and after[2].surface in ("と", "か"))):
                # 中国の何だと述べた / 何であるかのように: the term a sentence uses, usually quoted
                found.append((AnswerType.NAME, None, None))
                continue
            elif after and after[0].surface in ("と",):
                found.append((AnswerType.NAME, None, None))
                naming = True
                # 何と呼ばれる asks for a name; 何と表現した / 何と訳された for whatever term the sentence uses.
                asks_name = len(after) > 1 and (after[1].lemma or "") in NAMING_VERBS
                continue
            elif after and after[0].surface in ("を", "が", "に", "で", "から", "へ"):
                # 何を選ぶ選挙ですか: the clause describes the noun the question ends with, which is what is asked.
                final = _predicate_noun(words)
                if final and type_of_head(_head(final)) != AnswerType.DESCRIPTION:
                    found.append((type_of_head(_head(final)), None, _head(final)))
                    continue
                verb = next((w for w in words[i + 2:] if w.pos1 in ("動詞", "名詞") and w.pos2 != "数詞"), None)
                if after[0].surface in ("が", "に") and verb is not None and (verb.lemma or verb.surface) not in \
                        HAPPENING_VERBS and not is_list:
                    # 何に違反する / 何がある: the thing itself, a noun of the sentence; only guessed, since what
                    # answers may be a phrase (何が問題か).
                    found.append((AnswerType.NAME, None, None))
                    guessed = True
                    continue
                found.append((AnswerType.DESCRIPTION, None, None))
                continue
            else:
                run = topic_run(words, i)
                if run and _head(run) in THING_HEADS and not is_list:  # (a list of things: the sentences)
                    # 挙げているものは何: a thing, named by a noun of the sentence (not a description)
                    found.append((AnswerType.NAME, None, None))
                    guessed = True
                    continue
            if run:
                found.append((type_of_head(_head(run)), None, _head(run)))
            else:
                found.append((AnswerType.NAME, None, None))
        elif (surface in ("どの", "どれ") or lemma in ("何の", "何れ")) and nxt is not None and (
                nxt.surface in AMOUNT_AFTER or (nxt.lemma or "") in AMOUNT_AFTER):
            found.append((AnswerType.NUMBER, None, None))
        elif lemma in WHICH_WH or surface in ("どの", "どんな", "どういう", "どのような", "どのように", "どう"):
            says = surface == "どう" and nxt is not None and (nxt.lemma == "言う" or nxt.surface == "いう")
            if (surface in ("どのように", "どう") and not says
                    or nxt is not None and nxt.surface in ("に", "して", "やって")):
                topic = topic_run(words, i)
                if surface == "どう" and topic and type_of_head(_head(topic)) == AnswerType.NUMBER:
                    # 成長率はどうだったか: a figure and which way it went (1.2%減)
                    found.append((AnswerType.NUMBER, None, _head(topic)))
                    guessed = True
                    continue
                found.append((AnswerType.DESCRIPTION, None, None))
                continue
            start = i + 2 if says else i + 1  # どう+いう ルート: the noun after いう
            while start < len(words) and words[start].surface in ("よう", "な", "様"):
                start += 1
            run = _noun_run_after(words, start)
            after = start + len(run)
            if run and _head(run) in KIND_WORDS and after + 1 < len(words) and words[after].surface == "の" \
                    and _noun_run_after(words, after + 1):
                run = _noun_run_after(words, after + 1)  # どういう種類の資金協力: a kind of 資金協力
            if run:
                found.append((type_of_head(_head(run)), None, _head(run)))
            elif surface in ("どれ",):
                found.append((AnswerType.NAME, None, None))
            else:
                found.append((AnswerType.DESCRIPTION, None, None))
    if wants_day and not found:
        found.append((AnswerType.DATE, None, None))  # 開始日を日付で。: the stated precision says what is asked
    if wants_day and found[0][0] == AnswerType.DATE:
        date_units.add("日")
    if not found:
        ending = [w for w in words if w.pos1 != "補助記号"]
        requested = _requested_noun(words) if not is_list and not each else []
        if requested:
            # 大統領の名前を教えて / 開催国を教えてください / 始まった年が知りたい: the noun asked for is the object of
            # the request and says what kind of thing is asked, as a head noun after どの would. A request is
            # looser than a question (…の状況を教えて), so the type shapes the short answer but never causes
            # abstention: made strict, it abstained on one holdout question the documents answer.
            kind, head = type_of_head(_head(requested)), _head(requested)
            named = is_name_noun(head)
            if named:
                kind, head = _named_thing(words, head)
            if kind in SPAN_TYPES:
                # …基金の名称を教えて asks for a name in so many words, as 何という基金 does: that one is strict.
                strict_name = named and kind == AnswerType.NAME and head is not None
                return QuestionType(kind, head=head, years=years, explicit=strict_name, acronym=_acronym(question),
                                    asks_name=strict_name)
        if ending and ending[-1].surface in ("は", "って"):
            # 投票日は？ — an elliptic question: the topic noun says what is asked
            run = _noun_run_before(words, len(words) - 1 - (len(words) - 1 - words.index(ending[-1])))
            if run and is_name_noun(_head(run)):  # 署名した文書の名前は？ / 与党の党名は？ asks for a name
                kind, head = _named_thing(words, _head(run))
                return QuestionType(kind, head=head, years=years, is_list=is_list, each=each,
                                    acronym=_acronym(question), asks_name=True)
            if run:
                # 開発事業は？ asks which one, as 何という事業 would (a name leads the answer), but only as a guess.
                kind = type_of_head(_head(run))
                # 成長率は？ does not say which way the figure went: the answer keeps its 増/減 (1.2%減); 減少率は？
                # already says it.
                topic = "".join(w.surface for w in run)
                # 人数は？ / 件数は？ asks for a count of that counter as surely as 何人 does; 輸出額は？ may want a
                # figure or a trend, so other topics only guess.
                counted = kind == AnswerType.NUMBER and len(topic) >= 2 and topic.endswith("数") \
                    and topic[-2] in COUNT_COUNTERS
                counter = topic[-2] if counted else None
                owner = _noun_run_before(words, words.index(run[0]) - 1) if topic == "数" and words.index(
                    run[0]) >= 2 and words[words.index(run[0]) - 1].surface == "の" else []
                if owner and _head(owner) in COUNTED_NOUNS:
                    # 参加した国の数は？ / 首脳の数は？: a count of that noun, as 何か国 / 何人 asks
                    counted, counter = True, COUNTED_NOUNS[_head(owner)]
                # 移動したベラルーシの都市は？ / 会談した閣僚は？: a noun for a place, a body or a person says as surely
                # as どの都市 what is asked.
                return QuestionType(kind, head=_head(run),
                                    counter=counter,
                                    years=years, is_list=is_list, each=each, explicit=counted or kind in (
                                        AnswerType.PLACE, AnswerType.ORGANIZATION, AnswerType.PERSON),
                                    wants_direction=kind == AnswerType.NUMBER and not any(
                                        word in topic for word in DIRECTION_WORDS))
        if ending and ending[-1].surface in ("か", "の") and ending[-1].pos1 == "助詞" \
                and not LIST_REQUEST.search(text):  # 挙げてもらえますか is a request to list, not a yes/no question
            return QuestionType(AnswerType.YESNO, years=years, is_list=is_list, each=each)
        if ending and ending[-1].pos1 in ("動詞", "助動詞") and question.rstrip().endswith(("？", "?")) \
                and not is_list:
            # 再選された？ / 加盟する？: a plain-form predicate asked with a question mark and no interrogative
            return QuestionType(AnswerType.YESNO, years=years, each=each)
        if is_list:
            # 国を二つ挙げて: the object of the listing verb (the last を: 権益を持つ企業の…都市を挙げて) says what
            # each item is.
            for j, word in reversed(list(enumerate(words))):
                if word.surface == "を" and word.pos1 == "助詞":
                    run = _noun_run_before(words, j)
                    while run and run[-1].pos2 == "数詞" or run and run[-1].surface in ("つ", "二", "三"):
                        run = run[:-1]
                    if run:
                        head = _head(run)
                        if head == "名" and len(run) > 1:
                            head = run[-2].surface + head  # 地域名を全て挙げて: the names of regions, places
                        kind = type_of_head(head[:-1]) if is_name_noun(head) and head not in NAME_NOUNS \
                            else type_of_head(head)
                        return QuestionType(AnswerType.LIST, head=head, years=years, is_list=True, each=each,
                                            parts=(kind,))
            return QuestionType(AnswerType.LIST, years=years, is_list=True, each=each)
        return QuestionType(AnswerType.DESCRIPTION, years=years, is_list=is_list, each=each)
    kind, counter, head = found[0]
    if head in ("立場", "地位") and re.search(r"氏(?:は|って|の)", text):
        kind, head = AnswerType.NAME, "肩書き"  # サイドフ氏はどういう立場: a person's standing is the title held
    if kind == AnswerType.NAME and is_name_noun(head):
        # 署名した文書の名前は: the name of a 文書; EAEUの日本語名: the name of what the acronym stands for.
        kind, head = _named_thing(words, head)
        asks_name = True
    if kind == AnswerType.PERSON and head in GENERIC_PEOPLE and not any(w.surface in ("誰", "だれ", "どなた")
                                                                        for w in words) \
            and not re.search(r"(?:何|なん)(?:という|て)(?:方|人|人物)", text):
        # どんな人たち asks what kind of people (元島民) as often as who: no name in the sentence is no reason to
        # abstain. (…以外の人は誰 asks who, and 何という方 a person's name.)
        guessed = True
    if counter == MONEY:
        # ルーブルでいくら: the currency named in the question is the counter the answer needs
        counter = next((c for c in MONEY_COUNTERS[:7] if c in text), counter)
    if kind == AnswerType.NUMBER and head is None:
        topic = topic_run(words, len(words))
        head = _head(topic) if topic else None
    parts = tuple(dict.fromkeys(k for k, _, _ in found[1:] if k != kind))
    ranges = "から" in text and "まで" in text and sum(1 for k, _, _ in found if k == kind) >= 2
    pair = not ranges and kind in (AnswerType.DATE, AnswerType.NUMBER) and _asks_pair(words)
    acronym = _acronym(question) if kind == AnswerType.NAME else None
    spelled_out = _acronym(question) if kind in (AnswerType.NAME, AnswerType.ORGANIZATION) else None
    if spelled_out and re.search(rf"{spelled_out}(?:は|の)?(?:日本語|英語|正式|略)", text) and any(
            w.surface == "何" for w in words):
        # SCOは日本語で何と訳される / 英語で何という組織の略: the acronym's expansion, in the language named.
        kind, acronym, head = AnswerType.NAME, spelled_out, "abbreviation" if "英語" in text else "日本語名"
    return QuestionType(kind, counter=counter, head=head, years=years, is_list=is_list, each=each, parts=parts,
                        date_units=frozenset(date_units), number_suffix=number_suffix, naming=naming,
                        wants_range=ranges, wants_pair=pair, wants_direction=kind == AnswerType.NUMBER and (
                            guessed or not any(word in text for word in DIRECTION_WORDS)),
                        direction=stated_direction(text) if kind == AnswerType.NUMBER else None,
                        explicit=not guessed, acronym=acronym, event_time=event_time,
                        rough_time=kind == AnswerType.DATE and bool(re.search(r"いつ(?:頃|ごろ)", text)),
                        asks_name=asks_name and kind == AnswerType.NAME and head is not None)


def _asks_pair(words: Sequence[Word]) -> bool:
    """何月と何月 / 何年及び何年: two interrogatives 何 with the same counter joined by a coordinator."""
    for k in range(len(words) - 4):
        if words[k].surface == "何" and words[k + 2].surface in ("と", "及び", "および", "や", "、") \
                and words[k + 3].surface == "何" and words[k + 1].surface == words[k + 4].surface:
            return True
    return False


def asks_event_time(words: Sequence[Word], wh_index: int) -> bool:
    """Whether the date asked at words[wh_index] is the time of an event: the topic before it is a clause
    (成立したのは 何月, 表明したのは いつ) or none (いつ開催された), not a noun whose value is a date (投票日は いつ,
    会合は いつ)."""
    for j in range(wh_index - 1, -1, -1):
        if words[j].surface in TOPIC_PARTICLES and words[j].pos1 == "助詞":
            return not _noun_run_before(words, j)
    return True


# The case particles after どこ that ask for a place in a role (どこに置いた, どこで開催, どこから来た).
PLACE_CASES = ("に", "で", "へ", "から", "まで", "より")
# Suffixes that make a name of a kind (一院制, 大統領制, 新型): after 何 they ask which kind, not how many.
KIND_SUFFIXES = ("制", "型", "式", "派", "系", "流", "語")
# What marks the topic a question asks about: は, が, and the spoken って (団体ってどこ).
TOPIC_PARTICLES = ("は", "が", "って")
# Verbs that ask what happened or was done (何が起きた, 何をした): a description, not a thing.
HAPPENING_VERBS = ("する", "為る", "起きる", "起こる", "生じる", "行う", "やる", "成る", "なる", "発生")
# Topic nouns that only say "a thing" (挙げているものは何): the answer is a noun of the sentence.
THING_HEADS = ("もの", "物")
# Counters a count noun is made of (人数, 件数, 回数): Xの人数は？ asks for …人.
COUNT_COUNTERS = ("人", "件", "回", "国", "隻", "機", "発", "社", "団体")
# Nouns counted with a counter of their own: Xの数は？ asks for a count of X (国の数 → …か国).
COUNTED_NOUNS = {"国": "箇国", "国家": "箇国", "首脳": "人", "人": "人", "者": "人", "人々": "人", "回": "回",
                 "件": "件", "企業": "社", "会社": "社", "団体": "団体"}
# Nouns for the day of something (投票日 is …日 as well): asked when, they want at least its month.
DAY_NOUNS = ("期日", "日付", "日程", "日時", "当日")
# Verbs of naming: 何と呼ばれる asks for what something is called.
NAMING_VERBS = ("呼ぶ", "称する", "名付ける")
# Words by which a question states which way a figure went (減った, 増加率): its answer needs no 増/減 then.
UP_WORDS = ("増", "伸", "上昇", "上が", "拡大", "引き上", "高ま")
DOWN_WORDS = ("減", "下落", "低下", "落ち", "下が", "縮小", "引き下", "低ま")
DIRECTION_WORDS = UP_WORDS + DOWN_WORDS
# Nouns that ask for the name of something rather than being the thing: 文書の名前, 正式な名称.
NAME_NOUNS = ("名前", "名称", "名", "呼称", "日本語名", "正式名称", "略称", "正式名", "タイトル", "題名", "表題")
ACRONYM_IN_QUESTION = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]{1,7}(?![A-Za-z0-9])")


def _acronym(question: str) -> str | None:
    found = ACRONYM_IN_QUESTION.findall(nfkc(question))
    return found[-1] if found else None  # the one nearest the name asked for (…CSTOの正式名は)


def _kind_named(head: str) -> AnswerType:
    """What the name of a `head` is: 大統領の名前 asks for a person, 首都の名前 for a place, 文書の名前 for a name."""
    kind = type_of_head(head)
    return kind if kind in (AnswerType.PERSON, AnswerType.PLACE, AnswerType.ORGANIZATION) else AnswerType.NAME


# Words that say which of a thing's names is asked (正式な名称, 公式の名前): they stand between the thing and its name.
NAME_QUALIFIERS = ("正式", "公式", "正確", "本当", "具体")


def is_name_noun(noun: str | None) -> bool:
    """Whether a noun asks for the name of something: 名前, 名称… or a word for the name of a kind (党名, 国名,
    団体名)."""
    return bool(noun) and (noun in NAME_NOUNS or 2 <= len(noun or "") <= 4 and (noun or "").endswith("名")
                           and type_of_head((noun or "")[:-1]) in (AnswerType.PLACE, AnswerType.ORGANIZATION))


def _named_thing(words: Sequence[Word], name_noun: str) -> tuple[AnswerType, str | None]:
    """For 〇〇の名前, the noun 〇〇 whose name is asked: (NAME, 文書) for 署名した文書の名前."""
    for k, word in enumerate(words):
        # 共同声明の正式なタイトル: an adjective (正式な, 公式の) may stand between the thing and its name
        j = k - 2 if k >= 2 and words[k - 1].surface in ("な", "の") and words[k - 2].surface in NAME_QUALIFIERS else \
            k - 1 if k >= 1 and words[k - 1].surface in NAME_QUALIFIERS else k  # 条約の正式名称
        if word.surface == name_noun and j >= 2 and words[j - 1].surface in ("、", "，") \
                and words[j - 2].pos1 == "名詞":
            run = _noun_run_before(words, j - 1)  # アステラス製薬の社員、名前は: the noun set beside the name
            if run and not is_name_noun(_head(run)):
                return _kind_named(_head(run)), _head(run)
        if word.surface == name_noun and j >= 2 and words[j - 1].surface == "の":
            # 「北方四島周辺水域操業枠組協定」の正式な名称: the quoted name's last noun says what it names
            end = j - 2 if words[j - 2].surface in ("」", "』") else j - 1
            run = _noun_run_before(words, end)
            if run and not is_name_noun(_head(run)):
                return _kind_named(_head(run)), _head(run)
    # 基金は何という名前 / 演習には何という名前が付いて: the topic before the interrogative is what is named.
    wh = next((k for k, w in enumerate(words) if w.surface == "何"), None)
    for j in range(wh - 1 if wh is not None else -1, 0, -1):
        if words[j].surface in TOPIC_PARTICLES and words[j].pos1 == "助詞":
            end = j - 1 if words[j - 1].surface in ("に", "で", "と") and words[j - 1].pos1 == "助詞" else j
            run = _noun_run_before(words, end)
            if not run or words[end - 1].pos1 != "名詞":
                continue  # 正式には: an adverb's は, not the topic's
            if _head(run) not in NAME_NOUNS and type_of_head(_head(run)) != AnswerType.DESCRIPTION:
                return _kind_named(_head(run)), _head(run)
            break
    if name_noun not in NAME_NOUNS and is_name_noun(name_noun):
        return type_of_head(name_noun[:-1]), name_noun[:-1]  # 国名を教えて: a country
    return AnswerType.NAME, name_noun


# Verbs of a request for information (教えて, 知りたい) whose object is what the question asks.
REQUEST_VERBS = ("教える", "知る")


def _requested_noun(words: Sequence[Word]) -> list[Word]:
    """The noun compound a request asks for: its object before を (or が before 知りたい)."""
    for k, word in enumerate(words):
        if (word.lemma or "") in REQUEST_VERBS and word.pos1 == "動詞":
            # 日付を、日にちまで教えて / 名前を詳しく教えて: the object may stand before an adverbial phrase
            j = k - 1
            while j >= 1 and not (words[j].surface in ("を", "が") and words[j].pos1 == "助詞"):
                if words[j].pos1 in ("動詞", "助動詞"):
                    return []
                j -= 1
            if j >= 1:
                return _noun_run_before(words, j)
    return []


def _predicate_noun(words: Sequence[Word]) -> list[Word]:
    """The noun compound a question ends with before its copula (…選ぶ選挙ですか → 選挙)."""
    k = len(words) - 1
    while k >= 0 and (words[k].pos1 in ("補助記号", "助動詞") or words[k].pos1 == "助詞" and words[k].surface in (
            "か", "の", "ね", "よ")):
        k -= 1
    return _noun_run_before(words, k + 1) if k >= 0 and words[k].pos1 == "名詞" else []


def is_interrogative(word: Word) -> bool:
    lemma = word.lemma or word.surface
    return (lemma in PERSON_WH or lemma in PLACE_WH or lemma in DATE_WH or lemma in AMOUNT_WH or lemma in REASON_WH
            or lemma in WHICH_WH or word.surface in ("何", "誰", "どこ", "いつ", "いくら", "いくつ", "どの", "どれ")
            or (lemma == "幾" and word.pos2 == "数詞"))


def question_focus(question: str) -> frozenset[str]:
    """The lemmas of what a Japanese question is about, next to its interrogative: the topic before it
    (同期間の貿易額全体は いくら → 貿易, 額, 全体) and the noun after どの/何の. The sentence's words that match them
    point at the answer more surely than the question's other words."""
    words = tagged_words(question)
    wh = next((i for i, w in enumerate(words) if is_interrogative(w)), None)
    if wh is None:
        return frozenset()
    run = topic_run(words, wh)
    if wh + 1 < len(words) and words[wh + 1].surface == "の":
        run = run + _noun_run_after(words, wh + 2)
    return frozenset(nfkc(w.lemma or w.surface).lower() for w in run if w.pos2 not in ("数詞", "代名詞"))


def topic_run(words: Sequence[Word], wh_index: int) -> list[Word]:
    """For "XはYの何ですか" style questions, the noun compound marked by は or が before the interrogative."""
    for j in range(wh_index - 1, -1, -1):
        if words[j].surface in TOPIC_PARTICLES and words[j].pos1 == "助詞":
            return _noun_run_before(words, j)
    return []


ENGLISH_PERSON = re.compile(r"\b(who|whom|whose)\b")
ENGLISH_PLACE = re.compile(r"\bwhere\b")
ENGLISH_DATE = re.compile(r"\bwhen\b|\b(what|which) (year|date|day|month)s?\b|\bon what dates?\b|\bin what year\b")
ENGLISH_DATE_UNITS = (("日", re.compile(r"\b(what|which|exact) (date|day)s?\b|\bon what dates?\b")),
                      ("月", re.compile(r"\b(what|which) months?\b")),
                      ("年", re.compile(r"\b(what|which) years?\b")))
ENGLISH_NUMBER = re.compile(r"\bhow (many|much|long|far|close|large|big|often)\b|\bwhat (percentage|percent|share|"
                            r"proportion|rate|rating|number|amount|sum|level|figure|value)\b|\bby how much\b")
ENGLISH_REASON = re.compile(r"\bwhy\b|\bhow (did|does|do|has|have|was|were|is|are|will|would|can)\b|\bin what way\b")
ENGLISH_WHICH = re.compile(r"\b(which|what)\s+(?:(?:two|three|four|five|new|former|main|other|first|second|"
                           r"specific|particular)\s+)?([a-z-]+)")
ENGLISH_YESNO = re.compile(r"^(is|are|was|were|did|does|do|has|have|had|can|could|will|would|should)\b")
ENGLISH_LIST = re.compile(r"\b(list|name all|all the|every|which (countries|states|organizations)"
                          r"|(which|what) (two|three|four|five|six|seven|eight|nine|ten) )\b")
ENGLISH_EACH = re.compile(r"\b(respectively|each)\b")
ENGLISH_HEADS: dict[AnswerType, tuple[str, ...]] = {
    AnswerType.PLACE: ("country", "countries", "city", "cities", "region", "place", "state", "states", "capital",
                       "nation", "nations", "island", "islands", "location", "territory", "venue", "headquarters",
                       "seat", "site", "port", "destination", "province", "town", "village", "facility"),
    AnswerType.ORGANIZATION: ("organization", "organisation", "organizations", "body", "group", "bloc", "alliance",
                              "institution", "party", "framework", "frameworks", "agency", "company", "union",
                              "forces", "army", "court", "ministry", "bank", "committee", "council", "parliament",
                              "firm", "corporation", "association", "authority", "commission", "organisations",
                              "bodies", "groups", "institutions", "parties", "agencies", "companies", "banks",
                              "ministries", "firms", "authorities", "newspaper", "newspapers", "media", "outlet",
                              "broadcaster", "publisher", "enterprise", "enterprises", "department", "university",
                              "universities", "institute", "foundation"),
    AnswerType.PERSON: ("person", "leader", "leaders", "president", "minister", "official", "head", "chairman",
                        "people", "figure", "ambassador", "envoy", "commander", "ministers", "successor",
                        "spokesperson", "spokesman", "governor", "chief", "secretary", "mayor", "chair",
                        "representative", "founder", "author", "winner", "candidate"),
    AnswerType.DATE: ("year", "date", "day", "month", "time", "period", "deadline"),
    AnswerType.NUMBER: ("percentage", "percent", "share", "number", "amount", "figure", "rate", "rating", "sum",
                        "level", "anniversary", "edition", "round", "session", "population", "budget", "cost", "price",
                        "total", "size", "length", "distance", "turnout", "volume", "value", "count", "age",
                        "duration", "growth", "factor", "ratio", "proportion", "margin"),
    AnswerType.DESCRIPTION: ("reason", "reasons", "way", "measures", "measure", "position", "stance", "view",
                             "purpose", "role", "steps", "step", "action", "actions", "concern", "concerns",
                             "goal", "aim", "did", "does", "do", "was", "were", "is", "are", "has", "have"),
}
ENGLISH_COUNTERS = (("people", "人"), ("persons", "人"), ("participants", "人"), ("attendees", "人"),
                    ("delegates", "人"), ("refugees", "人"), ("soldiers", "人"),
                    ("countries", "箇国"), ("nations", "箇国"),
                    ("times", "回"), ("percent", "パーセント"), ("percentage", "パーセント"), ("years", "年"),
                    ("missiles", "発"), ("rounds", "回"), ("factor", "倍"), ("companies", "社"), ("firms", "社"),
                    ("enterprises", "社"), ("cases", "件"), ("incidents", "件"), ("projects", "件"),
                    ("aircraft", "機"), ("planes", "機"), ("ships", "隻"), ("vessels", "隻"), ("visitors", "人"),
                    ("students", "人"), ("nationals", "人"), ("evacuees", "人"), ("tourists", "人"),
                    ("members", "人"), ("volunteers", "人"), ("experts", "人"), ("months", "箇月"), ("days", "日"),
                    ("tons", "トン"), ("tonnes", "トン"), ("votes", "票"), ("seats", "議席"),
                    ("kilometers", "キロ"), ("kilometres", "キロ"))
# "How much did Japan contribute": an amount of money, which a share (約7割) does not answer.
ENGLISH_MONEY = re.compile(r"\bhow much\b.{0,60}\b(?:contribut|provid|pledg|cost|spen[dt]|invest|donat|grant|lend|lent|"
                           r"loan|pa(?:y|id)|fund|financ|aid|assist|allocat)", re.I)


ENGLISH_DIRECTION = re.compile(r"\b(fall|fell|fallen|drop|dropped|declin\w*|decreas\w*|shr[iu]nk\w*|los[te]|"
                               r"ris[ei]\w*|rose|increas\w*|gr[eo]w|grown|gain\w*|jump\w*|up|down|more|less|"
                               r"cut|rais\w*|reduc\w*|expand\w*)\b")
ENGLISH_EXPANSION = re.compile(r"\b(stand|stands|short) for\b|\b(abbreviation|acronym)\b"
                               r"|\b(full|official) (?:english )?(name|form|title)\b|\benglish (name|title)\b")


def classify_english(question: str) -> QuestionType:
    text = nfkc(question).lower().strip()
    years = frozenset(YEAR.findall(text))
    acronym = _acronym(question)
    if acronym and ENGLISH_EXPANSION.search(text):
        return QuestionType(AnswerType.NAME, head="abbreviation", years=years, acronym=acronym)
    is_list = bool(ENGLISH_LIST.search(text))
    each = bool(ENGLISH_EACH.search(text))
    found: list[tuple[int, AnswerType, str | None, str | None]] = []
    for pattern, kind in ((ENGLISH_PERSON, AnswerType.PERSON), (ENGLISH_PLACE, AnswerType.PLACE),
                          (ENGLISH_DATE, AnswerType.DATE), (ENGLISH_REASON, AnswerType.DESCRIPTION)):
        for match in pattern.finditer(text):
            if not _english_subordinate(text, match.start()):
                found.append((match.start(), kind, None, None))
    for match in ENGLISH_NUMBER.finditer(text):
        rest = text[match.end():match.end() + 30]
        # "how many Rohingya refugees", "how many JICA volunteers": a proper noun (capitalised in the question) may
        # stand between "how many" and what is counted
        named = len(re.match(r"(?:\s+[A-Z][\w-]*)*", nfkc(question)[match.end():match.end() + 40]).group())
        counter = next((c for word, c in ENGLISH_COUNTERS if re.match(rf"\s*{word}\b", rest)
                        or named and re.match(rf"\s*{word}\b", text[match.end() + named:])), None)
        if "percent" in match.group() or "share" in match.group() or "proportion" in match.group():
            counter = "パーセント"
        elif match.group() == "how much" and ENGLISH_MONEY.search(text):
            counter = MONEY
        # how long: a length of time (7年, 3か月), which a count filter would otherwise take for a year
        found.append((match.start(), AnswerType.NUMBER, counter, "期間" if match.group() == "how long" else None))
    for match in re.finditer(r"\b(which|what)\b", text):
        if any(start <= match.start() < start + 12 for start, *_ in found):
            continue
        noun = _english_head(text[match.end():])
        if noun is None:
            continue
        kind = next((k for k, nouns in ENGLISH_HEADS.items() if noun in nouns), AnswerType.NAME)
        found.append((match.start(), kind, None, noun))
    if not found:
        if ENGLISH_YESNO.match(text):
            return QuestionType(AnswerType.YESNO, years=years, is_list=is_list, each=each)
        if is_list:
            # (Typing the items by the listed noun, "List the host cities" → places, was tried: nothing gained on
            # tune, and an English list the check split answers then abstained.)
            return QuestionType(AnswerType.LIST, years=years, is_list=True, each=each)
        return QuestionType(AnswerType.DESCRIPTION, years=years, is_list=is_list, each=each)
    found.sort(key=lambda f: f[0])
    _, kind, counter, head = found[0]
    asks_kind = bool(re.search(r"\bwhat\s+(?:kinds?|types?|sorts?)\s+of\b", text))
    if asks_kind and kind == AnswerType.ORGANIZATION:
        kind = AnswerType.NAME  # what kind of organisation: a kind (民間軍事会社), not which body
    parts = tuple(dict.fromkeys(k for _, k, _, _ in found[1:] if k != kind))
    # "On what date" wants a day, "in which month" a month: the units a Japanese date must show.
    date_units = frozenset(unit for unit, pattern in ENGLISH_DATE_UNITS if pattern.search(text))
    # "Whose troops": the possessor may be a country or an army as well as a person, so its absence proves nothing.
    explicit = not (kind == AnswerType.PERSON and re.search(r"\bwhose\b", text) and not re.search(r"\bwho\b", text))
    # "What was the growth rate?" does not say which way the figure went: the answer keeps its 増/減 (1.2%減).
    direction = kind == AnswerType.NUMBER and not ENGLISH_DIRECTION.search(text)
    return QuestionType(kind, counter=counter, head=head, years=years, is_list=is_list, each=each, parts=parts,
                        date_units=date_units, explicit=explicit, wants_direction=direction,
                        head_endings=ENGLISH_KIND_ENDINGS.get(head or "", ()),
                        asks_kind=asks_kind,
                        asks_name=kind in (AnswerType.NAME, AnswerType.ORGANIZATION) and head in ENGLISH_KIND_ENDINGS
                        and bool(
                            re.search(r"\b(?:name|called|named|title)\b", text)),
                        event_time=any(not _english_subordinate(text, m.start())
                                       for m in re.finditer(r"\bwhen\b", text)))


# English nouns for kinds of things and the Japanese nouns a name of that kind ends with: a closed vocabulary of
# the kinds of bodies, documents, events and places the documents name (Ministry → 国防省, route → ラチン回廊).
ENGLISH_KIND_ENDINGS: dict[str, tuple[str, ...]] = {
    "route": ("回廊", "ルート", "航路", "鉄道", "路"), "corridor": ("回廊",), "ministry": ("省",),
    "crossing": ("検問所", "国境"), "checkpoint": ("検問所",),
    "company": ("会社", "社", "企業", "公社"), "court": ("裁判所",), "bank": ("銀行",),
    "organization": ("機構", "機関", "組織"), "newspaper": ("新聞", "新聞社", "通信社"),
    "newspapers": ("新聞", "新聞社", "通信社"), "broadcaster": ("放送", "放送局", "テレビ"),
    "agency": ("庁", "機関", "局"), "authority": ("当局", "庁"), "authorities": ("当局", "庁"),
    "organisation": ("機構", "機関", "組織"), "alliance": ("同盟",), "union": ("連合", "同盟"),
    "council": ("理事会", "評議会", "会議"), "committee": ("委員会",), "party": ("党",), "army": ("軍",),
    "forces": ("軍", "部隊"), "troops": ("軍", "部隊"), "election": ("選挙",), "treaty": ("条約",),
    "agreement": ("協定", "合意"), "law": ("法", "法律"), "declaration": ("宣言",), "statement": ("声明",),
    "meeting": ("会合", "会議", "会談"), "summit": ("首脳会合", "首脳会議", "サミット"), "conference": ("会議",),
    "forum": ("フォーラム",), "dialogue": ("対話",), "exercise": ("演習",), "exercises": ("演習",),
    "operation": ("作戦",), "plan": ("計画",), "project": ("計画", "プロジェクト"), "programme": ("プログラム", "計画"),
    "program": ("プログラム", "計画"), "strategy": ("戦略",), "initiative": ("イニシアティブ", "構想"),
    "framework": ("枠組み", "枠組"), "policy": ("政策",), "statistics": ("統計",), "fund": ("基金",),
    "city": ("市",), "region": ("地域", "地方"), "island": ("島",), "islands": ("諸島", "島"), "port": ("港",),
    "airport": ("空港",), "university": ("大学",), "prize": ("賞",), "award": ("賞",), "festival": ("祭",),
    "base": ("基地",), "plant": ("発電所", "工場"), "station": ("駅", "基地"), "school": ("学校",),
    "kindergarten": ("幼稚園", "園"), "hospital": ("病院",), "museum": ("博物館", "美術館"), "theatre": ("劇場",),
    "theater": ("劇場",), "palace": ("宮殿",), "character": ("キャラクター",), "textbook": ("教科書",),
    "mascot": ("キャラクター", "マスコット"),
}


def _english_subordinate(text: str, position: int) -> bool:
    """Whether the wh-word at `position` opens a subordinate clause ("what rating did he keep when he declared…",
    "the city where the talks were held") rather than asking: it follows other words of the question, not a
    conjunction (when and where) or a comma."""
    before = text[:position].rstrip()
    if before.endswith(",") and re.search(r"\b(?:whom|whose)\b", text[position:position + 6]) and re.search(
            r"\b(what|which|who|how|where|when|why)\b", text[position + 5:]):
        return True  # "Bakirov, whom Yoshikawa met, chairs which body?": whom after a name describes it
    if not before or before.endswith((",", ";")):
        return False
    previous = re.findall(r"[a-z]+", before)
    return bool(previous) and previous[-1] not in ("and", "or", "but", "then", "exactly") and bool(
        re.search(r"\b(what|which|who|whom|whose|how|where|when|why|is|are|was|were|did|does|do)\b", before))


ENGLISH_CHUNK_END = {"is", "was", "are", "were", "did", "does", "do", "has", "have", "had", "will", "would", "can",
                     "could", "of", "in", "to", "for", "with", "by", "on", "at", "from", "that", "which", "who",
                     "after", "before", "during", "as", "called", "named", "known", "and", "when", "since"}
ENGLISH_SKIP = {"the", "a", "an", "two", "three", "four", "new", "former", "main", "other", "first", "second",
                "specific", "particular", "kind", "type", "sort", "only", "next", "last", "latest", "full",
                "official", "all"}


def _english_head(rest: str) -> str | None:
    """The head noun after which/what: the last word of the noun phrase that follows ("which former Turkmen
    president became…" → president). After "what is/was", the noun phrase after the verb ("what was Russia's
    inflation rate" → rate)."""
    words = re.findall(r"[a-z][a-z'’-]*", rest)
    if words and words[0] in ("is", "was", "are", "were"):
        words = words[1:]
        if words and words[0].endswith("ed") and words[0] not in ("need",):
            return "did"  # what was discussed / agreed: what was said, a description
    elif words and words[0] in ("did", "does", "do", "has", "have", "had", "will", "would", "can"):
        return "did"  # what did X say/do: a description
    chunk: list[str] = []
    for k, word in enumerate(words[:7]):
        if word == "of" and not chunk and k > 0 and words[k - 1] in ("kind", "type", "sort", "kinds", "types"):
            continue  # "what kind of organisation": the noun after it
        if word in ENGLISH_CHUNK_END or word.endswith(("ed", "ing")) and chunk and not any(
                word in nouns for nouns in ENGLISH_HEADS.values()):
            break
        if word in ENGLISH_SKIP and not chunk:
            if word == "official" and k + 1 < len(words) and words[k + 1].endswith("ed"):
                return word  # "which official announced…": the noun, not the adjective of "official name"
            continue
        if word in ("the", "a", "an", "this", "these") and chunk:
            break  # "the character the artist drew": a new noun phrase begins a relative clause
        chunk.append(word.split("'")[0].split("’")[0])
    if not chunk:
        return None
    if chunk[-1] in ("name", "names", "title") and len(words) > len(chunk) + 1:
        # "the name of the only route linking…": what is named says what kind of name is asked
        rest_words = words[words.index(chunk[-1]) + 1:]
        if rest_words and rest_words[0] == "of":
            named = _english_head(" ".join(rest_words[1:]))
            if named is not None and named not in ("did",):
                return named
    known = [w for w in chunk if any(w in nouns for nouns in ENGLISH_HEADS.values()) or w in ("name", "names")]
    # "the Russian military exercise held with…": a kind of named thing ends the phrase a participle follows
    kinds = [w for w in chunk if w in ENGLISH_KIND_ENDINGS]
    return known[0] if known else kinds[-1] if kinds else chunk[-1]


def classify_question(question: str, language: str) -> QuestionType:
    """What `question` asks for, from its own words."""
    return classify_english(question) if language == "en" else classify_japanese(question)


# ---- answer spans in a Japanese sentence -----------------------------------------------------------------

@dataclass(frozen=True)
class TypedSpan:
    answer_type: AnswerType
    text: str
    start: int  # in the sentence
    end: int
    counter: str | None = None


def _is_katakana_name(word: Word) -> bool:
    surface = word.surface
    return (bool(surface) and all("\u30a0" <= ch <= "\u30ff" or ch in "・=" for ch in surface)
            and (word.lemma is None or word.is_proper))


def is_katakana(text: str) -> bool:
    """Whether `text` is written wholly in katakana (クチカーロフ, ロシア)."""
    return bool(text) and all("\u30a0" <= ch <= "\u30ff" for ch in text)


def _all_katakana(word: Word) -> bool:
    return is_katakana(word.surface)


def _name_piece(word: Word) -> bool:
    """A katakana word the dictionary reads as a native word spelled otherwise (バト → 鳩, ガン → がん): in formal
    text that is a piece of a foreign name the tagger split (ガンバト), not a loanword of a title (エネルギー相)."""
    lemma = word.lemma or ""
    return _all_katakana(word) and bool(lemma) and not all("\u30a0" <= ch <= "\u30ff" or ch == "ー" for ch in lemma)


def _title_end(words: Sequence[Word], i: int) -> bool:
    """True when words[i] ends a title (大統領, 外相, 経済関係相)."""
    word = words[i]
    if word.surface in TITLE_ENDINGS:
        return True
    return word.pos1 == "接尾辞" and word.surface in ("相", "長", "氏", "官")


def _office_after(words: Sequence[Word], i: int) -> bool:
    """大統領+府, 首相+官邸: the title is part of the name of an office, which is a body, not a person; or of a
    country's."""
    if i + 1 >= len(words) or words[i + 1].start != words[i].end:
        return False
    # (首長+国: the title names a country, アラブ首長国連邦, as 王国 and 大公国 do)
    return words[i + 1].surface in OFFICE_SUFFIXES or words[i + 1].surface == "国"


# Words before a title that qualify it, not the name (森喜朗+元総理大臣, 前大統領).
TITLE_PREFIXES = ("元", "前", "現", "故", "新", "初代")


def _given_name_piece(words: Sequence[Word], j: int) -> bool:
    """尹+錫+悦大統領: one of the (at most two) one-character kanji words right after a one-character surname is
    its given name, whatever the dictionary reads them as."""
    def kanji1(w: Word) -> bool:
        return len(w.surface) == 1 and "\u4e00" <= w.surface <= "\u9fff" and w.pos1 in ("名詞", "接尾辞")
    for back in (1, 2):
        k = j - back
        if k < 0 or not all(kanji1(words[m]) and words[m - 1].end == words[m].start for m in range(k + 1, j + 1)):
            return False
        if words[k].pos4 == "姓" and len(words[k].surface) == 1:
            return True
    return False


def _kanji_title_follows(words: Sequence[Word], k: int, title_end: int) -> bool:
    """Whether the katakana words from words[k] run straight into a kanji part of the title ending at title_end (ジャー
    +ベル → 産業・先端技術大臣), rather than being the title's own first words (エネルギー相)."""
    while k < title_end and _all_katakana(words[k]) and words[k].surface not in NAME_DOTS:
        k += 1
    return k < title_end and not _all_katakana(words[k])


def _katakana_after_name(words: Sequence[Word], j: int) -> bool:
    """ハル+タルト: a katakana word right after a katakana name is the rest of that name, whatever the dictionary
    reads it as."""
    return (_all_katakana(words[j]) and j > 0 and words[j - 1].end == words[j].start
            and (words[j - 1].pos3 == "人名" and _all_katakana(words[j - 1]) or _is_katakana_name(words[j - 1])))


def _katakana_name_before(words: Sequence[Word], i: int) -> tuple[int, int]:
    """(j, end) such that words[j + 1:end + 1] are the katakana words (or two or three one-character kanji words)
    opening the noun run that words[i], a title, ends, when the rest of the run is a title of its own
    (副首相兼外務・移民相, GCC事務局長, 党首); (0, 0) when there are none. A portfolio before a bare 相 or 長
    (エネルギー相) is no name, nor an adjectival noun (デジタル大臣)."""
    r = i
    while r - 1 >= 0 and words[r - 1].end == words[r].start and (
            words[r - 1].pos1 in ("名詞", "接頭辞", "接尾辞") or words[r - 1].surface in NAME_DOTS):
        r -= 1
    k = r
    while k < i and (_all_katakana(words[k]) and words[k].pos3 not in ("地名", "形状詞可能")
                     or words[k].surface in NAME_DOTS and k > r):
        k += 1
    while k > r and words[k - 1].surface in NAME_DOTS:
        k -= 1
    if k == r:
        # 尹+錫+悦大統領: two or three one-character kanji words opening the run are a Korean or Chinese name
        while k < i and len(words[k].surface) == 1 and "\u4e00" <= words[k].surface <= "\u9fff" \
                and words[k].pos1 == "名詞" and words[k].surface not in TITLE_PREFIXES:
            k += 1
        if not 2 <= k - r <= 3:
            return 0, 0
    if all(w.pos1 == "接尾辞" for w in words[k:i + 1]):
        return 0, 0  # エネルギー+相: a portfolio
    return r - 1, k - 1


def _split_kanji_name(words: Sequence[Word], j: int, end: int) -> bool:
    """Whether words[j], a kanji common noun of one or two characters right before a one-character name
    words[j + 1] (and after a non-noun), is the first part of that name (習近 + 平)."""
    name, before = words[j + 1], words[j]
    return (j + 1 == end and len(name.surface) == 1 and before.end == name.start and before.pos1 == "名詞"
            and 1 <= len(before.surface) <= 2 and all("\u4e00" <= ch <= "\u9fff" for ch in before.surface)
            and (j == 0 or words[j - 1].pos1 not in ("名詞", "接頭辞", "接尾辞")))


def person_spans(words: Sequence[Word], text: str) -> list[TypedSpan]:
    spans: list[TypedSpan] = []
    taken: set[int] = set()
    for i in range(len(words)):
        if not _title_end(words, i) or _office_after(words, i):
            continue
        # Walk back over the rest of the title (国務+委員+長, 貿易・対外経済関係+相) to the name before it.
        j = i - 1
        if j >= 0 and words[j].surface in ("）", ")"):
            # 李熙燮（イ・ヒソプ）氏: a reading in brackets between the name and its title
            opening = next((k for k in range(j - 1, max(j - 8, -1), -1) if words[k].surface in ("（", "(")), None)
            if opening is not None and all(_all_katakana(w) or w.surface in NAME_DOTS or w.pos1 == "記号"
                                           for w in words[opening + 1:j]):
                j = opening - 1
                if j >= 0 and words[j].pos1 == "名詞":
                    end = j
                    while j >= 0 and (words[j].pos3 == "人名" or _given_name_piece(words, j)
                                      or words[j].pos1 == "名詞" and j > 0 and words[j - 1].pos3 == "人名"
                                      and words[j - 1].end == words[j].start):
                        j -= 1
                    if end > j and not any(k in taken for k in range(j + 1, end + 1)):
                        taken.update(range(j + 1, end + 1))
                        spans.append(TypedSpan(AnswerType.PERSON, text[words[j + 1].start:words[end].end],
                                               words[j + 1].start, words[end].end))
                continue
        while j >= 0 and ((words[j].pos1 == "名詞" and words[j].pos2 == "普通名詞" or words[j].pos1 == "接頭辞"
                           or words[j].is_number and j > 0 and words[j - 1].surface == "第")  # 外務第一次官
                          and words[j].lemma is not None and not _is_katakana_name(words[j])
                          and not _name_piece(words[j])
                          and not (j > 0 and words[j - 1].pos3 == "人名" and len(words[j].surface) == 1
                                   and words[j].surface not in TITLE_PREFIXES)
                          and not _katakana_after_name(words, j) and not _given_name_piece(words, j)
                          or words[j].surface == "・" and j > 0 and words[j - 1].lemma is not None):
            j -= 1
        end = j
        while j >= 0 and (words[j].is_proper or _is_katakana_name(words[j]) or _name_piece(words[j])
                          or _katakana_after_name(words, j) or _given_name_piece(words, j)
                          # a katakana piece the tagger split off a foreign name (クチ+カーロフ)
                          or (j < end and _all_katakana(words[j]) and words[j].end == words[j + 1].start)
                          or (j > 0 and len(words[j].surface) == 1 and words[j - 1].pos3 == "人名"
                              and (words[j].pos2 == "普通名詞"
                                   or words[j].pos1 == "接尾辞" and words[j - 1].pos4 == "姓"))
                          or (words[j].surface in NAME_DOTS and j > 0 and _is_katakana_name(words[j - 1]))):
            j -= 1
        if end > j and j >= 0 and _split_kanji_name(words, j, end):
            j -= 1  # 習近+平国家主席: the tagger split a Chinese name and kept its last character as the name
        # 上村司+中東和平担当特使, コーヘン・イスラエル外相: a place after the name is the title's (of a region, a
        # country), not part of the name
        while end > j + 1 and words[end].pos3 == "地名" and (
                words[end - 1].pos3 == "人名" or words[end - 1].surface in NAME_DOTS
                or _all_katakana(words[end - 1]) or any(w.pos3 == "人名" for w in words[j + 1:end])):
            end -= 1
            if words[end].surface in NAME_DOTS:
                end -= 1
        if end <= j:
            # ガンツ党首, サファ+ディ副首相, ブダイ+ウィGCC事務局長: katakana words the dictionary knows as common
            # nouns, opening a noun run a title ends, are a foreign name
            j, end = _katakana_name_before(words, i)
        # ム+イズ候補: a katakana name the tagger split into a prefix and a common noun ends where the katakana does,
        # not at its first piece
        while end > j and end + 1 < i and _all_katakana(words[end]) and words[end].end == words[end + 1].start \
                and words[end].surface not in NAME_DOTS and words[end + 1].pos3 != "地名" and (
                    _all_katakana(words[end + 1]) and words[end + 1].surface not in NAME_DOTS
                    # アル・ジャー+ベル産業・先端技術大臣: a katakana part after ・ before a kanji title is the name's
                    or words[end + 1].surface in NAME_DOTS and end + 2 < i and _all_katakana(words[end + 2])
                    and words[end + 2].surface not in NAME_DOTS and words[end + 2].pos3 != "地名"
                    and _kanji_title_follows(words, end + 2, i)):
            end += 2 if words[end + 1].surface in NAME_DOTS else 1
        if end > j:
            start_word, end_word = words[j + 1], words[end]
            if any(k in taken for k in range(j + 1, end + 1)):
                continue
            if all(w.pos4 == "国" for w in words[j + 1:end + 1]):  # ロシア大統領: a country, not a name
                continue
            taken.update(range(j + 1, end + 1))
            spans.append(TypedSpan(AnswerType.PERSON, text[start_word.start:end_word.end], start_word.start,
                                   end_word.end))
    # Names the dictionary knows as names, even without a title (金正恩, 岸田).
    i = 0
    while i < len(words):
        if words[i].pos3 == "人名" and i not in taken:
            j = i
            while j + 1 < len(words) and (words[j + 1].pos3 == "人名" or (
                    words[j + 1].pos2 == "普通名詞" and len(words[j + 1].surface) == 1 and words[j].pos3 == "人名"
                    and j + 2 < len(words) and words[j + 2].pos1 != "名詞")):
                j += 1
            spans.append(TypedSpan(AnswerType.PERSON, text[words[i].start:words[j].end], words[i].start,
                                   words[j].end))
            i = j + 1
            continue
        i += 1
    return spans


# What follows a place name in a country's formal name, longest first.
COUNTRY_FORMS = ("民主主義人民共和国", "首長国連邦", "民主共和国", "連合王国", "合衆国", "共和国", "首長国", "王国",
                 "公国", "連邦")


def place_spans(words: Sequence[Word], text: str, split_country: str | None = None) -> list[TypedSpan]:
    """固有名詞・地名 runs (東京・京都) that name a place rather than modify a further noun (上海協力機構). A country
    followed by a place in it (米国・ニューヨーク) is one run; `split_country` = "country" or "place" gives only
    the country (for どの国) or only the place in it (for どこ, どの都市)."""
    spans: list[TypedSpan] = []
    i = 0
    while i < len(words):
        if words[i].pos3 != "地名":
            i += 1
            continue
        j = i
        while j + 2 < len(words) and words[j + 1].surface == "・" and (words[j + 2].pos3 == "地名" or (
                # （5月3日、アルメニア・エチミアジン）: a katakana word the dictionary lacks after a country, ending
                # a caption, is a place in it
                words[j].pos4 == "国" and _all_katakana(words[j + 2]) and j + 3 < len(words)
                and words[j + 3].surface in ("）", ")", "、"))):
            j += 2
        while j + 1 < len(words) and words[j + 1].pos3 == "地名":
            j += 1
        if j + 1 < len(words) and words[j + 1].surface in ("市", "州", "県", "島", "地方", "共和国", "地域"):
            j += 1
        # アラブ+首長+国+連邦, ロシア+連邦: a country's formal name, whatever words the tagger cut it into
        form = next((f for f in COUNTRY_FORMS if text.startswith(f, words[j].end)), "")
        k = next((k for k in range(j + 1, min(j + 5, len(words)))
                  if form and words[k].end == words[j].end + len(form)), None)
        if k is not None:
            j = k
        nxt = words[j + 1] if j + 1 < len(words) else None
        modifies_noun = (nxt is not None and nxt.pos1 == "名詞" and nxt.pos2 != "数詞"
                         and nxt.surface not in ("等", "など") and nxt.start == words[j].end)  # a space ends a name
        followed_by_title = nxt is not None and nxt.surface in TITLE_ENDINGS
        # 日・トルクメニスタン租税条約, 日・カザフスタン外相会談: the other party of Japan's bilateral compound is a
        # country of its own, though a noun follows it
        party = i >= 2 and words[i - 1].surface == "・" and words[i - 2].surface == "日"
        if party and words[i].pos4 == "国" and not followed_by_title and j == i:
            spans.append(TypedSpan(AnswerType.PLACE, words[i].surface, words[i].start, words[i].end))
        elif not modifies_noun and not followed_by_title:
            first = i
            last = j
            while first > 0 and _all_katakana(words[first - 1]) and words[first - 1].end == words[first].start \
                    and words[first - 1].pos3 != "地名":
                first -= 1  # ポート+スーダン: a katakana word joined to a country's name makes a city's
            if split_country and j >= i + 2 and words[i].pos4 == "国" and words[i + 1].surface == "・" \
                    and words[i + 2].pos4 != "国":
                if split_country == "country":
                    last = i
                else:
                    first = i + 2
            spans.append(TypedSpan(AnswerType.PLACE, text[words[first].start:words[last].end], words[first].start,
                                   words[last].end))
        i = j + 1
    return spans


def untitled_name_runs(words: Sequence[Word], text: str) -> list[TypedSpan]:
    """Katakana proper nouns joined by ・ (ナゴルノ・カラバフ) that the tagger reads as a person's name but that no
    title (nor any noun) follows: in these documents a person is named with a title, so for a question asking for a
    region such a run names a place."""
    spans = []
    k = 0
    while k < len(words):
        if not (words[k].pos3 == "人名" and _all_katakana(words[k])):
            k += 1
            continue
        j = k
        while j + 2 < len(words) and words[j + 1].surface == "・" and words[j + 2].pos3 == "人名" \
                and _all_katakana(words[j + 2]):
            j += 2
        following = words[j + 1] if j + 1 < len(words) else None
        titled = following is not None and (following.pos1 == "名詞" or following.pos1 == "接尾辞")
        if j > k and not titled:
            spans.append(TypedSpan(AnswerType.PLACE, text[words[k].start:words[j].end], words[k].start, words[j].end))
        k = j + 1
    return spans


def _joins_compound(words: Sequence[Word], k: int) -> bool:
    """Whether words[k] belongs to the same noun compound as words[k + 1]: a noun, prefix or suffix (人民+評議+会),
    a 形状詞 before a suffix or ・ (幼稚+園, グローバル・サウス), a number after 第 (第+9+回外相会合), ・ inside a run;
    never across a space."""
    word, following = words[k], words[k + 1]
    if word.end != following.start:
        return False
    if word.is_number:
        # 第9回外相会合, and a year that begins a name (2024年大統領選挙): the figure is part of the compound
        year_of_name = bool(re.fullmatch(r"(?:19|20)\d\d", nfkc(word.surface))) and following.surface == "年" \
            and k + 2 < len(words) and words[k + 2].start == following.end and words[k + 2].pos1 == "名詞" \
            and not words[k + 2].is_number and words[k + 2].pos2 != "数詞"
        # 北方+四+島: a kanji numeral with its suffix inside a name after a noun (not a figure: 5か国 is one)
        in_name = bool(re.fullmatch(r"[一二三四五六七八九十]+", word.surface)) and following.pos1 == "接尾辞" \
            and k > 0 and words[k - 1].pos1 == "名詞" and words[k - 1].end == word.start
        return year_of_name or in_name or k > 0 and (words[k - 1].surface == "第" or words[k - 1].is_number
                                                     and _joins_compound(words, k - 1))
    return (word.pos1 in ("名詞", "接頭辞", "接尾辞") and word.pos2 != "代名詞"
            or word.pos1 == "形状詞" and (following.pos1 == "接尾辞" or following.surface == "・"
                                          # サイバー+防衛, グローバル+戦略: a loanword adjective before a noun
                                          or _all_katakana(word) and following.pos1 == "名詞")
            or word.surface == "・")


def compound_start(words: Sequence[Word], end: int) -> int:
    """The index of the first word of the noun compound that ends with words[end]."""
    j = end
    while j - 1 >= 0 and _joins_compound(words, j - 1):
        if words[j - 1].surface == "・" and words[j].surface == "第":
            break  # 対話・第9回外相会合: an ordinal begins the name of the event, after the series it belongs to
        j -= 1
    while j < end and (words[j].surface == "・" or (words[j].lemma or words[j].surface) in QUANTIFIER_NOUNS):
        j += 1  # 全て財務省貿易統計: "all" says how much of it, not which
    return j


# Nouns of quantity used as adverbs (出典は全て…, ほとんど…): not part of the name they precede.
QUANTIFIER_NOUNS = ("全て", "総て", "すべて", "全部", "殆ど", "ほとんど", "大半", "いずれ")


def compound_ends_at(words: Sequence[Word], i: int) -> bool:
    """Whether words[i] is the last word of its noun compound (a following number or 等 does not continue it)."""
    if i + 1 >= len(words):
        return True
    following = words[i + 1]
    return not (following.pos1 in ("名詞", "接尾辞") and not following.is_number
                and following.surface not in ("等", "など") and words[i].end == following.start)


def _text(word: Word | str) -> str:
    return word if isinstance(word, str) else word.surface


def _last_two(words: Sequence[Word], i: int) -> str:
    """The last word of a compound with the one before it, so a head split by the tagger still matches (評議+会 →
    評議会 ends with 議会)."""
    return (words[i - 1].surface if i > 0 and words[i - 1].end == words[i].start else "") + words[i].surface


def _compound_ending(words: Sequence[Word], text: str, predicate: callable,  # type: ignore[valid-type]
                     before: Callable[[Sequence[Word], int], bool] | None = None) -> list[TypedSpan]:
    """Noun compounds whose last word satisfies `predicate` (包括的核実験禁止条約, 北大西洋条約機構, 第9回外相会合).
    `before(words, i)` may also end a compound at a word followed by another noun (銀行 in X銀行総裁)."""
    spans: list[TypedSpan] = []
    for i, word in enumerate(words):
        if not predicate(word) and not predicate(_last_two(words, i)):
            continue
        if not compound_ends_at(words, i) and not (before is not None and before(words, i)):
            continue
        j = compound_start(words, i)
        if j < i or len(word.surface) > 1:
            spans.append(TypedSpan(AnswerType.NAME, text[words[j].start:word.end], words[j].start, word.end))
    return spans


def organization_spans(words: Sequence[Word], text: str) -> list[TypedSpan]:
    position = {id(w): k for k, w in enumerate(words)}

    def is_organization(w: Word | str) -> bool:
        surface = w if isinstance(w, str) else w.surface
        return any(surface.endswith(h) for h in ORGANIZATION_HEADS if len(h) > 1) or (
            not isinstance(w, str) and (w.pos3 == "組織" or office_of_title(w) or forces_or_ministry(w)))

    def forces_or_ministry(w: Word) -> bool:  # ロシア+軍, 財務+省, 米軍: a one-character head ending a noun
        if len(w.surface) >= 2 and w.surface.endswith("軍") and w.pos1 == "名詞":
            return True  # (省 and 党 ending a word make other words too: 反省, 与党 is no name)
        k = position.get(id(w), 0)
        return k > 0 and w.surface in ONE_CHARACTER_BODY_HEADS and words[k - 1].end == w.start \
            and words[k - 1].pos1 == "名詞"

    def office_of_title(w: Word) -> bool:  # 大統領+府, 首相+官邸: the office of a title is a body
        k = position.get(id(w), 0)
        return k > 0 and w.surface in OFFICE_SUFFIXES and w.start == words[k - 1].end and _title_end(words, k - 1)

    def before_title(ws: Sequence[Word], i: int) -> bool:  # X銀行総裁: the bank, before its head's title
        # the title may be tagged as two words (委員+長 in X委員会委員長)
        following = [w.surface for w in ws[i + 1:i + 3]]
        return bool(following) and (following[0] in ORGANIZATION_TITLES or "".join(following) in ORGANIZATION_TITLES)

    people = person_spans(words, text)
    spans = []
    for span in _compound_ending(words, text, is_organization, before_title):
        # A name before the organisation is its head's, not part of it (ジェプバロフ対外経済活動銀行総裁).
        start = max([p.end for p in people if p.start <= span.start < p.end < span.end], default=span.start)
        spans.append(TypedSpan(AnswerType.ORGANIZATION, text[start:span.end], start, span.end))
    for match in LATIN_ACRONYM.finditer(text):
        # the bracket may hold a prefix before the acronym (新戦略兵器削減条約（新START）)
        opening = max(text.rfind("（", max(0, match.start() - 3), match.start()),
                      text.rfind("(", max(0, match.start() - 3), match.start()))
        glossed = _compound_before(words, text, opening) if opening >= 0 else ""
        if glossed and not is_organization(glossed):
            continue  # 包括的核実験禁止条約（CTBT）: an acronym in brackets names the compound before it, a treaty
        name, end = match.group(), match.end()
        counted = re.match(r"[0-9]+(?=か国|カ国|ヶ国|国)", text[match.start() + len(name.rstrip("0123456789")):])
        if counted and name[-1].isdigit():
            # ASEAN10か国: the figure counts the members; the body is ASEAN
            name = name.rstrip("0123456789")
            end = match.start() + len(name)
        if len(name) >= 2:
            spans.append(TypedSpan(AnswerType.ORGANIZATION, name, match.start(), end))
    for match in QUOTED.finditer(text):
        # 民間軍事会社「ワグネル」: a kind of organisation followed by its name in quotes
        before = [w for w in words if w.end == match.start()]
        if before and is_organization(before[0].surface if before[0].pos1 != "接尾辞" else _last_two(
                words, words.index(before[0]))):
            spans.append(TypedSpan(AnswerType.ORGANIZATION, match.group(1), match.start(1), match.end(1)))
    return sorted(spans, key=lambda s: (s.start, -s.end))


# Dates told relative to the one before (同年, 翌年に…樹立): the text's own answer to when.
RELATIVE_DATES = ("同年", "同月", "同日", "翌年", "翌月", "翌日")


def date_spans(text: str) -> list[TypedSpan]:
    spans = [TypedSpan(AnswerType.DATE, m.group(), m.start(), m.end()) for m in DATE_SPAN.finditer(text)
             if m.group() and re.search(r"\d", m.group()) or m.group().startswith(RELATIVE_DATES)]
    # 同年9月 is 9月 of the year the text is speaking of: the month is what the span says.
    spans = [TypedSpan(AnswerType.DATE, s.text[2:], s.start + 2, s.end)
             if s.text.startswith(("同年", "同月")) and re.match(r"\d", s.text[2:]) else s for s in spans]
    # 2月6日、…地震と、同日に続いて…: 同日 is the date the sentence gave before it, which says it in full.
    unit = {"同日": "日", "同月": "月", "同年": "年"}
    return [s for s in spans if not (s.text in unit and any(
        p.end <= s.start and unit[s.text] in p.text and not p.text.startswith(RELATIVE_DATES) for p in spans))]


PURPOSE_HEADS = ("ため", "為")
# What may join the nouns of a noun phrase: 灌漑用水路の運用及び維持.
PHRASE_JOINERS = ("の", "及び", "および", "並びに", "ならびに", "・", "や")


def purpose_spans(words: Sequence[Word], text: str) -> list[TypedSpan]:
    """The noun phrase before のため (灌漑用水路の運用及び維持のための機材): what something is for."""
    spans = []
    for k in range(1, len(words) - 1):
        if not (words[k].surface == "の" and words[k + 1].surface in PURPOSE_HEADS):
            continue
        j = k - 1
        if words[j].pos1 != "名詞":
            continue
        while j - 1 >= 0 and (words[j - 1].pos1 in ("名詞", "接頭辞", "接尾辞")
                              or words[j - 1].surface in PHRASE_JOINERS and j - 2 >= 0
                              and words[j - 2].pos1 in ("名詞", "接尾辞")):
            j -= 1
        spans.append(TypedSpan(AnswerType.NAME, text[words[j].start:words[k - 1].end], words[j].start,
                               words[k - 1].end))
    return spans


def season_spans(words: Sequence[Word], text: str) -> list[TypedSpan]:
    """Seasons and parts of a year (夏期, 春以降, 年末頃) as whole words, with 以降/頃 when it follows."""
    spans = []
    for k, word in enumerate(words):
        if word.surface not in SEASONS:
            continue
        end = word.end
        if k + 1 < len(words) and words[k + 1].surface in SEASON_AFTER and words[k + 1].start == end:
            end = words[k + 1].end
        before = words[k - 1] if k > 0 else None
        if before is not None and before.end == word.start and before.pos1 == "名詞" and not before.is_number:
            continue  # 立春, 晩夏 are words of their own; 2023年夏 is found as a date
        spans.append(TypedSpan(AnswerType.DATE, text[word.start:end], word.start, end))
    return spans


def number_spans(words: Sequence[Word], text: str) -> list[TypedSpan]:
    """A 数詞 (with its digit groups and 億/万) and the 助数詞 after it: 2,000億ドル, 約60%, 4年ぶり, 3回目."""
    spans: list[TypedSpan] = []
    i = 0
    while i < len(words):
        if not words[i].is_number or words[i].surface == "何":
            i += 1
            continue
        start = i
        if start > 0 and words[start - 1].surface in NUMBER_PREFIXES:
            start -= 1
        j = i
        while j + 1 < len(words) and (words[j + 1].is_number or words[j + 1].surface in (",", ".", "，", "．")
                                      and j + 2 < len(words) and words[j + 2].is_number):
            j += 1
        counter = None
        if j + 1 < len(words) and (words[j + 1].is_counter or words[j + 1].surface in ("%", "％")):
            j += 1
            counter = words[j].lemma or words[j].surface
            while j + 1 < len(words) and words[j + 1].surface in NUMBER_SUFFIXES:
                j += 1
            if j + 2 < len(words) and _counter_key(counter) == "箇国" and words[j + 1].surface == "・" \
                    and words[j + 2].surface == "地域":
                j += 2  # 90か国・地域: countries and regions counted together
        elif j + 1 < len(words) and words[j + 1].surface == "年度":
            j += 1
            counter = "年"  # 2022年度: a fiscal year, a year as 2022年 is
        span_text = text[words[start].start:words[j].end]
        begin, end = words[start].start, words[j].end
        # G7, COP29: part of a name; a counted figure before a name (第7回CPTPP委員会) is not
        in_a_name = (begin > 0 and re.match(r"[A-Za-zＡ-Ｚａ-ｚ]", text[begin - 1])) or (
            counter is None and end < len(text) and re.match(r"[A-Za-zＡ-Ｚａ-ｚ]", text[end]))
        in_a_word = not re.search(r"[0-9０-９]", span_text) and j + 1 < len(words) and words[j + 1].pos1 == "名詞" \
            and words[j + 1].start == end and not words[j + 1].is_number  # 四島交流, 二国間関係: part of a word
        if (counter is not None or re.search(r"[0-9０-９]", span_text)) and not in_a_name and not in_a_word:
            spans.append(TypedSpan(AnswerType.NUMBER, span_text, begin, end, counter))
        i = j + 1
    return spans


RANGE_JOINERS = ("から", "～", "~", "－", "-", "〜")
DIRECTIONS = ("増", "減")


PAIR_JOINERS = ("及び", "および", "と", "並びに", "ならびに", "、", "・", "や")


def joined_pairs(spans: list[TypedSpan], text: str) -> list[TypedSpan]:
    """Two spans of a kind joined by 及び/と (6月及び12月) as one span, for questions that ask for two."""
    return [TypedSpan(first.answer_type, text[first.start:second.end], first.start, second.end, second.counter)
            for first, second in zip(spans, spans[1:], strict=False) if text[first.end:second.start] in PAIR_JOINERS]


def number_ranges(spans: list[TypedSpan], text: str) -> list[TypedSpan]:
    """Two figures joined by から/～ (7.5%から16%) as one span, for questions that ask from what to what."""
    joined = []
    for first, second in zip(spans, spans[1:], strict=False):
        if text[first.end:second.start] in RANGE_JOINERS:
            joined.append(TypedSpan(AnswerType.NUMBER, text[first.start:second.end], first.start, second.end,
                                    second.counter))
    return joined


def stated_direction(text: str) -> str | None:
    """Which way a text says a figure went: "up" (増えた, 上昇), "down" (減った, 低下), or None (neither or both)."""
    up, down = any(w in text for w in UP_WORDS), any(w in text for w in DOWN_WORDS)
    return "up" if up and not down else "down" if down and not up else None


def span_direction(text: str, span: TypedSpan) -> str | None:
    """Which way the figure at `span` went, by the words right after it (47.2%減少, 約2割増加)."""
    after = text[span.end:span.end + 4]
    return stated_direction(after[:2]) or (stated_direction(after) if not re.match(r"[、，。（(]", after) else None)


def with_direction(spans: list[TypedSpan], text: str) -> list[TypedSpan]:
    """A figure with the 増/減 right after it (1.2%減), when the question does not say which way it went."""
    return [TypedSpan(s.answer_type, text[s.start:s.end + 1], s.start, s.end + 1, s.counter)
            if text[s.end:s.end + 1] in DIRECTIONS else s for s in spans]


def naming_spans(words: Sequence[Word], text: str) -> list[TypedSpan]:
    """What a sentence calls something: the compound before と呼ばれる / と称する / と名付ける / という
    (グローバル・サウスと呼ばれる途上国)."""
    spans = []
    for k in range(1, len(words) - 1):
        if words[k].surface == "と" and (words[k + 1].lemma or "") in ("呼ぶ", "称する", "名付ける", "言う"):
            if words[k - 1].surface in ("」", "』"):
                continue  # a quoted name is found as such
            if words[k + 1].surface in ("いっ", "言っ") and k + 2 < len(words) and words[k + 2].surface == "た":
                continue  # 平和的解決といった原則: といった gives examples (such as), it names nothing
            start = compound_start(words, k - 1)
            if words[start].pos1 in ("名詞", "接頭辞", "形状詞"):
                spans.append(TypedSpan(AnswerType.NAME, text[words[start].start:words[k - 1].end],
                                       words[start].start, words[k - 1].end))
    return spans


def expansion_spans(text: str, acronym: str, latin: bool) -> list[TypedSpan]:
    """What an acronym stands for where the text defines it: "CSTO (Collective Security Treaty Organization) :
    集団安全保障条約機構" or "CFE : Conventional Armed Forces in Europe". `latin` picks the English expansion,
    otherwise the Japanese one."""
    spans = []
    for match in re.finditer(rf"(?<![A-Za-z0-9]){re.escape(acronym)}(?![A-Za-z0-9])", text):
        rest = text[match.end():]
        line = rest.split("\n", 1)[0]
        offset = match.end()
        bracket = re.match(r"\s*[（(]([^）)\n]+)[）)]", line)
        after_colon = re.search(r"[:：]\s*([^\n(（]+?)\s*(?:[（(]|$)", line)
        candidates = []
        if bracket:
            candidates.append((bracket.start(1), bracket.end(1)))
        if after_colon:
            candidates.append((after_colon.start(1), after_colon.end(1)))
        for start, end in candidates:
            value = line[start:end].strip()
            if value and bool(re.fullmatch(r"[A-Za-z][A-Za-z .,'&-]+", value)) == latin:
                begin = offset + start + (len(line[start:end]) - len(line[start:end].lstrip()))
                spans.append(TypedSpan(AnswerType.NAME, value, begin, begin + len(value)))
    if not latin:
        # 集団安全保障条約機構（CSTO）: the Japanese name written before the acronym in brackets
        written_before = rf"([\u4e00-\u9fff\u30a0-\u30ff・ー]{{2,}})[（(]\s*{re.escape(acronym)}\s*[）)]"
        for match in re.finditer(written_before, text):
            spans.append(TypedSpan(AnswerType.NAME, match.group(1), match.start(1), match.end(1)))
        # 「アフリカの若者のための産業人材育成イニシアティブ」（ABEイニシアティブ）: a quoted name glossed by its
        # short form, the acronym and the kind it names
        quoted_before = rf"[「『]([^「」『』]{{2,60}})[」』][（(]\s*{re.escape(acronym)}[^（）()]{{0,12}}[）)]"
        for match in re.finditer(quoted_before, text):
            spans.append(TypedSpan(AnswerType.NAME, match.group(1), match.start(1), match.end(1)))
    return spans


GLOSS = re.compile(r"[（(][^（）()、。「」\s]{1,8}[）)]")


def noun_compound_spans(words: Sequence[Word], text: str) -> list[TypedSpan]:
    """Every noun compound of a sentence that could be a name (two words or more, or an unknown word)."""
    pieces: list[list[Word]] = []
    for run in noun_runs(words):  # a space ends a compound ("7 北方四島…" is a heading number and a name)
        while len(run) > 1 and (run[0].lemma or run[0].surface) in QUANTIFIER_NOUNS:
            run = run[1:]  # 全て財務省貿易統計: "all" says how much of it, not which
        pieces.append([run[0]])
        for word in run[1:]:
            if word.start != pieces[-1][-1].end:
                pieces.append([])
            pieces[-1].append(word)
    # A short gloss in brackets inside a compound (国連安全保障理事会（安保理）決議) does not end it.
    for gloss in GLOSS.finditer(text):
        before = next((p for p in pieces if p[-1].end == gloss.start()), None)
        after = next((p for p in pieces if p[0].start == gloss.end()), None)
        if before is not None and after is not None:
            inside = [p for p in pieces if gloss.start() < p[0].start < gloss.end()]
            pieces = [before + [w for p in inside for w in p] + after if p is before else p for p in pieces
                      if p is not after and not any(p is q for q in inside)]
    # A compound ending in a figure (同月24日, 前年比3%) states a date or an amount, not a name.
    return [TypedSpan(AnswerType.NAME, text[run[0].start:run[-1].end], run[0].start, run[-1].end)
            for run in pieces if (len(run) >= 2 or run[0].lemma is None)
            and run[-1].end - run[0].start >= 3 and not all(w.is_number or w.is_counter for w in run)
            and not (run[-1].is_counter and len(run) >= 2 and run[-2].is_number) and not run[-1].is_number
            and run[-1].pos2 != "形状詞的"]  # 局地的(に): an adjective's stem, not a name


def name_spans(words: Sequence[Word], text: str, head: str | None, strict: bool = False) -> list[TypedSpan]:
    """Quoted names (「正義の行進」), compounds ending with the head noun asked about, acronyms in brackets.
    `strict` (a name asked for in so many words): nothing else, and where the sentence has the noun named, a quoted
    name only next to it (「N」基金, 基金「N」): a quote elsewhere in the sentence names something else."""
    spans = [TypedSpan(AnswerType.NAME, m.group(1), m.start(1), m.end(1)) for m in QUOTED.finditer(text)]
    if head and head not in text:
        # 第3回「一帯一路」国際協力ハイレベルフォーラム: a quote that nouns follow with no particle is the first word of
        # a longer name, which names a thing of the kind asked when the sentence has no other word for it.
        spans = [_quoted_compound(words, text, s) for s in spans]
    if strict and head and head in text:
        spans = [s for s in spans if head in s.text or _names_head(words, text, s, head)]
    if head:
        ending = _compound_ending(words, text, lambda w: _text(w).endswith(head) or head.endswith(_text(w))
                                  and len(_text(w)) > 1)
        ending = [phrase_name(words, text, s) for s in ending]
        if strict:
            # A name asked for in so many words is not a kind of the noun (イメージキャラクター): a compound ending
            # with it names one only with a proper noun or a figure in it (エチミアジン市立第13幼稚園).
            ending = [s for s in ending if any(w.is_proper or w.pos2 == "数詞" for w in words
                                               if s.start <= w.start < s.end) or re.search(r"[0-9A-Za-z]", s.text)
                      or BILATERAL.match(s.text)]
        spans += ending
    for match in re.finditer(r"[（(]([A-Z][A-Za-z0-9+＋\-]{1,12})[）)]", text):
        if strict and head and not _compound_before(words, text, match.start()).endswith(head):
            continue  # 締約国会議（COP29）: the acronym names the compound before it, not the 声明 asked
        spans.append(TypedSpan(AnswerType.NAME, match.group(1), match.start(1), match.end(1)))
    if strict and head:
        # The compound the noun named is put in apposition to: 唯一の交通路であるラチン回廊, テーマ：連結性,
        # 北方墓参等の事業, and what the sentence calls so (…という / …と呼ばれる).
        compounds = noun_compound_spans(words, text)
        spans += [s for s in compounds if re.search(re.escape(head) + r"(である|、|：|:)$", text[:s.start])
                  or re.match(r"(等|など)の\S{0,12}" + re.escape(head), text[s.end:])
                  # スマートシティとして建設されたアルカダグ市: the compound a clause calls one
                  or re.search(re.escape(head) + r"として[^、。「」]{1,12}$", text[:s.start])]
        spans += naming_spans(words, text)
        if not spans and head not in text:
            # 文書の名前 answered by 共同声明: a sentence that never says the noun may name it by its kind; a
            # compound with a proper noun in it (日・キルギス首脳共同声明) is a name, a plain noun (漫画家) is not.
            # Place names alone (東京・京都) say where, and a titled name (岸田総理大臣, サイドフ外相代行) who: neither
            # is what a thing is called.
            people, places = person_spans(words, text), place_spans(words, text)
            spans = [s for s in noun_compound_spans(words, text)
                     if any(w.is_proper or _is_katakana_name(w) for w in words if s.start <= w.start < s.end)
                     and not all(w.pos3 == "地名" or w.surface == "・" for w in words if s.start <= w.start < s.end)
                     and not any(p.text == s.text for p in places)  # アラブ首長国連邦
                     and not s.text.endswith(TITLE_ENDINGS + ("側",))  # ロシア側 is a party, not a name
                     # a thing of another kind (第2回ロシア・アフリカサミット for a 宣言)
                     and not (head in KIND_NOUNS and s.text.endswith(KIND_NOUNS) and not s.text.endswith(head))
                     and not any(p.start < s.end and s.start < p.end for p in people)]
    if not spans and not strict:
        # No quoted name and no compound with the head noun asked about (品目は何 → 非工業用ダイヤモンド): any noun
        # compound of the sentence may be the name; the one whose stretch says what the question says is chosen.
        spans = noun_compound_spans(words, text)
    return spans


# Two one-character country abbreviations opening a compound (日加情報保護協定, 日英円滑化協定, 米韓…): it names the
# thing between those two countries, as a proper noun in it would (日 for Japan, 朝 for North Korea, 欧 for the EU).
BILATERAL = re.compile(rf"^[{''.join(sorted(set(COUNTRY_ABBREVIATIONS.values()) | set('日朝欧')))}]{{2}}(?![国人])")
# What joins the noun phrases of a formal name (…水域における日本漁船の操業に関する協定, …の除去のための条約):
# a name must cross one of the first kind; の, 及び and と join phrases within it.
NAME_LINKS = ("に関する", "における", "に対する", "のための", "との間の", "に係る", "についての")
NAME_JOINERS = ("の", "及び", "並びに", "と")
# The kinds of documents named so; an undertaking or an event is named by a compound (石油・天然ガス開発事業), and
# a place before it (ロシアにおける) says where it is.
DOCUMENT_KINDS = ("条約", "協定", "宣言", "声明", "法", "法律", "計画", "覚書", "議定書", "決議", "公文", "憲章")


def phrase_name(words: Sequence[Word], text: str, span: TypedSpan) -> TypedSpan:
    """The formal name a compound naming a kind of document ends (協定 → 北方四島周辺水域における日本漁船の操業に関する
    協定): the noun compounds before it joined by NAME_LINKS and NAME_JOINERS, back to the last link; the compound
    itself when no link comes before it."""
    if not span.text.endswith(DOCUMENT_KINDS):
        return span
    ends = {w.end: k for k, w in enumerate(words)}
    start, linked, last_link = span.start, span.start, ""
    while True:
        link = next((j for j in NAME_LINKS + NAME_JOINERS if text.endswith(j, 0, start)), None)
        k = ends.get(start - len(link)) if link else None
        if k is None or words[k].pos1 not in ("名詞", "接尾辞") or words[k].is_number:
            break
        j = compound_start(words, k)
        while j > 0 and words[j - 1].is_number and words[j - 1].end == words[j].start:
            j -= 1  # 二+重課税: a numeral the tagger split off a word
        start = words[j].start
        if link in NAME_LINKS or link == "と" and last_link == "との間の":  # AとBとの間の…協定 names both
            linked = start
        last_link = link
    return span if linked == span.start else TypedSpan(span.answer_type, text[linked:span.end], linked, span.end)


def _quoted_compound(words: Sequence[Word], text: str, quoted: TypedSpan) -> TypedSpan:
    """The name a quote begins: the quote with its brackets, the nouns right after it and an ordinal before it
    (第3回「一帯一路」国際協力ハイレベルフォーラム); the quote alone when a particle follows it."""
    following = [w for w in words if w.start >= quoted.end + 1]
    if not following or following[0].start != quoted.end + 1:
        return quoted
    run = _noun_run_after(following, 0)
    while run and run[-1].pos3 == "サ変可能":  # …フォーラム出席: the name ends before the act done at it
        run = run[:-1]
    if not run:
        return quoted
    start = quoted.start - 1
    ordinal = re.search(r"第[0-9０-９]+回$", text[:start])
    start = ordinal.start() if ordinal else start
    return TypedSpan(AnswerType.NAME, text[start:run[-1].end], start, run[-1].end)


def _compound_before(words: Sequence[Word], text: str, position: int) -> str:
    """The noun compound that ends right before `position` (an opening bracket), or ''."""
    before = [w for w in words if w.end <= position]
    run = _noun_run_before(before, len(before)) if before and before[-1].end == position else []
    return text[run[0].start:run[-1].end] if run else ""


def _names_head(words: Sequence[Word], text: str, quoted: TypedSpan, head: str) -> bool:
    """Whether the quoted name stands next to the noun `head` it would name: the compound right after its closing
    bracket (through という / と呼ばれる) or right before its opening bracket ends with `head`."""
    after = quoted.end + 1
    for joiner in ("という", "と呼ばれる", "と称する", "と称される", "なる"):
        if text.startswith(joiner, after):
            after += len(joiner)
            # 「人間の尊厳」という最も根源的な価値: words describing the noun may stand before it
            if re.match(rf"[^、。「」（）()]{{0,12}}?{re.escape(head)}", text[after:]):
                return True
            break
    following = [w for w in words if w.start >= after]
    run = _noun_run_after(following, 0) if following and following[0].start == after else []
    if run and text[run[0].start:run[-1].end].endswith(head):
        return True
    before = [w for w in words if w.end <= quoted.start - 1]
    run = _noun_run_before(before, len(before)) if before and before[-1].end == quoted.start - 1 else []
    return bool(run) and text[run[0].start:run[-1].end].endswith(head)


def noun_runs(words: Sequence[Word]) -> list[list[Word]]:
    """The noun compounds of a tagged text: runs of nouns, prefixes and suffixes (and ・ inside a run)."""
    runs: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        if (word.pos1 in ("名詞", "接頭辞", "接尾辞") and word.pos2 != "代名詞") or (word.surface == "・" and current):
            current.append(word)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def is_region(text: str) -> bool:
    """Whether a place names a part of the world or a region, not a city (東アジア, 欧州, 極東地域)."""
    return text.endswith(REGION_ENDINGS) or any(text.endswith(region) for region in WORLD_REGIONS)


# Words for a part of a country or a region before its name: 南部プーリア州 is プーリア州, in the south.
DIRECTION_PARTS = ("北東部", "北西部", "南東部", "南西部", "中央部", "北部", "南部", "東部", "西部", "中部")


def _without_direction(span: TypedSpan) -> TypedSpan:
    """The place a compound names, without the part of the country it says it lies in (南部+プーリア州)."""
    part = next((p for p in DIRECTION_PARTS if span.text.startswith(p) and len(span.text) > len(p) + 1), None)
    if part is None:
        return TypedSpan(AnswerType.PLACE, span.text, span.start, span.end)
    return TypedSpan(AnswerType.PLACE, span.text[len(part):], span.start + len(part), span.end)


def typed_spans(sentence: str, question_type: QuestionType, answer_type: AnswerType | None = None,
                words: Sequence[Word] | None = None) -> list[TypedSpan]:
    """The spans of `sentence` that could answer a question of `question_type` (of `answer_type`, when the
    question asks for several), in reading order."""
    kind = answer_type or question_type.answer_type
    if kind not in SPAN_TYPES:
        return []
    words = words if words is not None else tagged_words(sentence)
    if kind == AnswerType.PERSON:
        spans = person_spans(words, sentence)
        if not spans and not question_type.head and kind == question_type.answer_type:
            # 誰 with no title asked about: in these documents the actor is as often a country or a body, or a
            # group of countries (西側諸国).
            spans = place_spans(words, sentence) + organization_spans(words, sentence) + [
                TypedSpan(AnswerType.PLACE, s.text, s.start, s.end) for s in _compound_ending(
                    words, sentence, lambda w: _text(w).endswith("諸国")) if len(s.text) > 2]
        if question_type.head in GENERIC_PEOPLE:
            # どんな人たち: a group of people named by a noun (元島民, 避難民, 留学生) as well as a person's name
            spans += [TypedSpan(AnswerType.PERSON, s.text, s.start, s.end) for s in _compound_ending(
                words, sentence, lambda w: _text(w).endswith(PEOPLE_ENDINGS))
                      if s.text not in PEOPLE_ENDINGS and s.text not in GENERIC_PEOPLE]
    elif kind == AnswerType.PLACE:
        asks_country = bool(question_type.head) and question_type.head.endswith(("国", "国家", "country", "countries"))
        spans = place_spans(words, sentence, split_country="country" if asks_country else "place")
        if asks_country:
            # どの国: a region of the world (アジア向け) is no country (its countries, 中央アジア諸国, may be asked)
            spans = [s for s in spans if s.text not in WORLD_REGIONS]
        if question_type.head in REGION_HEADS:
            # どの地域: a foreign region the dictionary reads as a person's name (ナゴルノ・カラバフ) where no title
            # follows it
            spans += untitled_name_runs(words, sentence)
        if question_type.head in CITY_HEADS:
            # どこの都市: a city is not answered by the country it is in, nor by a region (中央アジア, 極東地域)
            # (ポート+スーダン is a city, though the country's name is in it)
            spans = [s for s in spans if not all(w.pos4 == "国" or w.surface == "・" for w in words
                                                 if s.start <= w.start < s.end)
                     and not is_region(s.text)]
        if question_type.head in SEA_HEADS:
            # どの海の上空: a sea (日本海, オホーツク海), not the country whose forces flew there
            spans = [TypedSpan(AnswerType.PLACE, s.text, s.start, s.end) for s in _compound_ending(
                words, sentence, lambda w: _text(w).endswith(SEA_ENDINGS)) if s.text not in SEA_ENDINGS]
        elif question_type.head in FACILITY_HEADS:
            # どの施設: a building or venue (X市立第5病院), not the city it stands in
            spans = [TypedSpan(AnswerType.PLACE, s.text, s.start, s.end) for s in _compound_ending(
                words, sentence, lambda w: _text(w).endswith(FACILITY_ENDINGS))]
        elif question_type.head and question_type.head.endswith(FACILITY_ENDINGS):
            # 駐留した基地はどこ / 出発空港は: a place of that kind (…基地), not the country it is in; an act
            # ending in the noun (寄+港, 出+港) is none. A port named by its town in that act (横須賀に寄港) is the
            # town, when no compound names it.
            head = question_type.head
            kind_spans = [TypedSpan(AnswerType.PLACE, s.text, s.start, s.end) for s in _compound_ending(
                words, sentence, lambda w: _text(w).endswith(head) and getattr(w, "pos3", "") != "サ変可能")
                if s.text != head]
            kind_spans = [s for s in kind_spans if not any(w.end == s.end and w.pos3 == "サ変可能" for w in words)]
            spans = kind_spans or [s for s in spans if re.match(r"(?:に|へ|を|から)[^、。\s]?" + re.escape(head),
                                                                sentence[s.end:])]
        elif not question_type.head or not question_type.head.endswith(("国", "国家")):
            # どこ without a head noun (or どのあたり, どの施設) may ask for a venue, a website or an institution as
            # well as a place; どの国 asks for a country.
            # (a venue word alone, 地域 or 施設, names no place)
            spans += [_without_direction(s) for s in _compound_ending(
                words, sentence, lambda w: _text(w).endswith(VENUE_ENDINGS)) if s.text not in VENUE_ENDINGS
                      # a city is neither a region nor a building in it (X市立第13幼稚園)
                      and not (question_type.head in CITY_HEADS and (is_region(s.text)
                                                                     or s.text.endswith(FACILITY_ENDINGS)))]
            # 百里基地周辺で / アカプルコ付近に上陸: the noun a word for the vicinity follows names a place, though
            # the dictionary may not know it as one; its role is read after the vicinity word.
            spans += [TypedSpan(AnswerType.PLACE, sentence[r[0].start:r[-2].end], r[0].start, r[-2].end)
                      for r in noun_runs(words) if len(r) >= 2 and r[-1].surface in VICINITY_WORDS
                      and r[-2].pos1 == "名詞" and not r[-2].is_number and r[0].pos1 != "接尾辞"]
            if not question_type.head:
                # どこと連携 / どこが主導: a partner or an actor is as often a group (G7, EU) as a country.
                spans += [TypedSpan(AnswerType.PLACE, m.group(), m.start(), m.end())
                          for m in LATIN_ACRONYM.finditer(sentence)]
                # 訪露 / 訪中: a visit named by the one-character name of the country visited says where
                spans += [TypedSpan(AnswerType.PLACE, w.surface, w.start, w.end) for w in words
                          if VISIT_TO.fullmatch(w.surface)]
    elif kind == AnswerType.ORGANIZATION:
        # A word for a kind of body alone (枠組み, 機関) names none, as a venue word alone names no place.
        spans = [s for s in organization_spans(words, sentence) if s.text not in GENERIC_BODIES]
        if question_type.asks_name and kind == question_type.answer_type:
            # 枠組みの名前 / the name of the framework: a quoted name (立ち上げた「日EUグリーン・アライアンス」) is one,
            # whatever noun follows it
            spans += [TypedSpan(AnswerType.ORGANIZATION, m.group(1), m.start(1), m.end(1)) for m in QUOTED.finditer(
                sentence) if not any(o.start <= m.start(1) < o.end for o in spans)]
        if kind == question_type.answer_type:
            # 世界食糧計画（WFP）: a compound glossed by an acronym names a body, unless it names a meeting, a document
            # or an event (締約国会議（COP29）, 包括的核実験禁止条約（CTBT）)
            spans += [TypedSpan(AnswerType.ORGANIZATION, run, start, start + len(run))
                      for run, start in ((sentence[r[0].start:r[-1].end], r[0].start) for r in noun_runs(words))
                      if re.match(r"（[A-Z][A-Z0-9]{1,6}）", sentence[start + len(run):])
                      and not run.endswith(NOT_BODY_NOUNS) and len(run) >= 3
                      and not any(o.start < start + len(run) and start < o.end for o in spans)]
        if question_type.head_endings and kind == question_type.answer_type:
            # which ministry: a compound ending in 省 is one, though 省 alone is too short to mark every organisation
            spans += [TypedSpan(AnswerType.ORGANIZATION, s.text, s.start, s.end) for s in _compound_ending(
                words, sentence, lambda w: _text(w).endswith(question_type.head_endings))
                      if s.text not in question_type.head_endings
                      and not any(o.start == s.start and o.end == s.end for o in spans)]
    elif kind == AnswerType.DATE:
        spans = date_spans(sentence)
        if question_type.head == "季節" or question_type.rough_time:
            spans += season_spans(words, sentence)
        if question_type.counter == "年" and kind == question_type.answer_type and not question_type.event_time:
            # 何年に延長 asks for a length as often as for a year: 7年 answers it too; …に就いたのは何年 asks when
            # something happened, which a length does not answer.
            spans += [s for s in number_spans(words, sentence) if s.counter and counters_match("年", s.counter)
                      and not any(s.start < d.end and d.start < s.end for d in spans)]
        if question_type.counter == "日" and kind == question_type.answer_type:
            # 何日 asks for a number of days as often as for a day of the month: 352日 and 184日間, which no day of a
            # month is, answer it too.
            spans += [s for s in number_spans(words, sentence) if s.counter and counters_match("日", s.counter)
                      and not any(s.start < d.end and d.start < s.end for d in spans)
                      and (s.text.endswith(("間", "分")) or int(re.sub(r"\D", "", nfkc(s.text)) or 0) > 31)]
        if question_type.wants_pair:
            spans = joined_pairs(spans, sentence) or spans
        else:
            # A bracket holding two dates joined by 及び (共同飛行（6月及び12月）) dates its phrase with both.
            for pair in joined_pairs(spans, sentence):
                bracketed = sentence[pair.start - 1:pair.start] in ("（", "(")
                if bracketed and sentence[pair.end:pair.end + 1] in ("）", ")"):
                    spans = [s for s in spans if not pair.start <= s.start < pair.end] + [pair]
        if question_type.date_units:
            # 何月何日 is not answered by a month alone; the year of 何年何月何日 may be left implied, as the
            # chapter's own year mostly is ("外相会談（9月20日、…）").
            units = question_type.date_units - ({"年"} if question_type.date_units & {"月", "日"} else set())
            spans = [s for s in spans if s.answer_type != AnswerType.DATE or all(unit in s.text for unit in units)]
        if question_type.years:
            # A date of another year than the one asked about does not answer it.
            spans = [s for s in spans if not YEAR.search(nfkc(s.text))
                     or set(YEAR.findall(nfkc(s.text))) & question_type.years]
    elif kind == AnswerType.NUMBER:
        spans = number_spans(words, sentence)
        if question_type.counter and kind == question_type.answer_type:
            # 何作品 answered by 計526作品: a noun the question counts with (作品, 試合) follows the figure as the
            # tagger's counters do
            spans = [TypedSpan(s.answer_type, s.text + question_type.counter, s.start,
                               s.end + len(question_type.counter), question_type.counter)
                     if s.counter is None and len(question_type.counter) >= 2
                     and sentence.startswith(question_type.counter, s.end) else s for s in spans]
            spans = [s for s in spans if s.counter is not None and (
                counters_match(question_type.counter, s.counter)
                # 何回目の計画: an ordinal of another counter answers it (第3次行動計画)
                or question_type.number_suffix in ("目", "第") and s.text.startswith("第")
                and _counter_key(s.counter) in ORDINAL_COUNTERS)]
            if question_type.counter == MONEY and question_type.wants_direction:
                # 予算はいくら asks for an amount; a ratio (1.7倍, 2割) answers only いくら増えた, a change
                spans = [s for s in spans if _counter_key(s.counter or "") in MONEY_COUNTERS[:7]]
        elif question_type.head and any(question_type.head.endswith(h) for h in ("額", "金額", "予算", "価格")):
            spans = [s for s in spans if s.counter is not None and counters_match(MONEY, s.counter)]
        elif kind == question_type.answer_type and (counted := head_counters(question_type.head)):
            # 学んでいる人はどのくらい, いくつの国・地域が: the noun asked about is counted in its own counter
            # (約379万人, 153か国・地域) where the sentence has a figure in it; where none, a paraphrase may count it
            spans = [s for s in spans if s.counter and any(counters_match(c, s.counter) for c in counted)] or spans
        unit = question_type.head[:-1].removesuffix("間") if question_type.head and \
            question_type.head.endswith("数") and not question_type.counter else None
        counts_time = unit in ("年", "月", "日", "時間", "週")
        if unit is not None:
            if counts_time:
                # 日数 / 年数: a count of days or years, which a time span in that unit gives (約10日)
                spans = [s for s in spans if s.counter is not None and counters_match(unit, s.counter)]
            else:
                # 砲弾の数: a count of things, not a time span (4年ぶり, 3日間)
                spans = [s for s in spans if s.counter not in ("年", "月", "日", "時間", "週間")
                         and not s.text.endswith(("ぶり", "振り", "間"))]
        # A month or a day is a date, not a count (9月 does not say how many).
        asks_years = question_type.counter is not None and _counter_key(question_type.counter) == "年"
        if counts_time:
            spans = [s for s in spans if not YEAR.fullmatch(nfkc(s.text).removesuffix("年"))]
        elif question_type.head in DURATION_HEADS:
            # 任期の長さ, how long: 7年 and 3か月 are lengths; 2023年 is still a year
            spans = [s for s in spans if s.counter not in ("月", "日")
                     and not YEAR.fullmatch(nfkc(s.text).removesuffix("年"))]
        else:
            asks_days = question_type.counter is not None and _counter_key(question_type.counter) in ("日", "月")
            spans = [s for s in spans if not (s.counter in ("月", "日") and not asks_days or s.counter == "年"
                                              and s.text.endswith(("年", "年度")) and not asks_years)]
            if asks_years:
                # 何年間 / 何年ぶり count years: 28年間 answers, a calendar year (1964年) does not
                spans = [s for s in spans if not YEAR.fullmatch(nfkc(s.text).removesuffix("年"))]
        if question_type.number_suffix and kind == question_type.answer_type:
            # 何回目 is answered by 3回目, or by 第3回 where the sentence has no …目 (第何回 the other way round): both
            # are ordinals.
            suffix = question_type.number_suffix
            prefixed = [s for s in spans if s.text.startswith("第")]
            if suffix == "第":
                spans = prefixed or [s for s in spans if s.text.endswith("目")]
            else:
                spans = [s for s in spans if s.text.endswith(suffix)] or (prefixed if suffix == "目" else [])
        elif question_type.counter and kind == question_type.answer_type:
            # 何回会談した asks how many times: the 2回目 or 第3回 of one meeting does not say it.
            spans = [s for s in spans if not (s.text.startswith("第") or s.text.endswith("目"))]
        if question_type.wants_range:
            spans = number_ranges(spans, sentence) or spans
        if question_type.wants_pair:
            spans = joined_pairs(spans, sentence) or spans
        if question_type.wants_direction:
            spans = with_direction(spans, sentence)
        elif question_type.direction:
            # どれだけ増えた is not answered by a figure that fell (47.2%減少)
            spans = [s for s in spans if span_direction(sentence, s) in (None, question_type.direction)]
    else:
        spans = []
        if question_type.acronym and question_type.head in (*NAME_NOUNS, "abbreviation"):
            # What an acronym stands for is said only where the text defines it, in the language asked.
            latin = question_type.head == "abbreviation"
            # (an English question is answered in Japanese where the text gives no English expansion)
            return expansion_spans(sentence, question_type.acronym, latin=latin) or (
                expansion_spans(sentence, question_type.acronym, latin=False) if latin else [])
        if not spans and question_type.naming:
            spans = naming_spans(words, sentence) + [TypedSpan(AnswerType.NAME, m.group(1), m.start(1), m.end(1))
                                                     for m in QUOTED.finditer(sentence)]
        if question_type.head in KIND_SUFFIXES or question_type.asks_kind:
            # 何制 → 一院制: the whole compound ending in the suffix, numerals included
            suffixes = (question_type.head,) if question_type.head in KIND_SUFFIXES else KIND_SUFFIXES
            spans = [TypedSpan(AnswerType.NAME, sentence[r[0].start:r[-1].end], r[0].start, r[-1].end)
                     for r in noun_runs(words) if len(r) > 1 and r[-1].surface in suffixes]
        if question_type.head in PURPOSE_HEADS:
            # 何のための計画: the purpose the sentence states before のため (灌漑用水路の運用及び維持のための…)
            spans = purpose_spans(words, sentence)
        if question_type.head in TEXT_KINDS:
            # テーマ, スローガン, キャッチフレーズ: words someone wrote, which the text quotes (「…」)
            return [TypedSpan(AnswerType.NAME, m.group(1), m.start(1), m.end(1)) for m in QUOTED.finditer(sentence)]
        if not spans and question_type.head_endings:
            endings = question_type.head_endings
            spans = [s for s in _compound_ending(words, sentence, lambda w: _text(w).endswith(endings))
                     if s.text not in endings]
            if question_type.asks_name:
                # "the name of the mascot character" is as strict as キャラクターの名前, with the noun the text writes
                said = next((ending for ending in endings if ending in sentence), endings[0])
                return sorted(name_spans(words, sentence, said, strict=True), key=lambda s: (s.start, -s.end))
        if not spans:
            spans = name_spans(words, sentence, question_type.head, strict=question_type.asks_name)
    return sorted(spans, key=lambda s: (s.start, -s.end))


def is_negative(sentence: str) -> bool:
    """Whether the sentence denies (ない, ず, ません as auxiliaries, or the adjective 無い): the answer to a yes/no
    question it answers is いいえ."""
    return any(w.pos1 == "助動詞" and (w.lemma or w.surface) in ("ない", "ず", "ぬ", "ん")
               or w.pos1 == "形容詞" and (w.lemma or "") in ("無い", "ない") for w in tagged_words(sentence))


# Words that state the contrary of each other (a closed vocabulary of Japanese antonyms): a sentence that says
# 全面的に停止 answers "一部だけ止めた？" with いいえ though it denies nothing, as EEZ外に落下 does "inside the EEZ?".
CONTRARIES = (("一部", "全面"), ("内", "外"), ("承認", "否決"), ("可決", "否決"), ("増加", "減少"), ("増", "減"),
              ("上昇", "低下"), ("賛成", "反対"), ("上回る", "下回る"), ("成功", "失敗"), ("許可", "禁止"),
              ("黒字", "赤字"), ("拡大", "縮小"))
# English words of a question that state one side of a pair, as the Japanese text writes it.
ENGLISH_CONTRARY_WORDS = {"inside": "内", "within": "内", "outside": "外", "partly": "一部", "partially": "一部",
                          "partial": "一部", "completely": "全面", "fully": "全面", "entirely": "全面", "total": "全面",
                          "increase": "増加", "increased": "増加", "decrease": "減少", "decreased": "減少",
                          "rise": "上昇", "rose": "上昇", "fall": "低下", "fell": "低下", "surplus": "黒字",
                          "deficit": "赤字", "succeed": "成功", "succeeded": "成功", "fail": "失敗", "failed": "失敗"}


def _contrary_words(text: str) -> set[str]:
    tagged = tagged_words(text)
    words = {nfkc(w.lemma or w.surface) for w in tagged} | {w.surface for w in tagged}
    return {word for pair in CONTRARIES for word in pair if word in words}


def states_contrary(question: str, language: str, sentence: str) -> bool:
    """Whether `sentence` states the contrary of something a yes/no question states (一部 → 全面, inside → 外) and
    not the thing itself: the answer is then no, though the sentence denies nothing."""
    if language == "ja":
        asked = _contrary_words(question)
    else:
        asked = {ENGLISH_CONTRARY_WORDS[w] for w in re.findall(r"[a-z]+", question.lower())
                 if w in ENGLISH_CONTRARY_WORDS}
    said = _contrary_words(sentence)
    if UNIVERSAL.search(question) and EXCEPTION.search(sentence):
        return True  # 全部発効してる？ against ミャンマーを除く全ての署名国について発効: not all
    if FORGONE.search(sentence) and not FORGONE.search(question) and language == "ja":
        return True  # 新しい案件もまだやってるの？ against 新規案件の実施を見合わせている: held off, so no
    return any(a in asked and b in said and a not in said or b in asked and a in said and b not in said
               for a, b in CONTRARIES)


# Verbs of holding off or giving up what is named (実施を見合わせている): a sentence saying so answers "is it done?"
# with no, though it denies nothing.
FORGONE = re.compile(r"見合わせ|見送|断念|取りやめ|取り止め")
# "All" in a yes/no question, and an exception in a sentence that makes it false.
UNIVERSAL = re.compile(r"全部|全て|すべて|\ball\b|\bevery", re.I)
EXCEPTION = re.compile(r"を除(?:く|き|いて)|以外(?:の|は)|\bexcept\b")


# Nouns a question counts that are counted in a counter of their own (人 in 約379万人, 国 in 153か国・地域)
HEAD_COUNTERS = {"人": ("人", "名"), "者": ("人", "名"), "国": ("箇国",), "地域": ("箇国",)}


def head_counters(head: str | None) -> tuple[str, ...]:
    """The counters that count what a question's head noun names (学んでいる人 → 人, 名), or none."""
    if not head:
        return ()
    return next((counters for noun, counters in HEAD_COUNTERS.items() if nfkc(head).endswith(noun)), ())


def _counter_key(counter: str) -> str:
    counter = nfkc(counter)
    counter = {"%": "パーセント", "か国": "箇国", "カ国": "箇国", "ヶ国": "箇国", "ケ国": "箇国"}.get(counter, counter)
    # 何年間 asks for 年; 78年 answers it.
    return counter[:-1] if len(counter) > 1 and counter[-1] in "間目" else counter


def counters_match(asked: str, found: str) -> bool:
    """何キロ is answered by 200キロメートル, 何年間 by 78年, 何か国 by 6カ国, いくら by 200万ドル."""
    if asked == MONEY:
        return any(_counter_key(found).startswith(_counter_key(c)) for c in MONEY_COUNTERS)
    asked, found = _counter_key(asked), _counter_key(found)
    return found.startswith(asked) or asked.startswith(found)


COORDINATORS = ("と", "や", "、", "及び", "および", "並びに", "ならびに", "・")


def interrogative_clauses(question: str, language: str, kind: AnswerType | None = None) -> list[str]:
    """The clauses of a question that asks the same kind of thing twice (上院選挙はいつで、下院選挙はいつでしたか →
    its two clauses), each to be answered on its own: one span would answer only one of them. A clause with no
    interrogative (a preamble: ウズベキスタンについて、) belongs to the next. Empty unless two clauses each ask, on
    their own, for a span of the type the whole question asks for."""
    if language != "ja":
        return []
    kind = kind or classify_question(question, language).answer_type  # the caller has usually typed it already
    if kind not in SPAN_TYPES:
        return []
    clauses: list[str] = []
    pending = ""
    for piece in re.split(r"(?<=[、，。？?])", question):
        pending += piece
        if not piece.strip():
            continue
        asked = classify_question(pending, language)
        if asked.answer_type == kind and asked.explicit and not asked.parts:
            clauses.append(pending)
            pending = ""
    if pending and clauses:
        clauses[-1] += pending
    return clauses if len(clauses) >= 2 else []


def coordinated_parts(question: str, language: str) -> list[str]:
    """The coordinated noun phrases of a それぞれ question (トルクメニスタンとアルメニアの閣僚はそれぞれ誰 →
    トルクメニスタン, アルメニア), each to be answered on its own. English conjuncts cannot be matched against
    Japanese text offline, so English questions are answered as one."""
    if language != "ja":
        return []
    words = tagged_words(question)
    best: list[str] = []
    i = 0
    while i < len(words):
        run = _noun_run_after(words, i)
        if not run:
            i += 1
            continue
        group = [run]
        j = i + len(run)
        while j < len(words) and words[j].surface in COORDINATORS and words[j].pos1 in ("助詞", "補助記号", "接続詞"):
            following = _noun_run_after(words, j + 1)
            if not following:
                break
            # 爆撃機の共同飛行, 日本からロシアへの輸出額: the conjunct runs on through its modifiers to its head noun,
            # when the first conjunct is a common noun like that head (トルクメニスタンとアルメニアの閣僚: 閣僚 is
            # the head both names share, not part of the second).
            end = j + 1 + len(following)
            common = any(not w.is_proper for w in group[0])
            while (common and end + 1 < len(words) and words[end].surface in PHRASE_LINKS
                   and words[end].pos1 == "助詞"):
                k = end
                while k < len(words) and words[k].surface in PHRASE_LINKS and words[k].pos1 == "助詞":
                    k += 1
                more = _noun_run_after(words, k)
                if not more:
                    break
                following = [*following, *words[end:k], *more]
                end = k + len(more)
            group.append(following)
            j = end
        if len(group) >= 2 and len(group) > len(best):
            # 艦艇の共同航行と…, ロシアから日本への輸出額と…: the first conjunct takes its modifiers too
            first = group[0]
            start = words.index(first[0])
            common = any(not w.is_proper for w in first)
            while (common and start >= 2 and words[start - 1].surface in PHRASE_LINKS
                   and words[start - 1].pos1 == "助詞"):
                k = start - 1
                while k >= 1 and words[k - 1].surface in PHRASE_LINKS and words[k - 1].pos1 == "助詞":
                    k -= 1
                before = _noun_run_before(words, k)
                if not before:
                    break
                start = k - len(before)
            group[0] = list(words[start:words.index(first[-1]) + 1])
            best = [question[r[0].start:r[-1].end] for r in group]
        i = max(j, i + 1)
    return [part for part in best if len(part) >= 2]


# Particles inside one noun phrase (XのY, XからYへのZ): a conjunct runs on through them.
PHRASE_LINKS = ("の", "から", "へ")
