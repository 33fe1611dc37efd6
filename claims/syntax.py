"""Part-of-speech tags, dependency trees and named entities read off the context encoder's vectors.

stanza's own tagger, parser and NER tagger each run a character model and three-layer BiLSTMs
over every sentence: together they were 56 % of an ingest's time. The context encoder
(claims.encoder) already reads every sentence for the attribution taggers, so these three
annotations are heads on its word vectors instead: one small BiLSTM over [encoder vector, stanza
pretrain word vector, word shape], then

- UPOS: a linear layer (Viterbi-free, one tag per word);
- the tree: a biaffine arc scorer (dependent x head, the root a learned vector), decoded into the
  best tree with one root (claims.mst.one_root_tree), and a biaffine relation classifier on each
  word's chosen head;
- NER: BIO tags under the BIO constraint (claims.sequence.viterbi), per word.

The encoder stays frozen for these heads (it is the attribution taggers' fine-tuned encoder), so
one pass of it serves both. Trained by ``python -m claims.training.syntax``; shipped as
``claims/data/model/en_claims_syntax.pt``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from claims.mst import one_root_tree
from claims.sequence import transition_mask, viterbi
from claims.word_shapes import SHAPES, shape_id

SYNTAX_FILE = "en_claims_syntax.pt"


@dataclass
class SentenceSyntax:
    """What the heads say about one sentence's words."""

    upos: list[str]
    heads: list[int]  # 1-based; 0 is the root
    deprels: list[str]
    ner: list[str]  # BIO over the entity labels


class Biaffine(nn.Module):
    """scores[b, i, j, o] = [x_i; 1] W_o [y_j; 1]: ``outputs`` scores for each pair of rows."""

    def __init__(self, left: int, right: int, outputs: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(outputs, left + 1, right + 1))

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        x = torch.cat([x, x.new_ones(*x.shape[:-1], 1)], dim=-1)
        y = torch.cat([y, y.new_ones(*y.shape[:-1], 1)], dim=-1)
        return torch.einsum("bip,opq,bjq->bijo", x, self.weight, y)


