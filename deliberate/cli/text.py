"""Text commands: `deliberate models list|pull`, `deliberate duplicates`, `deliberate themes`."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import click

from deliberate.cli._common import settings_from_context
from deliberate.config import Settings
from deliberate.errors import InvalidInput, Unavailable
from deliberate.text.cache import FileEmbeddingCache, MemoryEmbeddingCache, embed_cached, text_key
from deliberate.text.clusters import duplicate_clusters
from deliberate.text.duplicates import find_duplicate_pairs
from deliberate.text.embedders import Embedder, FloatMatrix
from deliberate.text.registry import (
    ModelWarning,
    available_cards,
    find_local_model,
    pull_model,
    resolve_embedder,
)
from deliberate.text.themes import extract_themes

__all__ = [
    "duplicates",
    "list_models",
    "models",
    "pull",
    "themes",
]


def _read_statements(path: Path) -> tuple[list[int], list[str]]:
    """Line numbers (0-based) and texts of the non-empty lines of ``path``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{path.name} is not UTF-8 text") from error
    kept = [(number, line.strip()) for number, line in enumerate(lines) if line.strip()]
    return [number for number, _ in kept], [text for _, text in kept]


def _embedder(settings: Settings) -> Embedder:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ModelWarning)
        embedder = resolve_embedder(settings)
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    return embedder


def _embeddings(
    settings: Settings, embedder: Embedder, texts: list[str], cache: bool
) -> FloatMatrix:
    ids = [text_key(text) for text in texts]
    if cache:
        try:
            store = FileEmbeddingCache(Path(settings.models_dir) / "store" / "embeddings.sqlite")
            return embed_cached(embedder, store, ids, texts)
        except Unavailable as error:
            click.echo(f"warning: {error.message}; continuing without a cache", err=True)
    return embed_cached(embedder, MemoryEmbeddingCache(), ids, texts)


@click.group()
def models() -> None:
    """Embedding models: what is on this machine, and downloading new ones."""


@models.command("list")
@click.pass_context
def list_models(ctx: click.Context) -> None:
    """Show the model cards, which models are on this machine, and the active one."""
    settings = settings_from_context(ctx)
    embedder = _embedder(settings)
    rows = [("name", "languages", "dim", "licence", "on this machine", "active")]
    for card in available_cards(settings):
        present = find_local_model(settings, card) is not None
        active = card.repo == embedder.model_id or embedder.model_id.startswith(card.name)
        languages = ", ".join(card.languages) if len(card.languages) <= 4 else "multilingual"
        rows.append(
            (
                card.name,
                languages,
                str(card.dimension),
                card.licence,
                "yes" if present else "no",
                "*" if active else "",
            )
        )
    # Plain aligned columns: a name is what DELIBERATE_EMBEDDING_MODEL takes, so it is never
    # cut to the terminal's width (a rich table shortened it to "use-multilin…").
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
    click.echo(f"active embedder: {embedder.model_id}")


@models.command("pull")
@click.argument("name")
@click.pass_context
def pull(ctx: click.Context, name: str) -> None:
    """Download model NAME into the local model store (needs DELIBERATE_ALLOW_MODEL_DOWNLOAD=1)."""
    target = pull_model(settings_from_context(ctx), name)
    click.echo(f"downloaded {name} to {target}")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list of {a, b, score}.")
@click.option("--threshold", type=float, default=None, help="Override the calibrated threshold.")
@click.option("--clusters", is_flag=True, help="Group the pairs into clusters to merge.")
@click.option("--cache/--no-cache", default=True, help="Keep embeddings in the model store.")
@click.pass_context
def duplicates(
    ctx: click.Context,
    file: Path,
    as_json: bool,
    threshold: float | None,
    clusters: bool,
    cache: bool,
) -> None:
    """Find near-duplicate statements in FILE (one statement per line; 0-based line numbers)."""
    settings = settings_from_context(ctx)
    numbers, texts = _read_statements(file)
    embedder = _embedder(settings)
    vectors = _embeddings(settings, embedder, texts, cache)
    if clusters:
        found = duplicate_clusters(
            [str(n) for n in numbers], texts, embedder, threshold=threshold, embeddings=vectors
        )
        if as_json:
            rows = [
                {
                    "lines": [int(i) for i in c.statement_ids],
                    "keep": int(c.representative_id),
                    "score": c.mean_score,
                }
                for c in found
            ]
            click.echo(json.dumps(rows))
            return
        for cluster in found:
            merged = ", ".join(cluster.statement_ids[1:])
            click.echo(
                f"keep line {cluster.representative_id}, merge lines {merged} "
                f"(mean score {cluster.mean_score:.2f})"
            )
        return
    pairs = find_duplicate_pairs(texts, embedder, threshold=threshold, embeddings=vectors)
    result = [{"a": numbers[i], "b": numbers[j], "score": score} for i, j, score in pairs]
    if as_json:
        click.echo(json.dumps(result))
        return
    for item in result:
        click.echo(f"{item['a']}\t{item['b']}\t{item['score']:.3f}")
    click.echo(f"{len(result)} near-duplicate pairs among {len(texts)} statements", err=True)


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--count", "n_themes", type=int, default=None, help="Number of themes (default: auto)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the themes as JSON.")
@click.option("--seed", type=int, default=None, help="Random seed (default: DELIBERATE_SEED).")
@click.pass_context
def themes(
    ctx: click.Context, file: Path, n_themes: int | None, as_json: bool, seed: int | None
) -> None:
    """Group the statements in FILE (one per line) into labelled themes."""
    settings = settings_from_context(ctx)
    numbers, texts = _read_statements(file)
    embedder = _embedder(settings)
    vectors = _embeddings(settings, embedder, texts, cache=True)
    found = extract_themes(
        [str(n) for n in numbers],
        texts,
        n_themes=n_themes,
        embeddings=vectors,
        random_state=settings.seed if seed is None else seed,
    )
    if as_json:
        rows = [
            {
                "label": t.label,
                "keywords": list(t.keywords),
                "lines": [int(i) for i in t.statement_ids],
            }
            for t in found
        ]
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    if not found:
        click.echo("no themes: no label describes most of its statements")
    for theme in found:
        click.echo(f"{theme.label} ({len(theme.statement_ids)} statements)")
        for statement_id in theme.statement_ids[:3]:
            click.echo(f"  - {texts[numbers.index(int(statement_id))]}")
