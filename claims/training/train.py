"""Train the attribution taggers on PolNeAR train: ``python -m claims.training.train --data DIR``.

DIR (or the environment variable ``CLAIMS_DATA``) is the data folder holding ``polnear/train``;
``--train-dir`` names a PolNeAR train split directly instead.

Every tenth training article (by sorted name; claims.training.heldout) is held out to pick each
tagger's best epoch; PolNeAR dev is never read here (``claims eval`` measures on it afterwards).
The result is one small file, ``claims/data/attribution/attribution.pt``, loaded by
claims.extract.learned.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from claims.encoder import ContextEncoder
from claims.extract.features import Vocabularies
from claims.extract.learned import ENCODER_FILE, MODEL_FILE
from claims.extract.tagger import Tagger, decode, input_names, load_pretrain, pad, spans_from_tags
from claims.extract.view import ArticleView
from claims.training.corpus import annotated_split
from claims.training.data import add_train_split_options, train_split
from claims.training.examples import CUE_TAGS, ROLE_TAGS, Example, gold_examples
from claims.training.heldout import is_held_out


def log(message: str) -> None:
    print(f"[train {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def lemma_vocabulary(views: list[ArticleView], size: int = 3000, min_count: int = 3) -> dict[str, int]:
    counts = Counter(w.lemma.lower() for v in views for s in v.parsed.sentences for w in s.words)
    common = [lemma for lemma, n in counts.most_common(size) if n >= min_count]
    return {lemma: i + 1 for i, lemma in enumerate(common)}


def batches(examples: list[Example], size: int, shuffle: bool) -> list[list[Example]]:
    """Batches of similar length (less padding); batch order shuffled when training."""
    ordered = sorted(examples, key=lambda e: len(e.tags))
    out = [ordered[i : i + size] for i in range(0, len(ordered), size)]
    if shuffle:
        random.shuffle(out)
    return out


def span_scores(model: Tagger, examples: list[Example]) -> dict[str, float]:
    """Exact span F1 per role over held-out examples."""
    predicted = decode(model, [e.features for e in examples])
    tp, n_pred, n_gold = Counter(), Counter(), Counter()
    for example, (path, _) in zip(examples, predicted):
        gold = set(spans_from_tags([model.tag_names[t] for t in example.tags]))
        pred = set(spans_from_tags([model.tag_names[t] for t in path]))
        for role, *_ in gold:
            n_gold[role] += 1
        for role, *_ in pred:
            n_pred[role] += 1
        for role, *_ in gold & pred:
            tp[role] += 1
    scores = {}
    for role in n_gold:
        p = tp[role] / n_pred[role] if n_pred[role] else 0.0
        r = tp[role] / n_gold[role]
        scores[role] = round(2 * p * r / (p + r), 4) if p + r else 0.0
    return scores


def add_context(views: list[ArticleView], stems: list[str], encoder: ContextEncoder, cache_dir: Path) -> None:
    """Each view's word vectors in context, from the cache or the encoder (cached per article:
    encoding PolNeAR train takes minutes)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    started = time.time()
    for n, (view, stem) in enumerate(zip(views, stems)):
        path = cache_dir / f"{stem}.pt"
        words = [[w.text for w in s.words] for s in view.parsed.sentences]
        if path.exists():
            saved = torch.load(path, weights_only=False)
            if saved["words"] == words:
                view.context = {i: t.float() for i, t in enumerate(saved["context"])}
                continue
        vectors = encoder.encode(words)
        view.context = dict(enumerate(vectors))
        partial = path.with_suffix(f".{os.getpid()}.tmp")  # two trainings at once each write their own
        torch.save({"words": words, "context": [t.half() for t in vectors]}, partial)
        partial.replace(path)
        if n % 50 == 49:
            log(f"context vectors: {n + 1}/{len(views)} articles ({time.time() - started:.0f}s)")


