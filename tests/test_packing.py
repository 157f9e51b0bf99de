"""Questions packed into rows without padding (index/packing.py): row lengths from a few buckets, every text in
exactly one row, rows never overfull. The packed vectors against padded ones are checked with the real model in
tests/test_serving_real.py."""

from __future__ import annotations

from index.packing import ROW_TOKENS, bucket_length, pack


def test_row_lengths_come_from_a_few_buckets() -> None:
    assert [bucket_length(n) for n in (1, 8, 9, 30, 64, 65, 100, 128, 129, 300)] == [
        8, 8, 16, 32, 64, 80, 112, 128, 192, 320]
    assert len({bucket_length(n) for n in range(1, 513)}) == 8 + 4 + 6


def test_texts_that_fit_together_share_one_row() -> None:
    packing = pack([30, 25, 40], row_tokens=128)
    assert packing.rows == [[0, 1, 2]] and packing.row_length == 96


def test_more_texts_are_packed_longest_first_into_rows_that_hold_them() -> None:
    lengths = [30, 54, 14, 33, 41, 29, 25, 38, 35, 22]
    packing = pack(lengths, row_tokens=128)
    assert packing.row_length == 128
    assert sorted(index for row in packing.rows for index in row) == list(range(len(lengths)))
    assert all(sum(lengths[index] for index in row) <= 128 for row in packing.rows)
    assert len(packing.rows) == 3, "321 tokens in rows of 128: three rows, first fit"
    assert packing.rows[0][0] == 1, "the longest text goes first"


def test_a_text_longer_than_a_row_gets_a_row_of_its_bucketed_length() -> None:
    packing = pack([300, 20, 120], row_tokens=128)
    assert packing.row_length == 320
    assert all(sum([300, 20, 120][index] for index in row) <= 320 for row in packing.rows)


def test_the_default_rows_hold_two_or_three_questions() -> None:
    packing = pack([30, 25, 40, 14, 22])
    assert packing.row_length == ROW_TOKENS == 64
    assert max(len(row) for row in packing.rows) <= 3 and len(packing.rows) == 3
