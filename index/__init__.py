"""Corpus -> searchable index: cleaning, chunking, embedding, FAISS + BM25. Knows nothing of HTTP or Slack."""