# A batch's loss: (model, padded inputs, lengths, gold tag ids padded with -100) -> scalar tensor.
BatchLoss = Callable[[Tagger, dict[str, torch.Tensor], torch.Tensor, torch.Tensor], torch.Tensor]


def fit(name: str, model: Tagger, train: list[Example], held_out: list[Example], epochs: int, minutes: float,
        learning_rate: float, batch_loss: BatchLoss, start_counts: bool = False) -> tuple[Tagger, dict[str, Any]]:
    """Train a tagger epoch by epoch (Adam, batches of 32) until epochs or the time budget runs
    out, and keep the epoch with the best mean held-out span F1. start_counts: the model as it
    comes in is epoch 0, so a model that only gets worse comes back unchanged."""
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=learning_rate)
    names = input_names(model)
    best: tuple[float, dict[str, Any] | None, dict[str, float], int] = (-1.0, None, {}, 0)
    if start_counts:
        model.eval()
        scores = span_scores(model, held_out)
        log(f"{name} as it starts: held-out span F1 {scores}")
        best = (sum(scores.values()) / max(len(scores), 1),
                {k: v.clone() for k, v in model.state_dict().items()}, scores, 0)
    started = time.time()
    epoch = 0
    for epoch in range(1, epochs + 1):
        model.train()
        total, steps = 0.0, 0
        for group in batches(train, 32, shuffle=True):
            batch, lengths = pad([e.features for e in group], names)
            width = int(lengths.max())
            gold = torch.tensor([e.tags + [-100] * (width - len(e.tags)) for e in group])
            loss = batch_loss(model, batch, lengths, gold)
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            total, steps = total + loss.item(), steps + 1
        model.eval()
        scores = span_scores(model, held_out)
        mean = sum(scores.values()) / max(len(scores), 1)
        log(f"{name} epoch {epoch}: loss {total / steps:.4f}, held-out span F1 {scores} ({time.time() - started:.0f}s)")
        if mean > best[0]:
            best = (mean, {k: v.clone() for k, v in model.state_dict().items()}, scores, epoch)
        if time.time() - started > minutes * 60:
            log(f"{name}: time budget reached after epoch {epoch}")
            break
    model.load_state_dict(best[1])
    model.eval()
    return model, {"held_out_span_f1": best[2], "best_epoch": best[3], "epochs_run": epoch}


def train_tagger(name: str, tag_names: list[str], train: list[Example], held_out: list[Example], n_lemmas: int,
                 pretrain: torch.Tensor, with_roles: bool, epochs: int, minutes: float,
                 context_dim: int = 0) -> tuple[Tagger, dict[str, Any]]:
    """A new tagger trained on the gold tags (cross-entropy)."""
    model = Tagger(tag_names, n_lemmas, pretrain, with_roles, context_dim=context_dim)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)

    def gold_loss(model: Tagger, batch: dict[str, torch.Tensor], lengths: torch.Tensor,
                  gold: torch.Tensor) -> torch.Tensor:
        return loss_fn(model(batch, lengths).reshape(-1, len(tag_names)), gold.reshape(-1))

    return fit(name, model, train, held_out, epochs, minutes, 2e-3, gold_loss)


@dataclass
class TrainingData:
    vocab: Vocabularies
    pretrain: torch.Tensor
    encoder: ContextEncoder | None
    context_dim: int
    rows: list[tuple[Any, Any, Any]]  # (gold, article, parse) per PolNeAR train article
    held: set[int]  # positions of the held-out articles
    cue_train: list[Example]
    cue_held: list[Example]
    role_train: list[Example]
    role_held: list[Example]


