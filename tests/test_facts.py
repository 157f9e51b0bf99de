"""The facts a generated claim must share with its quote: numbers, dates, proper nouns, names with titles."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from service.facts import facts_of, missing_facts, numbers_of

# Sentences of the chapter (verbatim), as a claim's supporting sentence would be.
TURKMEN = "7月には吉川外務大臣政務官がトルクメニスタンを訪問し、グルマノヴァ国会議長、メレドフ副首相兼外相と会談した。"
FORMER = "ベルディムハメドフ前大統領が人民評議会議長及び新たに創設された国家機関の長に就任した。"


@pytest.mark.parametrize(("text", "expected"), [
    ("2023年の日露間の貿易は、対前年比で44.3%の減少となった。", {"2023", "44.3"}),
    ("貿易額は9,999億円、1.7倍", {"999900000000", "1.7"}),
    ("二千人と一億四千万人、二〇二三年", {"2000", "140000000", "2023"}),
    ("１億４，０００万人", {"140000000"}),
    ("一方で統一の方針を十分に示した一部の国", set()),  # words written with numeral characters are not numbers
    ("Trade fell 44.3% to 1.2 billion dollars in June 2023, May 5.", {"44.3", "1200000000", "6", "2023", "5"}),
    ("They may go on 24 June, 2023.", {"24", "6", "2023"}),  # "may" the verb is no month
])
def test_numbers_are_compared_as_values(text: str, expected: set[str]) -> None:
    assert numbers_of(text) == expected


def test_proper_nouns_come_from_the_tagger_and_the_script() -> None:
    facts = facts_of("フィンランドのNATO加盟が実現し、ミシュスチン首相とプーチン大統領が会った。エネルギー分野も。")
    assert {"フィンランド", "NATO", "ミシュスチン", "プーチン"} <= facts.names
    assert "エネルギー" not in facts.names  # a loanword the dictionary knows is not a name
    english = facts_of("The report says Finland joined NATO. It grew.")
    assert english.names == {"Finland", "NATO"}


@pytest.mark.parametrize(("claim", "sentence", "missing"), [
    ("2024年に44.3%減少した。", "2023年の日露間の貿易は、対前年比で44.3%の減少となった。", ["the number 2024"]),
    ("スウェーデンがNATOに加盟した。", "フィンランドのNATO加盟が実現した。", ["the name スウェーデン"]),
    ("Finland joined NATO.", "フィンランドのNATO加盟が実現した。", ["the name Finland"]),
    ("NATOに加盟したのはフィンランドだ。", "フィンランドのNATO加盟が実現した。", []),
    # a real name in the wrong role
    ("メレドフ首相と会談した。", TURKMEN, ["メレドフ as 首相"]),
    ("メレドフ外相と会談した。", TURKMEN, []),
    ("メレドフ副首相と会談した。", TURKMEN, []),
    ("吉川外務大臣がトルクメニスタンを訪問した。", TURKMEN, ["吉川 as 外務大臣"]),
    ("吉川外務大臣政務官がトルクメニスタンを訪問した。", TURKMEN, []),
    ("ベルディムハメドフ大統領が議長に就任した。", FORMER, ["ベルディムハメドフ as 大統領"]),
    ("ベルディムハメドフ前大統領が議長に就任した。", FORMER, []),
])
def test_missing_facts(claim: str, sentence: str, missing: list[str]) -> None:
    assert missing_facts(facts_of(claim), sentence) == missing


def test_facts_are_read_safely_from_many_threads() -> None:
    texts = [TURKMEN, FORMER, "二千人と一億四千万人", "フィンランドのNATO加盟が実現した。"] * 25
    expected = [facts_of(t) for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(facts_of, texts)) == expected
