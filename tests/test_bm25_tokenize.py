"""Japanese content tokens, language detection and BM25 scoring."""

from __future__ import annotations

import numpy as np
import pytest

from index.bm25 import BM25
from index.tokenize import content_tokens, detect_language, normalise

PARTICLES = {"は", "が", "を", "に", "の", "へ", "と", "も", "で", "から", "て", "た"}


# --- content_tokens ---------------------------------------------------------------------------------------

def test_content_tokens_keep_content_words_and_drop_particles() -> None:
    tokens = content_tokens("ロシアは2023年もウクライナ侵略を続けた。")
    assert tokens[:5] == ["ロシア", "2023", "年", "ウクライナ", "侵略"]
    assert not PARTICLES & set(tokens)
    assert "。" not in tokens


def test_content_tokens_are_lemmas() -> None:
    # 実施した -> 実施 (noun) + する (stop lemma); 加盟が実現した -> 加盟, 実現
    assert content_tokens("NATO加盟が実現した") == ["nato", "加盟", "実現"]
    tokens = content_tokens("中央アジア諸国との関係を強化していく")
    assert {"中央", "アジア", "関係", "強化"} <= set(tokens)
    assert "し" not in tokens and "する" not in tokens and "為る" not in tokens
    # inflected verbs come back in dictionary form
    assert "減少" in content_tokens("輸入を一層減少させた")
    assert "見合わせる" in content_tokens("政府事業については当面見合わせ、")


def test_question_words_and_polite_verbs_are_dropped() -> None:
    tokens = content_tokens("日本漁船の操業に関する協定は何ですか")
    assert {"日本", "漁船", "操業", "協定"} <= set(tokens)
    assert "何" not in tokens
    assert "教える" not in content_tokens("北方領土を教えてください")
    assert "下さる" not in content_tokens("北方領土を教えてください")


def test_nfkc_full_width_latin_matches_half_width() -> None:
    assert normalise("ＮＡＴＯ") == "nato"
    assert content_tokens("ＮＡＴＯ") == ["nato"]
    assert content_tokens("ＮＡＴＯ加盟") == content_tokens("NATO加盟")
    assert "nato" in content_tokens("北大西洋条約機構（NATO）は更なる拡大を続けており")
    assert content_tokens("Ｇ７") == content_tokens("G7")


def test_content_tokens_of_empty_text() -> None:
    assert content_tokens("") == []
    assert content_tokens("。、「」") == []


def test_ni_tsuite_adds_no_token() -> None:
    assert content_tokens("北方領土について教えてください") == ["北方", "領土"]


# --- detect_language --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "language"), [
    ("北方領土問題について教えてください", "ja"),
    ("ロシアの国防費は前年比何倍ですか？", "ja"),
    ("What did Japan decide about fishing near the Northern Territories?", "en"),
    ("How much did Russia's defence budget grow in 2024?", "en"),
    ("NATOに加盟したのはどの国？", "ja"),            # mixed, mostly Japanese
    ("G7とEUの対露制裁", "ja"),
    ("What happened to the 北方領土 talks in 2022?", "en"),  # mixed, mostly English
    ("What is 北方領土?", "ja"),  # each Japanese character weighs three Latin letters
    ("What does the Bluebook say about the Wagner group (ワグネル)?", "en"),
    ("", "ja"),
    ("2024", "ja"),
])
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_detect_language_full_width_english() -> None:
    assert detect_language("ＷＨＡＴ ＩＳ ＮＡＴＯ？") == "en"


# --- BM25 -------------------------------------------------------------------------------------------------

PASSAGES = [
    "ロシアによるウクライナ侵略が長期化する中で、ロシア政府は国民に対し、戦争への支援と愛国心を訴えた。",
    "日本政府はロシアとの漁業協議を続けてきたが、ロシア側から協議はできないとの通知があった。",
    "また、6月には、軍や国防省との対立が報じられていた民間軍事会社「ワグネル」の戦闘員がモスクワの手前まで到達した。",
    "2023年の日露間の貿易は、対前年比で44.3%の減少となった。",
]


@pytest.fixture(scope="module")
def bm25() -> BM25:
    return BM25([content_tokens(p) for p in PASSAGES])


def test_bm25_ranks_the_passage_with_the_term_first(bm25: BM25) -> None:
    scores = bm25.scores(content_tokens("ワグネルはどこまで到達しましたか"))
    assert int(np.argmax(scores)) == 2
    assert scores[2] > 0
    assert np.count_nonzero(scores) == 1
    scores = bm25.scores(content_tokens("漁業協議"))
    assert int(np.argmax(scores)) == 1


def test_bm25_more_occurrences_and_rarer_terms_score_higher() -> None:
    index = BM25([["ロシア", "侵略"], ["ロシア", "ロシア", "侵略"], ["日本", "漁業"]])
    scores = index.scores(["ロシア"])
    assert scores[1] > scores[0] > 0
    assert scores[2] == 0
    assert index.idf["漁業"] > index.idf["ロシア"]
    assert index.vocabulary == {"ロシア", "侵略", "日本", "漁業"}


def test_bm25_zero_for_no_match(bm25: BM25) -> None:
    scores = bm25.scores(["存在しない語"])
    assert scores.shape == (len(PASSAGES),)
    assert not scores.any()
    assert not bm25.scores([]).any()


def test_bm25_repeated_query_terms_count_once(bm25: BM25) -> None:
    assert np.allclose(bm25.scores(["ロシア"]), bm25.scores(["ロシア", "ロシア"]))


def test_bm25_on_no_documents() -> None:
    index = BM25([])
    assert index.scores(["ロシア"]).shape == (0,)


@pytest.mark.parametrize(("k1", "b"), [(-0.1, 0.75), (1.5, -0.01), (1.5, 1.01)])
def test_bm25_validation(k1: float, b: float) -> None:
    with pytest.raises(ValueError, match=r"BM25 needs k1 >= 0 and 0 <= b <= 1") as excinfo:
        BM25([["a"]], k1=k1, b=b)
    assert f"k1={k1}" in str(excinfo.value) and f"b={b}" in str(excinfo.value)


def test_bm25_accepts_boundary_parameters() -> None:
    BM25([["a"]], k1=0, b=0)
    BM25([["a"]], k1=2.0, b=1)
