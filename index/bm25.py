"""Okapi BM25 over pre-tokenised passages (small, dependency-free, and its inputs are plain JSON)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np


class BM25:
    """Scores every passage for a bag of query tokens."""

    def __init__(self, documents: list[list[str]], k1: float = 1.5, b: float = 0.75) -> None:
        if k1 < 0 or not 0 <= b <= 1:
            raise ValueError(f"BM25 needs k1 >= 0 and 0 <= b <= 1, got k1={k1}, b={b}")
        self.k1, self.b = k1, b
        self.term_counts = [Counter(tokens) for tokens in documents]
        self.lengths = np.array([len(tokens) for tokens in documents], dtype=np.float64)
        self.average_length = float(self.lengths.mean()) if len(documents) else 0.0
        document_frequency: Counter[str] = Counter()
        for counts in self.term_counts:
            document_frequency.update(counts.keys())
        total = len(documents)
        self.idf = {term: math.log(1 + (total - df + 0.5) / (df + 0.5)) for term, df in document_frequency.items()}
        # Postings (which passages hold a term, how often), so a query costs its terms' postings, not a pass over
        # every passage per term.
        rows: dict[str, list[int]] = {}
        counts_of: dict[str, list[int]] = {}
        for row, counts in enumerate(self.term_counts):
            for term, count in counts.items():
                rows.setdefault(term, []).append(row)
                counts_of.setdefault(term, []).append(count)
        self.postings = {term: (np.array(rows[term], dtype=np.int64), np.array(counts_of[term], dtype=np.float64))
                         for term in rows}
        self.length_norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.average_length, 1e-9))

    @property
    def vocabulary(self) -> set[str]:
        return set(self.idf)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of each passage, in index order."""
        result = np.zeros(len(self.term_counts), dtype=np.float64)
        for term in set(query_tokens):
            posting = self.postings.get(term)
            if posting is None:
                continue
            rows, tf = posting
            result[rows] += self.idf[term] * tf * (self.k1 + 1) / (tf + self.length_norm[rows])
        return result