class SyntaxModel(nn.Module):
    def __init__(self, upos: list[str], deprels: list[str], ner_tags: list[str], pretrain: torch.Tensor,
                 context_dim: int = 384, hidden: int = 200, layers: int = 2, arc_dim: int = 256,
                 label_dim: int = 64, shape_dim: int = 16, dropout: float = 0.3) -> None:
        super().__init__()
        self.upos, self.deprels, self.ner_tags = list(upos), list(deprels), list(ner_tags)
        self.config = {"upos": self.upos, "deprels": self.deprels, "ner_tags": self.ner_tags,
                       "context_dim": context_dim, "hidden": hidden, "layers": layers, "arc_dim": arc_dim,
                       "label_dim": label_dim, "shape_dim": shape_dim, "dropout": dropout}
        self.word = nn.Embedding.from_pretrained(pretrain.float(), freeze=True, padding_idx=0)
        self.shape = nn.Embedding(len(SHAPES) + 1, shape_dim, padding_idx=0)
        self.dropout = nn.Dropout(dropout)
        self.lstm = nn.LSTM(context_dim + pretrain.shape[1] + shape_dim, hidden, num_layers=layers,
                            bidirectional=True, batch_first=True, dropout=dropout if layers > 1 else 0.0)
        width = 2 * hidden
        self.root = nn.Parameter(torch.zeros(width))
        self.upos_out = nn.Linear(width, len(self.upos))
        self.ner_out = nn.Linear(width, len(self.ner_tags))
        self.arc_dependent = nn.Sequential(nn.Linear(width, arc_dim), nn.LeakyReLU(0.1))
        self.arc_head = nn.Sequential(nn.Linear(width, arc_dim), nn.LeakyReLU(0.1))
        self.label_dependent = nn.Sequential(nn.Linear(width, label_dim), nn.LeakyReLU(0.1))
        self.label_head = nn.Sequential(nn.Linear(width, label_dim), nn.LeakyReLU(0.1))
        self.arc = Biaffine(arc_dim, arc_dim, 1)
        self.label = nn.Bilinear(label_dim, label_dim, len(self.deprels))
        self.label_linear = nn.Linear(2 * label_dim, len(self.deprels))
        self.register_buffer("ner_allowed", transition_mask(self.ner_tags), persistent=False)

    def states(self, context: torch.Tensor, words: torch.Tensor, shapes: torch.Tensor,
               lengths: torch.Tensor) -> torch.Tensor:
        """BiLSTM states [batch, 1 + time, width], the root's vector first."""
        x = self.dropout(torch.cat([context, self.word(words), self.shape(shapes)], dim=-1))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        h, _ = self.lstm(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
        root = self.root.expand(h.shape[0], 1, -1)
        return self.dropout(torch.cat([root, h], dim=1))

    def arc_scores(self, states: torch.Tensor) -> torch.Tensor:
        """[batch, time, 1 + time]: row d scores every head h (0 = root) of word d + 1."""
        return self.arc(self.arc_dependent(states[:, 1:]), self.arc_head(states)).squeeze(-1)

    def label_scores(self, states: torch.Tensor, heads: torch.Tensor) -> torch.Tensor:
        """[batch, time, relations] for each word with the given heads [batch, time] (0 = root)."""
        dependent = self.label_dependent(states[:, 1:])
        chosen = torch.gather(states, 1, heads.unsqueeze(-1).expand(-1, -1, states.shape[-1]))
        head = self.label_head(chosen)
        return self.label(dependent.contiguous(), head.contiguous()) + self.label_linear(torch.cat([dependent, head], -1))

    def save_state(self) -> dict[str, Any]:
        """Weights in fp16, without the frozen word vectors (they ship once, in the stanza pretrain)."""
        state = {k: v.half() if v.dtype == torch.float32 else v for k, v in self.state_dict().items()
                 if not k.startswith("word.")}
        return {"config": self.config, "state": state}

    @classmethod
    def from_state(cls, saved: dict[str, Any], pretrain: torch.Tensor) -> SyntaxModel:
        config = dict(saved["config"])
        model = cls(config.pop("upos"), config.pop("deprels"), config.pop("ner_tags"), pretrain, **config)
        state = {k: v.float() if v.dtype == torch.float16 else v for k, v in saved["state"].items()}
        state["word.weight"] = model.word.weight
        model.load_state_dict(state)
        return model.eval()


def inputs(forms: list[list[str]], word_ids: Any) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Padded word-vector ids and shape ids [batch, time], and the lengths, for word forms."""
    lengths = torch.tensor([len(sentence) for sentence in forms])
    width = int(lengths.max()) if len(forms) else 0
    words = torch.zeros(len(forms), width, dtype=torch.long)
    shapes = torch.zeros(len(forms), width, dtype=torch.long)
    for row, sentence in enumerate(forms):
        words[row, : len(sentence)] = torch.tensor([word_ids(form) for form in sentence], dtype=torch.long)
        shapes[row, : len(sentence)] = torch.tensor([shape_id(form) for form in sentence], dtype=torch.long)
    return words, shapes, lengths


def predict(model: SyntaxModel, forms: list[list[str]], vectors: list[torch.Tensor], word_ids: Any,
            batch_size: int = 64) -> list[SentenceSyntax]:
    """Tags, trees and entities for sentences (word forms and their encoder vectors, same order),
    run in batches of sentences of similar length."""
    order = sorted(range(len(forms)), key=lambda n: (len(forms[n]), n))
    results: list[SentenceSyntax | None] = [None] * len(forms)
    for first in range(0, len(order), batch_size):
        chunk = order[first : first + batch_size]
        for n, syntax in zip(chunk, predict_batch(model, [forms[n] for n in chunk], [vectors[n] for n in chunk], word_ids)):
            results[n] = syntax
    return [syntax for syntax in results if syntax is not None]


def predict_batch(model: SyntaxModel, chunk: list[list[str]], vectors: list[torch.Tensor],
                  word_ids: Any) -> list[SentenceSyntax]:
    """predict for one padded batch."""
    with torch.inference_mode():
        words, shapes, lengths = inputs(chunk, word_ids)
        context = nn.utils.rnn.pad_sequence([v.float() for v in vectors], batch_first=True)
        states = model.states(context, words, shapes, lengths)
        upos = model.upos_out(states[:, 1:]).argmax(-1)
        ner = torch.log_softmax(model.ner_out(states[:, 1:]), dim=-1)
        arcs = torch.log_softmax(masked_arcs(model.arc_scores(states), lengths), dim=-1).numpy()
        heads = torch.zeros(words.shape, dtype=torch.long)
        for row, length in enumerate(lengths.tolist()):
            scores = np.full((length + 1, length + 1), -np.inf)
            scores[1:, :] = arcs[row, :length, : length + 1]
            heads[row, :length] = torch.from_numpy(one_root_tree(scores)[1:].astype(np.int64))
        labels = model.label_scores(states, heads).argmax(-1)
    results = []
    for row, length in enumerate(lengths.tolist()):
        row_heads = heads[row, :length].tolist()
        # the root's relation is "root", and only the root's
        deprels = ["root" if head == 0 else (model.deprels[label] if model.deprels[label] != "root" else "dep")
                   for head, label in zip(row_heads, labels[row, :length].tolist())]
        results.append(SentenceSyntax(
            upos=[model.upos[i] for i in upos[row, :length].tolist()],
            heads=row_heads,
            deprels=deprels,
            ner=[model.ner_tags[i] for i in viterbi(ner[row, :length], model.ner_allowed)],
        ))
    return results


def masked_arcs(scores: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
    """Arc scores with padded heads and each word heading itself ruled out."""
    batch, time, heads = scores.shape
    positions = torch.arange(heads)
    padded = positions[None, None, :] > lengths[:, None, None]
    itself = positions[None, None, :] == (torch.arange(time) + 1)[None, :, None]
    return scores.masked_fill(padded | itself, float("-inf"))


def to_bioes(tags: list[str]) -> list[str]:
    """BIO tags -> BIOES (what stanza's entity builder reads); an I- with no open entity starts one."""
    out = []
    for i, tag in enumerate(tags):
        if tag == "O":
            out.append("O")
            continue
        label = tag[2:]
        begins = tag.startswith("B-") or i == 0 or tags[i - 1] == "O" or tags[i - 1][2:] != label
        following = tags[i + 1] if i + 1 < len(tags) else "O"
        continues = following.startswith("I-") and following[2:] == label
        out.append(("B-" if continues else "S-") if begins else ("I-" if continues else "E-"))
        out[-1] += label
    return out


class SyntaxAnnotator:
    """The heads with the encoder and word vectors they read; fills in stanza documents."""

    def __init__(self, model: SyntaxModel, encoder: Any, pretrain_vocab: dict[str, int]) -> None:
        self.model = model
        self.encoder = encoder
        self.pretrain_vocab = pretrain_vocab

    @classmethod
    def load(cls, path: Any, pretrain_path: Any, encoder_path: Any) -> SyntaxAnnotator:
        from claims.encoder import load_encoder

        saved = torch.load(path, map_location="cpu", weights_only=False)
        pretrain = torch.load(pretrain_path, map_location="cpu", weights_only=False)
        encoder = load_encoder(encoder_path)
        if encoder.version != saved["encoder"]:
            raise ValueError(f"{path} was trained on the vectors of the encoder {saved['encoder']!r}, "
                             f"but {encoder_path} holds {encoder.version!r}")
        return cls(SyntaxModel.from_state(saved, pretrain["emb"]), encoder, dict(pretrain["vocab"]["_unit2id"]))

    def word_id(self, form: str) -> int:
        return self.pretrain_vocab.get(form) or self.pretrain_vocab.get(form.lower()) or 1

    def annotate(self, documents: list[Any]) -> list[list[torch.Tensor]]:
        """Set UPOS, heads, relations and entities on every word of tokenized (and MWT-split) stanza
        documents; returns each document's sentences' encoder vectors, for the attribution taggers."""
        sentences = [sentence for document in documents for sentence in document.sentences]
        forms = [[word.text for word in sentence.words] for sentence in sentences]
        vectors = self.encoder.encode(forms)
        for sentence, syntax in zip(sentences, predict(self.model, forms, vectors, self.word_id)):
            for word, upos, head, deprel in zip(sentence.words, syntax.upos, syntax.heads, syntax.deprels):
                word.upos, word.head, word.deprel = upos, head, deprel
            token_tags, position = [], 0
            for token in sentence.tokens:
                tags = syntax.ner[position : position + len(token.words)]
                position += len(token.words)
                token_tags.append(next((t for t in tags if t != "O"), "O"))
            for token, tag in zip(sentence.tokens, to_bioes(token_tags)):
                token.ner = tag
        for document in documents:
            document.build_ents()
        out, position = [], 0
        for document in documents:
            out.append(vectors[position : position + len(document.sentences)])
            position += len(document.sentences)
        return out
