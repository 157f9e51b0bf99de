# bluebook-qa: the same install steps as the Makefile (torch pinned first, then the project), model and
# index baked in at build time so the container starts offline.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
    BLUEBOOK_MODELS_DIR=/app/models BLUEBOOK_INDEX_DIR=/app/var/index BLUEBOOK_DATA_DIR=/app/var/data
WORKDIR /app

# Dependencies in a cached layer, before the code.
COPY pyproject.toml README.md ./
# Pinned first, as in the Makefile: with no torch installed, an unpinned dependency pulls a CUDA build.
RUN pip install torch==2.13.0
RUN mkdir -p index service && touch index/__init__.py service/__init__.py \
    && pip install -e . && rm -rf index service

COPY index ./index
COPY service ./service
COPY corpus ./corpus
COPY prompts ./prompts
RUN pip install --no-deps -e . \
    && bluebook-qa models \
    && bluebook-qa index

EXPOSE 8000
CMD ["bluebook-qa", "serve", "--host", "0.0.0.0", "--port", "8000"]
