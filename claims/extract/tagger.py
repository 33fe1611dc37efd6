"""The tagger both stages use: feature embeddings -> 2-layer BiLSTM -> tag scores -> BIO decoding.

Word vectors come from the bundled stanza pretrain (frozen, not saved again); every other
embedding is learned. Decoding is Viterbi over the tag log-probabilities with the one BIO
constraint (an ``I-X`` only after ``B-X`` or ``I-X``), so every span has a clean start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import nn

from claims.extract.features import CATEGORIES, SENTENCE_OFFSETS
from claims.nlp import PRETRAIN_NAME, bundled_model_dir
from claims.sequence import transition_mask, viterbi

# Feature -> (number of ids including the 0 padding id, embedding size). "word" and "lemma" are sized
# at construction from the vocabularies.
FEATURE_DIMS = {
    "upos": (len(CATEGORIES["upos"]) + 1, 16),
    "deprel": (len(CATEGORIES["deprel"]) + 1, 16),
    "shape": (len(CATEGORIES["shape"]) + 1, 8),
    "rule": (len(CATEGORIES["rule"]) + 1, 8),
    "quoted": (3, 4),
    "lexicon": (3, 4),
}
ROLE_FEATURE_DIMS = {
    "relation": (len(CATEGORIES["relation"]) + 1, 24),
    "offset": (len(SENTENCE_OFFSETS) + 1, 4),
    "cue": (3, 8),
}
LEMMA_DIM = 32


class Tagger(nn.Module):
    def __init__(self, tag_names: list[str], n_lemmas: int, pretrain: torch.Tensor, with_roles: bool,
                 hidden: int = 128, dropout: float = 0.3, context_dim: int = 0, context_proj: int = 128) -> None:
        super().__init__()
        self.tag_names = list(tag_names)
        self.config = {"tag_names": self.tag_names, "n_lemmas": n_lemmas, "with_roles": with_roles,
                       "hidden": hidden, "dropout": dropout, "context_dim": context_dim, "context_proj": context_proj}
        # Word vectors in context (claims.encoder), projected down before the BiLSTM.
        self.context_dim = context_dim
        self.context = nn.Linear(context_dim, context_proj) if context_dim else None
        self.word = nn.Embedding.from_pretrained(pretrain.float(), freeze=True, padding_idx=0)
        dims = dict(FEATURE_DIMS, **(ROLE_FEATURE_DIMS if with_roles else {}))
        dims["lemma"] = (n_lemmas + 1, LEMMA_DIM)
        self.feature_names = sorted(dims)
        self.embeddings = nn.ModuleDict({name: nn.Embedding(size, dim, padding_idx=0) for name, (size, dim) in dims.items()})
        width = pretrain.shape[1] + sum(dim for _, dim in dims.values()) + (context_proj if context_dim else 0)
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(width, hidden, num_layers=2, bidirectional=True, batch_first=True, dropout=dropout)
        self.out = nn.Linear(2 * hidden, len(tag_names))
        self.register_buffer("allowed", transition_mask(self.tag_names), persistent=False)

    def forward(self, batch: dict[str, torch.Tensor], lengths: torch.Tensor) -> torch.Tensor:
        """Tag scores [batch, time, tags] for padded feature ids [batch, time]."""
        parts = [self.word(batch["word"])] + [self.embeddings[n](batch[n]) for n in self.feature_names]
        if self.context is not None:
            parts.append(self.context(batch["context"]))
        x = self.dropout(torch.cat(parts, dim=-1))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
        return self.out(self.dropout(h))

    def save_state(self) -> dict[str, Any]:
        """Weights in fp16 without the frozen word vectors (they ship once, in the stanza pretrain)."""
        state = {k: v.half() if v.dtype == torch.float32 else v for k, v in self.state_dict().items() if not k.startswith("word.")}
        return {"config": self.config, "state": state}

    @classmethod
    def from_state(cls, saved: dict[str, Any], pretrain: torch.Tensor) -> Tagger:
        config = dict(saved["config"])
        model = cls(config.pop("tag_names"), config.pop("n_lemmas"), pretrain, **config)
        state = {k: v.float() if v.dtype == torch.float16 else v for k, v in saved["state"].items()}
        state["word.weight"] = model.word.weight
        model.load_state_dict(state)
        model.eval()
        return model


class TaggerAverage(nn.Module):
    """Taggers trained alike (same tags and features, one lemma vocabulary), read as one: the mean
    of their tag log-probabilities, which decoding renormalizes. Taggers trained from different
    random starts err in different places, so their average errs less than any one of them."""

    def __init__(self, members: list[Tagger]) -> None:
        super().__init__()
        first = members[0]
        for other in members[1:]:
            if (other.tag_names, other.feature_names, other.context_dim) != (first.tag_names, first.feature_names,
                                                                               first.context_dim):
                raise ValueError("taggers to average must have the same tags, features and context width")
        self.members = nn.ModuleList(members)
        self.tag_names = first.tag_names
        self.feature_names = first.feature_names
        self.context_dim = first.context_dim
        self.context = first.context  # read by input_names and the callers: whether context vectors are needed
        self.register_buffer("allowed", transition_mask(self.tag_names), persistent=False)

    def forward(self, batch: dict[str, torch.Tensor], lengths: torch.Tensor) -> torch.Tensor:
        return torch.stack([torch.log_softmax(m(batch, lengths), dim=-1) for m in self.members]).mean(dim=0)


def load_tagger(saved: dict[str, Any] | list[dict[str, Any]], pretrain: torch.Tensor) -> Tagger | TaggerAverage:
    """One saved tagger, or the average of several (a list of saved states)."""
    if isinstance(saved, dict):
        return Tagger.from_state(saved, pretrain)
    members = [Tagger.from_state(state, pretrain) for state in saved]
    return members[0] if len(members) == 1 else TaggerAverage(members).eval()


def pad(examples: list[dict[str, Any]], names: list[str]) -> tuple[dict[str, torch.Tensor], torch.Tensor]:
    """Feature id lists -> padded LongTensors [batch, time] and the lengths; a "context" feature
    (a float tensor [time, width] per example) -> a zero-padded float tensor [batch, time, width]."""
    lengths = torch.tensor([len(e["word"]) for e in examples])
    width = int(lengths.max())
    batch = {}
    for name in names:
        if name == "context":
            batch[name] = nn.utils.rnn.pad_sequence([e[name].float() for e in examples], batch_first=True)
            continue
        rows = [e[name] + [0] * (width - len(e[name])) for e in examples]
        batch[name] = torch.tensor(rows, dtype=torch.long)
    return batch, lengths


def spans_from_tags(tags: list[str]) -> list[tuple[str, int, int]]:
    """BIO tag names -> (role, first, last+1) word ranges."""
    spans: list[tuple[str, int, int]] = []
    for i, tag in enumerate(tags):
        if tag.startswith("B-"):
            spans.append((tag[2:], i, i + 1))
        elif tag.startswith("I-") and spans and spans[-1][0] == tag[2:] and spans[-1][2] == i:
            role, first, _ = spans[-1]
            spans[-1] = (role, first, i + 1)
    return spans


def load_pretrain(model_dir: Path | None = None) -> tuple[dict[str, int], torch.Tensor]:
    """The stanza pretrain's word -> row map and vectors (the bundled model's unless model_dir is given)."""
    saved = torch.load((model_dir or bundled_model_dir()) / PRETRAIN_NAME, map_location="cpu", weights_only=False)
    return dict(saved["vocab"]["_unit2id"]), saved["emb"]


def input_names(model: Tagger | TaggerAverage) -> list[str]:
    return ["word", *model.feature_names, *(["context"] if model.context is not None else [])]


def decode(model: Tagger | TaggerAverage, feature_lists: list[dict[str, Any]]) -> list[tuple[list[int], list[float]]]:
    """Decoded tag ids and each word's probability of its decoded tag, per example."""
    names = input_names(model)
    results = []
    with torch.no_grad():
        for first in range(0, len(feature_lists), 64):
            chunk = feature_lists[first : first + 64]
            batch, lengths = pad(chunk, names)
            log_probs = torch.log_softmax(model(batch, lengths), dim=-1)
            for row, length in zip(log_probs, lengths.tolist()):
                path = viterbi(row[:length], model.allowed)
                probs = row[torch.arange(length), torch.tensor(path)].exp().tolist()
                results.append((path, probs))
    return results
