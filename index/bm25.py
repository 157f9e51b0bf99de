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

    @property
    def vocabulary(self) -> set[str]:
        return set(self.idf)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of each passage, in index order."""
        result = np.zeros(len(self.term_counts), dtype=np.float64)
        if not self.term_counts:
            return result
        norm = self.k1 * (1 - self.b + self.b * self.lengths / max(self.average_length, 1e-9))
        for term in set(query_tokens):
            idf = self.idf.get(term)
            if idf is None:
                continue
            tf = np.array([counts.get(term, 0) for counts in self.term_counts], dtype=np.float64)
            result += idf * tf * (self.k1 + 1) / (tf + norm)
        return result
