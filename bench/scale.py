"""Benchmark: the index at scale. A synthetic corpus of N passages (default 20,000: the chapter's sentences
recombined into Markdown documents) is built, then measured: build time, index size on disk, peak memory, and
query latency with the flat and the HNSW FAISS index (FAISS alone, and the whole hybrid retrieval).

Vectors: by default NOT the real model. Embedding 20,000 passages and their ~60,000 sentences with
EmbeddingGemma on a shared 2-core CPU takes hours, so a text's vector is the normalised sum of random unit
vectors (768 dimensions, the real model's) seeded by its sentences: passages sharing sentences are near each
other, as real embeddings of overlapping text are. Everything else is real (cleaning, chunking, fugashi tokens for
BM25, FAISS, files on disk); the embedding time is reported separately so the real model's can be added
(measured: see README). HNSW recall@10 is measured against the exact flat search, on queries that are noisy
copies of passage vectors, at several efSearch values. `--real-model` embeds with the real model instead (use it
with --passages 1000 or so).
Prints figures; asserts nothing.
    .venv/bin/python bench/scale.py [--passages 20000] [--queries 200] [--real-model]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DIMENSION = 768
PASSAGES_PER_DOCUMENT = 100


class RandomEmbedder:
    """Sums of random unit vectors seeded by a text's sentences: the real model's shape, cost-free, and with
    neighbourhoods (labelled as not the model in the output)."""

    model_id = "random-sentence-vectors-768"
    fingerprint = "bench-v2"
    dtype = "float32"  # the Embedder protocol: the precision an index records

    def __init__(self) -> None:
        self.seconds = 0.0
        self.cache: dict[str, np.ndarray] = {}

    def _sentence_vector(self, sentence: str) -> np.ndarray:
        vector = self.cache.get(sentence)
        if vector is None:
            seed = int.from_bytes(hashlib.blake2b(sentence.encode(), digest_size=8).digest(), "little")
            vector = np.random.default_rng(seed).standard_normal(DIMENSION).astype(np.float32)
            self.cache[sentence] = vector
        return vector

    def _vectors(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        out = np.empty((len(texts), DIMENSION), dtype=np.float32)
        for row, text in enumerate(texts):
            sentences = [piece for piece in text.replace("\n", "").split("。") if piece] or [text]
            vector = np.sum([self._sentence_vector(piece) for piece in sentences], axis=0)
            out[row] = vector / max(float(np.linalg.norm(vector)), 1e-9)
        self.seconds += time.perf_counter() - started
        return out

    def embed_query_vectors(self, texts: list[str]) -> np.ndarray:
        return self._vectors(texts)

    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self._vectors(texts)


def chapter_sentences() -> list[str]:
    from index.chunk import split_sentences
    from index.corpus import load_corpus
    from service.config import PROJECT_ROOT

    sentences = []
    for source in load_corpus(PROJECT_ROOT / "corpus"):
        cleaned = source.clean()
        for block in cleaned.blocks:
            if block.kind == "paragraph":
                sentences += [block.text[s.start - block.start:s.end - block.start]
                              for s in split_sentences(block.text, block.start)]
    return [s for s in dict.fromkeys(sentences) if 20 <= len(s) <= 200]


def write_corpus(folder: Path, passages: int, seed: int = 7) -> None:
    """Documents of PASSAGES_PER_DOCUMENT sections, each one paragraph of recombined sentences (one passage)."""
    rng = random.Random(seed)
    sentences = chapter_sentences()
    folder.mkdir(parents=True, exist_ok=True)
    for document in range((passages + PASSAGES_PER_DOCUMENT - 1) // PASSAGES_PER_DOCUMENT):
        lines = [f"---\nyear: {2000 + document % 25}\n---\n", f"# 合成文書 {document}\n"]
        for section in range(min(PASSAGES_PER_DOCUMENT, passages - document * PASSAGES_PER_DOCUMENT)):
            paragraph = ""
            while len(paragraph) < 150:
                paragraph += rng.choice(sentences)
            lines.append(f"## {section + 1} 節\n\n{paragraph}\n")
        (folder / f"synthetic-{document:04d}.md").write_text("\n".join(lines), encoding="utf-8")


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_embedder(real: bool):  # type: ignore[no-untyped-def]
    if not real:
        return RandomEmbedder()
    from service.config import get_settings
    from service.loading import load_embedder

    return load_embedder(get_settings())


def phase_build(corpus: Path, index_dir: Path, index_type: str, real: bool) -> dict:
    from index.build import build_index
    from index.chunk import ChunkingParams

    embedder = make_embedder(real)
    started = time.perf_counter()
    # HNSW is built from the flat index's stored vectors (an index type change re-embeds nothing).
    manifest, _ = build_index(corpus, index_dir, embedder, ChunkingParams(), index_type=index_type,
                              force=index_type == "flat")
    seconds = time.perf_counter() - started
    return {"build_s": round(seconds, 1), "passages": manifest.passages,
            "embedding_s": round(getattr(embedder, "seconds", float("nan")), 1),
            "index_mb": round(folder_size(index_dir) / 2**20, 1),
            "faiss_mb": round((index_dir / "dense.faiss").stat().st_size / 2**20, 1),
            "peak_rss_mb": round(peak_rss_mb())}


def phase_rebuild_one(corpus: Path, index_dir: Path, index_type: str, real: bool) -> dict:
    from index.build import build_index
    from index.chunk import ChunkingParams

    changed = sorted(corpus.glob("*.md"))[0]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n## 追加\n\n日本は対話を続けた。\n", encoding="utf-8")
    embedder = make_embedder(real)
    started = time.perf_counter()
    manifest, _ = build_index(corpus, index_dir, embedder, ChunkingParams(), index_type=index_type)
    return {"incremental_s": round(time.perf_counter() - started, 1), "last_build": {
        key: len(value) for key, value in manifest.extra["last_build"].items()}, "peak_rss_mb": round(peak_rss_mb())}


def phase_query(index_dir: Path, queries: int, real: bool) -> dict:
    from index.retrieve import HybridRetriever
    from index.store import load_index

    embedder = make_embedder(real)
    started = time.perf_counter()
    index = load_index(index_dir, embedding_model=embedder.model_id, embedding_fingerprint=embedder.fingerprint)
    load_s = time.perf_counter() - started
    rng = np.random.default_rng(3)
    vectors = index.dense.reconstruct_n(0, index.dense.ntotal)
    rows = rng.choice(len(vectors), size=queries, replace=False)
    noisy = vectors[rows] + rng.standard_normal(vectors[rows].shape).astype(np.float32) * 0.02
    noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
    import faiss

    dense_ms, found = [], []
    for query in noisy:
        t = time.perf_counter()
        _, ids = index.dense.search(query[None, :], 10)
        dense_ms.append((time.perf_counter() - t) * 1000)
        found.append(ids[0].tolist())
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    truth = exact.search(noisy, 10)[1]
    sweep = {}
    if isinstance(index.dense, faiss.IndexHNSW):
        for ef in (16, 64, 128):
            index.dense.hnsw.efSearch = ef
            t = time.perf_counter()
            approximate = [index.dense.search(query[None, :], 10)[1][0] for query in noisy]
            per_query = (time.perf_counter() - t) * 1000 / len(noisy)
            recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approximate, truth, strict=True)])
            sweep[ef] = (round(float(recall), 3), round(per_query, 2))
    retriever = HybridRetriever(index, embedder)
    texts = [index.passages[row].text[:60] for row in rows]
    hybrid_ms = []
    for text, query in zip(texts, noisy, strict=True):
        t = time.perf_counter()
        retriever.search(text, 10, language="ja", query_vector=query)
        hybrid_ms.append((time.perf_counter() - t) * 1000)
    return {"load_s": round(load_s, 1), "faiss_p50_ms": round(statistics.median(dense_ms), 2),
            "faiss_p95_ms": round(float(np.percentile(dense_ms, 95)), 2),
            "hybrid_p50_ms": round(statistics.median(hybrid_ms), 1),
            "hybrid_p95_ms": round(float(np.percentile(hybrid_ms, 95)), 1), "ef_search": sweep,
            "peak_rss_mb": round(peak_rss_mb())}


def run_phase(*args: str) -> dict:
    """Each phase in its own process, so its peak memory is its own."""
    result = subprocess.run([sys.executable, __file__, "--phase", *args], capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--real-model", action="store_true")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        name, *rest = args.phase
        real = rest[-1] == "real"
        if name == "build":
            print(json.dumps(phase_build(Path(rest[0]), Path(rest[1]), rest[2], real)))
        elif name == "rebuild-one":
            print(json.dumps(phase_rebuild_one(Path(rest[0]), Path(rest[1]), rest[2], real)))
        else:
            print(json.dumps(phase_query(Path(rest[0]), int(rest[1]), real)))
        return

    model = "real" if args.real_model else "random"
    label = "EmbeddingGemma" if args.real_model else "RANDOM sentence-seeded vectors, not the model (see the docstring)"
    root = Path(tempfile.mkdtemp(prefix="bluebook-scale-"))
    try:
        corpus = root / "corpus"
        write_corpus(corpus, args.passages)
        print(f"corpus: {len(list(corpus.glob('*.md')))} Markdown documents, ~{args.passages} passages; "
              f"vectors: {label}")
        results = {}
        index_dir = root / "index"
        for index_type in ("flat", "hnsw"):
            build = run_phase("build", str(corpus), str(index_dir), index_type, model)
            query = run_phase("query", str(index_dir), str(args.queries), model)
            results[index_type] = (build, query)
            what = "full build" if index_type == "flat" else "from the stored vectors"
            print(f"{index_type:>4}: {build['passages']} passages; {what} {build['build_s']} s (embedding "
                  f"{build['embedding_s']} s of it); index {build['index_mb']} MB on disk (FAISS {build['faiss_mb']} "
                  f"MB); build peak RSS {build['peak_rss_mb']} MB; load {query['load_s']} s; FAISS top-10 "
                  f"p50 {query['faiss_p50_ms']} ms p95 {query['faiss_p95_ms']} ms; hybrid retrieval p50 "
                  f"{query['hybrid_p50_ms']} ms p95 {query['hybrid_p95_ms']} ms; query peak RSS "
                  f"{query['peak_rss_mb']} MB")
        for ef, (recall, per_query) in results["hnsw"][1]["ef_search"].items():
            print(f"HNSW efSearch {ef}: recall@10 against flat {recall}, {per_query} ms a query")
        rebuild = run_phase("rebuild-one", str(corpus), str(index_dir), "hnsw", model)
        full = results["flat"][0]["build_s"]  # (the incremental one rebuilds the HNSW graph too)
        print(f"one document changed: incremental build {rebuild['incremental_s']} s vs full {full} s "
              f"({rebuild['incremental_s'] / full:.0%}); {rebuild['last_build']}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