def training_data(train_dir: Path, cache: Path, limit: int | None, encoder_path: Path | None,
                  lemmas_from: Path | None = None) -> TrainingData:
    """PolNeAR train as cue and role examples, split into training and held-out articles (every
    tenth), with the encoder's context vectors (cached) when encoder_path is given."""
    pretrain_vocab, pretrain = load_pretrain()
    rows = annotated_split(train_dir, cache, limit=limit)
    views = [ArticleView.build(article, parsed) for _, article, parsed in rows]
    encoder = ContextEncoder.load(encoder_path) if encoder_path is not None else None
    if encoder is not None:
        stanza_version = rows[0][2].model_version if rows else "none"
        add_context(views, [doc.stem for doc, _, _ in rows], encoder,
                    cache / "context" / f"{encoder.version.replace('/', '-')}-{stanza_version}")
    held = {i for i in range(len(rows)) if is_held_out(i)}
    if lemmas_from is not None:
        lemmas = torch.load(lemmas_from, map_location="cpu", weights_only=False)["lemmas"]
    else:
        lemmas = lemma_vocabulary([v for i, v in enumerate(views) if i not in held])
    vocab = Vocabularies(pretrain_vocab, lemmas)
    cue_train, cue_held, role_train, role_held = [], [], [], []
    for i, ((doc, _, _), view) in enumerate(zip(rows, views)):
        cues, roles = gold_examples(doc, view, vocab)
        (cue_held if i in held else cue_train).extend(cues)
        (role_held if i in held else role_train).extend(roles)
    log(f"{len(rows)} articles: {len(cue_train)}+{len(cue_held)} cue examples, {len(role_train)}+{len(role_held)} role examples")
    return TrainingData(vocab, pretrain, encoder, encoder.width if encoder is not None else 0, rows, held,
                        cue_train, cue_held, role_train, role_held)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_train_split_options(parser)
    parser.add_argument("--cache", type=Path, default=Path("build/polnear-parses"))
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--minutes", type=float, default=25.0, help="time budget per tagger")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles (a quick trial)")
    parser.add_argument("--out", type=Path, default=MODEL_FILE)
    parser.add_argument("--encoder", type=Path, default=ENCODER_FILE,
                        help="context encoder weights (claims.training.encoder_weights); the taggers read its vectors")
    parser.add_argument("--no-context", action="store_true", help="train the taggers without the context encoder")
    parser.add_argument("--only", choices=["cue", "role"], default=None,
                        help="train one tagger; the other is copied from the model at --out")
    parser.add_argument("--threads", type=int, default=2, help="torch threads (default 2)")
    parser.add_argument("--lemmas-from", type=Path, default=None,
                        help="take the lemma vocabulary from this saved model (taggers that are to be averaged share one)")
    parser.add_argument("--seed", type=int, default=13, help="random seed (batch order, initial weights, dropout)")
    args = parser.parse_args(argv)
    args.train_dir = train_split(parser, args)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    data = training_data(args.train_dir, args.cache, args.limit, None if args.no_context else args.encoder,
                         args.lemmas_from)

    previous = torch.load(args.out, weights_only=False) if args.only else None
    if args.only == "role":
        cue_state, cue_info = previous["cue"], previous["training"]["cue"]
    else:
        cue_model, cue_info = train_tagger("cue", CUE_TAGS, data.cue_train, data.cue_held, len(data.vocab.lemmas),
                                           data.pretrain, False, args.epochs, args.minutes, data.context_dim)
        cue_state = cue_model.save_state()
    if args.only == "cue":
        role_state, role_info = previous["role"], previous["training"]["role"]
    else:
        role_model, role_info = train_tagger("role", ROLE_TAGS, data.role_train, data.role_held,
                                             len(data.vocab.lemmas), data.pretrain, True, args.epochs, args.minutes,
                                             data.context_dim)
        role_state = role_model.save_state()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    saved = {
        "version": f"attribution-{time.strftime('%Y%m%d')}",
        "stanza_model": data.rows[0][2].model_version if data.rows else None,
        "lemmas": data.vocab.lemmas,
        "cue": cue_state,
        "role": role_state,
        "encoder": data.encoder.version if data.encoder is not None else None,
        "training": {"articles": len(data.rows), "held_out_articles": len(data.held), "cue": cue_info, "role": role_info},
    }
    torch.save(saved, args.out)
    log(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
