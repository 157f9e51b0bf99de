"""Sentence splitting and chunking into passages, on snippets and on the real chapter."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunk import STANDALONE_KINDS, ChunkingParams, Passage, Span, chunk_document, sentences_of, split_sentences
from index.clean import CleanDocument, clean_document

CHAPTER = (Path(__file__).resolve().parents[1] / "corpus"
           / "diplomatic-bluebook-2024_ch2-6_russia-belarus-central-asia-caucasus.txt")


def texts(text: str, offset: int = 0) -> list[str]:
    return [text[s.start - offset:s.end - offset] for s in split_sentences(text, offset)]


# --- split_sentences --------------------------------------------------------------------------------------

def test_split_on_japanese_terminators() -> None:
    assert texts("ロシアは侵略を続けた。日本は抗議した！本当か？終わり") == [
        "ロシアは侵略を続けた。", "日本は抗議した！", "本当か？", "終わり"]


def test_repeated_terminators_and_closing_brackets_stay_with_the_sentence() -> None:
    assert texts("本当か！？次だ。") == ["本当か！？", "次だ。"]
    assert texts("よい。」次だ。") == ["よい。」", "次だ。"]


def test_no_split_inside_quotes() -> None:
    text = ("ロシア政府は、「特別軍事作戦」への参加者を支援した。彼は「協力を深める。今後も続ける。」と述べた。"
            "次の文である。")
    assert texts(text) == ["ロシア政府は、「特別軍事作戦」への参加者を支援した。",
                           "彼は「協力を深める。今後も続ける。」と述べた。",
                           "次の文である。"]


def test_no_split_inside_parentheses_real_snippet() -> None:
    text = ("中央アジア・コーカサス諸国については、地政学的及び経済的にロシア、ウクライナ双方と密接な関係にある中で、"
            "ロシアによるウクライナ侵略に対し、中立的な立場を維持する姿勢を示している（ウクライナ支持を表明しているジョージアを"
            "除く。）。また、エネルギーを始めとする貿易品目の輸送路やロシアへの出稼ぎ労働者からの送金などへの影響が生じており"
            "対応に苦慮している。")
    sentences = texts(text)
    assert len(sentences) == 2
    assert sentences[0].endswith("（ウクライナ支持を表明しているジョージアを除く。）。")
    assert sentences[1].startswith("また、エネルギーを始めとする")


def test_no_split_inside_nested_brackets_real_snippet() -> None:
    text = ("また、6月には、軍や国防省との対立が報じられていた民間軍事会社「ワグネル」の戦闘員が「正義の行進」と称して"
            "モスクワの200キロメートル手前まで到達する事案も発生した（8月、プリゴジン「ワグネル」代表及び幹部が搭乗していたとされる航空機が"
            "墜落し、全員の死亡が伝えられた。）。ただし、これら事案が国内情勢の不安定化に直結する動きは見られなかった。")
    sentences = texts(text)
    assert len(sentences) == 2
    assert sentences[0].endswith("全員の死亡が伝えられた。）。")


def test_spans_are_offset_and_trimmed() -> None:
    text = "  一つ目。 二つ目。\n\n三つ目 "
    spans = split_sentences(text, offset=100)
    assert spans == [Span(102, 106), Span(107, 111), Span(113, 116)]
    assert [text[s.start - 100:s.end - 100] for s in spans] == ["一つ目。", "二つ目。", "三つ目"]


def test_paragraph_break_ends_a_sentence_and_resets_brackets() -> None:
    assert texts("「閉じない括弧\n\n次の段落。次。") == ["「閉じない括弧", "次の段落。", "次。"]


def test_empty_and_blank_text() -> None:
    assert split_sentences("") == []
    assert split_sentences("   \n\n  ") == []


# --- ChunkingParams ---------------------------------------------------------------------------------------

def test_chunking_params_defaults() -> None:
    params = ChunkingParams()
    assert (params.target_chars, params.overlap_sentences) == (300, 1)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"target_chars": 49}, "target_chars must be >= 50, got 49"),
    ({"target_chars": -5}, "target_chars must be >= 50, got -5"),
    ({"overlap_sentences": -1}, "overlap_sentences must be >= 0, got -1"),
])
def test_chunking_params_validation_quotes_the_bad_value(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        ChunkingParams(**kwargs)
    assert str(excinfo.value) == message


# --- chunk_document ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def chapter() -> CleanDocument:
    return clean_document("chapter", CHAPTER.read_text(encoding="utf-8"))


PARAMS = [ChunkingParams(), ChunkingParams(target_chars=120, overlap_sentences=0),
          ChunkingParams(target_chars=200, overlap_sentences=2), ChunkingParams(target_chars=1000, overlap_sentences=1)]


def block_at(document: CleanDocument, offset: int):
    for block in document.blocks:
        if block.start <= offset < block.end:
            return block
    raise AssertionError(f"no block covers offset {offset}")


@pytest.mark.parametrize("params", PARAMS, ids=str)
def test_passage_text_is_its_span_of_the_document(chapter: CleanDocument, params: ChunkingParams) -> None:
    passages = chunk_document(chapter, params)
    assert passages
    for passage in passages:
        assert passage.text == chapter.text[passage.start:passage.end]
        assert passage.doc_id == "chapter"
        assert passage.title == chapter.title
        assert passage.text.strip() == passage.text and passage.text
    assert len({p.passage_id for p in passages}) == len(passages)


@pytest.mark.parametrize("params", PARAMS, ids=str)
def test_passages_start_and_end_inside_their_own_section(chapter: CleanDocument, params: ChunkingParams) -> None:
    for passage in chunk_document(chapter, params):
        first, last = block_at(chapter, passage.start), block_at(chapter, passage.end - 1)
        for block in (first, last):
            assert block.section_path == passage.section_path
            assert block.kind == passage.kind
            assert block.kind not in ("title", "heading")


@pytest.mark.parametrize("params", PARAMS, ids=str)
def test_target_size_respected_except_single_long_sentences(chapter: CleanDocument, params: ChunkingParams) -> None:
    long_single = 0
    for passage in chunk_document(chapter, params):
        if passage.kind in STANDALONE_KINDS:
            continue
        if len(passage.text) > params.target_chars:
            assert len(sentences_of(passage)) == 1, passage.passage_id
            long_single += 1
    if params.target_chars == 120:
        assert long_single > 0  # the chapter has sentences longer than 120 characters


@pytest.mark.parametrize("params", PARAMS, ids=str)
def test_every_paragraph_sentence_is_in_some_passage(chapter: CleanDocument, params: ChunkingParams) -> None:
    passages = chunk_document(chapter, params)
    covered = {(s.start, s.end) for p in passages for s in sentences_of(p)}
    for block in chapter.blocks:
        if block.kind == "paragraph":
            for span in split_sentences(block.text, block.start):
                assert (span.start, span.end) in covered


def test_standalone_blocks_are_passages_of_their_own(chapter: CleanDocument) -> None:
    passages = chunk_document(chapter, ChunkingParams())
    for block in chapter.blocks:
        if block.kind in STANDALONE_KINDS:
            matches = [p for p in passages if (p.start, p.end) == (block.start, block.end)]
            assert len(matches) == 1
            assert matches[0].kind == block.kind
            assert matches[0].section_path == block.section_path
    assert not any(p.kind in ("title", "heading") for p in passages)


def run_pairs(passages: list[Passage]) -> list[tuple[Passage, Passage]]:
    """Consecutive paragraph passages of the same section (hence cut from the same run of blocks)."""
    return [(a, b) for a, b in zip(passages, passages[1:], strict=False)
            if a.kind == b.kind == "paragraph" and a.section_path == b.section_path]


@pytest.mark.parametrize("overlap", [0, 1, 2])
def test_overlap_of_n_sentences(chapter: CleanDocument, overlap: int) -> None:
    passages = chunk_document(chapter, ChunkingParams(target_chars=150, overlap_sentences=overlap))
    pairs = run_pairs(passages)
    assert len(pairs) > 10
    saw_full_overlap = False
    for a, b in pairs:
        sa, sb = sentences_of(a), sentences_of(b)
        expected = min(overlap, len(sa) - 1)
        shared = [s for s in sa if s in sb]
        assert len(shared) == expected, (a.passage_id, b.passage_id)
        if expected:
            assert sa[-expected:] == sb[:expected]
            saw_full_overlap |= expected == overlap
        else:
            assert b.start >= a.end
    if overlap:
        assert saw_full_overlap


def test_overlap_on_a_real_paragraph() -> None:
    raw = ("\n\n6\n\nロシア・ベラルーシと中央アジア・コーカサス\n\n1 概観\n\n"
           "G7・欧州連合（EU）諸国を中心に、引き続き厳しい対露制裁、強力なウクライナ支援が続けられているが、2023年もロシアによる"
           "ウクライナ侵略という暴挙がやむことはなかった。こうした中、G7・EU諸国とロシアとのハイレベルのやり取りはほぼ実施されて"
           "いない。侵略以前はロシア産エネルギーの最大の輸出先であった欧州は、輸入を一層減少させた。また、北大西洋条約機構（NATO）は"
           "更なる拡大を続けており、フィンランドのNATO加盟が実現したほか、スウェーデンはNATO加盟に向けて大きな進展があった。さらに、"
           "ウクライナのEU加盟交渉開始が決定された。このように、ロシアとG7・EU諸国などとの関係は、構造的に大きく変化するに至った。\n")
    document = clean_document("overview", raw)
    sentences = split_sentences(document.blocks[-1].text, document.blocks[-1].start)
    assert len(sentences) == 6
    passages = chunk_document(document, ChunkingParams(target_chars=130, overlap_sentences=1))
    # sentence lengths 85, 41, 40, 78, 25, 41: greedy windows of at most 130 characters
    assert [[sentences.index(s) for s in sentences_of(p)] for p in passages] == [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]]
    passages = chunk_document(document, ChunkingParams(target_chars=200, overlap_sentences=2))
    assert [[sentences.index(s) for s in sentences_of(p)] for p in passages] == [[0, 1, 2], [1, 2, 3, 4], [3, 4, 5]]
    passages = chunk_document(document, ChunkingParams(target_chars=130, overlap_sentences=0))
    assert [[sentences.index(s) for s in sentences_of(p)] for p in passages] == [[0, 1], [2, 3], [4, 5]]
    for passage in passages:
        assert passage.section_path == ("1 概観",)
        assert passage.passage_id.startswith("overview:p")


def test_sections_split_runs_on_the_tiny_fixture() -> None:
    raw = (Path(__file__).parent / "fixtures" / "corpus" / "mini-chapter.txt").read_text(encoding="utf-8")
    document = clean_document("mini", raw)
    passages = chunk_document(document, ChunkingParams(target_chars=1000, overlap_sentences=0))
    by_section = {}
    for passage in passages:
        by_section.setdefault((passage.kind, passage.section_path), []).append(passage)
    assert set(by_section) == {
        ("paragraph", ("1 概観",)),
        ("paragraph", ("2 日露関係", "(1) 漁業")),
        ("footnote", ("2 日露関係", "(1) 漁業")),
        ("paragraph", ("2 日露関係", "(2) 経済")),
    }
    assert all(len(v) == 1 for v in by_section.values())
    economy = by_section[("paragraph", ("2 日露関係", "(2) 経済"))][0]
    assert economy.text.startswith("2023年の日露間の貿易は")
    assert economy.text.endswith("権益を維持する方針をとっている。")
    assert economy.section == "2 日露関係 > (2) 経済"


def test_paragraph_passages_contain_only_paragraphs_of_their_own_section(chapter: CleanDocument) -> None:
    for passage in chunk_document(chapter, ChunkingParams()):
        if passage.kind in STANDALONE_KINDS:
            continue
        for block in chapter.blocks:
            if block.start < passage.end and block.end > passage.start:
                assert (block.kind, block.section_path) == (passage.kind, passage.section_path), passage.passage_id
