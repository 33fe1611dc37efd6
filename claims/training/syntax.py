"""Train the syntax heads (claims.syntax) on the context encoder's frozen vectors.

    python -m claims.training.syntax --data DIR [--epochs 12] [--out claims/data/model/en_claims_syntax.pt] [--bundle]

- Trees and UPOS: UD English EWT + GUM train (``DIR/ud``), chosen on EWT dev;
- NER: the PolNeAR CoreNLP silver tags (``DIR/polnear/corenlp-ner``, labels as claims.training.ner),
  chosen on the silver dev tags.

The encoder is the bundled one (claims/data/attribution/encoder.pt) and is not trained here, so
its vectors for every training sentence are computed once and cached in ``--work`` (fp16). Batches
of trees and of entities take turns in proportion to their numbers. Each epoch is checkpointed
(``--resume``), and the epoch with the best mean of EWT dev LAS and silver dev entity F1 is saved.
``--bundle`` then scores the bundled model with the heads from raw EWT test text and on NER, and
writes them into its manifest in place of stanza's tagger, parser and NER tagger
(claims.training.bundle.bundle_syntax).

Run it after the encoder is fine-tuned (claims.training.finetune): the heads read that encoder's
vectors, and the model refuses to load heads trained on another encoder's.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from torch import nn

from claims.encoder import ContextEncoder
from claims.extract.features import UPOS
from claims.extract.tagger import load_pretrain
from claims.nlp import bundled_model_dir
from claims.syntax import SYNTAX_FILE, SyntaxModel, inputs, masked_arcs, predict
from claims.training.data import DataDirError, add_data_option, data_dir
from claims.training.ner import bio_entities, read_bio, silver_labels

ENCODER_PATH = Path(__file__).resolve().parent.parent / "data" / "attribution" / "encoder.pt"


@dataclass
class Example:
    forms: list[str]
    upos: list[str] | None = None
    heads: list[int] | None = None
    deprels: list[str] | None = None
    ner: list[str] | None = None
    vectors: torch.Tensor | None = None


def read_conllu(path: Path) -> list[Example]:
    """Sentences of a CoNLL-U file as words (multiword-token lines and empty nodes skipped)."""
    examples, rows = [], []
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if rows:
                examples.append(Example(forms=[r[1] for r in rows], upos=[r[3] for r in rows],
                                        heads=[int(r[6]) for r in rows], deprels=[r[7] for r in rows]))
            rows = []
        elif not line.startswith("#"):
            columns = line.split("\t")
            if columns[0].isdigit():
                rows.append(columns)
    return examples


def read_silver_ner(path: Path) -> list[Example]:
    """Silver BIO sentences with the labels of NER_LABELS (claims.training.ner.silver_labels)."""
    return [Example(forms=[word for word, _ in sentence], ner=silver_labels([tag for _, tag in sentence]))
            for sentence in read_bio(path)]


def attach_vectors(examples: list[Example], encoder: ContextEncoder, cache: Path) -> None:
    """Each example's encoder vectors (fp16), computed once and kept in ``cache``."""
    if cache.exists():
        saved = torch.load(cache, weights_only=False)
        if saved["version"] == encoder.version and len(saved["vectors"]) == len(examples):
            for example, vectors in zip(examples, saved["vectors"]):
                example.vectors = vectors
            return
    started = time.time()
    vectors = []
    for first in range(0, len(examples), 256):
        chunk = examples[first : first + 256]
        vectors.extend(v.half() for v in encoder.encode([e.forms for e in chunk]))
    for example, vector in zip(examples, vectors):
        example.vectors = vector
    cache.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"version": encoder.version, "vectors": vectors}, cache)
    print(f"encoded {len(examples):,} sentences in {time.time() - started:.0f} s -> {cache}", flush=True)


def batches(syntax: list[Example], entities: list[Example], size: int, rng: random.Random) -> list[list[Example]]:
    """Batches of one kind each, shuffled together, sentences of similar length in a batch."""
    out = []
    for examples in (syntax, entities):
        ordered = sorted(examples, key=lambda e: (len(e.forms), rng.random()))
        out.extend(ordered[i : i + size] for i in range(0, len(ordered), size))
    rng.shuffle(out)
    return out


def batch_loss(model: SyntaxModel, batch: list[Example], word_ids: Any) -> torch.Tensor:
    words, shapes, lengths = inputs([e.forms for e in batch], word_ids)
    context = nn.utils.rnn.pad_sequence([e.vectors.float() for e in batch], batch_first=True)
    states = model.states(context, words, shapes, lengths)
    mask = torch.arange(words.shape[1])[None, :] < lengths[:, None]

    def targets(values: list[list[int]]) -> torch.Tensor:
        out = torch.full(words.shape, -100, dtype=torch.long)
        for row, row_values in enumerate(values):
            out[row, : len(row_values)] = torch.tensor(row_values)
        return out.masked_fill(~mask, -100)

    cross_entropy = nn.functional.cross_entropy
    if batch[0].ner is not None:
        tags = targets([[model.ner_tags.index(t) for t in e.ner] for e in batch])
        return cross_entropy(model.ner_out(states[:, 1:]).transpose(1, 2), tags)
    upos = targets([[model.upos.index(t) if t in model.upos else model.upos.index("X") for t in e.upos] for e in batch])
    heads = targets([e.heads for e in batch])
    labels = targets([[model.deprels.index(r) if r in model.deprels else model.deprels.index("dep") for r in e.deprels]
                      for e in batch])
    arcs = masked_arcs(model.arc_scores(states), lengths).masked_fill(~mask[:, :, None], 0.0)
    label_scores = model.label_scores(states, heads.clamp(min=0))
    return (cross_entropy(model.upos_out(states[:, 1:]).transpose(1, 2), upos)
            + cross_entropy(arcs.transpose(1, 2), heads)
            + cross_entropy(label_scores.transpose(1, 2), labels))


def score_syntax(model: SyntaxModel, examples: list[Example], word_ids: Any) -> dict[str, float]:
    """UPOS accuracy, UAS and LAS (relations compared without subtypes, as CoNLL 2018) on given words."""
    predicted = predict(model, [e.forms for e in examples], [e.vectors for e in examples], word_ids)
    total = upos = uas = las = 0
    for example, syntax in zip(examples, predicted):
        for i in range(len(example.forms)):
            total += 1
            upos += syntax.upos[i] == example.upos[i]
            if syntax.heads[i] == example.heads[i]:
                uas += 1
                las += syntax.deprels[i].split(":")[0] == example.deprels[i].split(":")[0]
    return {"upos": 100 * upos / total, "uas": 100 * uas / total, "las": 100 * las / total}


def score_entities(model: SyntaxModel, examples: list[Example], word_ids: Any) -> float:
    """Entity-level micro F1 over every label, on the silver tokens."""
    predicted = predict(model, [e.forms for e in examples], [e.vectors for e in examples], word_ids)
    tp = fp = fn = 0
    for example, syntax in zip(examples, predicted):
        gold, guess = bio_entities(example.ner), bio_entities(syntax.ner)
        tp += len(gold & guess)
        fp += len(guess - gold)
        fn += len(gold - guess)
    return 100 * 2 * tp / max(2 * tp + fp + fn, 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_data_option(parser)
    parser.add_argument("--work", type=Path, default=Path("build/syntax"), help="vector cache and checkpoints")
    parser.add_argument("--out", type=Path, default=bundled_model_dir() / SYNTAX_FILE)
    parser.add_argument("--encoder", type=Path, default=ENCODER_PATH,
                        help="the context encoder whose vectors the heads read (default: the bundled one); heads "
                             "trained on another encoder load only beside it, e.g. one claims.training.finetune made")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--hidden", type=int, default=200)
    parser.add_argument("--layers", type=int, default=2)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--batch", type=int, default=32, help="sentences per batch")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--resume", action="store_true", help="go on from the last epoch's checkpoint in --work")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bundle", action="store_true",
                        help="then score the bundled model with these heads (EWT test from raw text, NER) and write "
                             "them into its manifest in place of stanza's tagger, parser and NER tagger")
    parser.add_argument("--bundle-only", action="store_true", help="skip training: only --bundle the heads at --out")
    parser.add_argument("--limit", type=int, default=None,
                        help="only the first N sentences of each treebank and NER file (a quick trial)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    try:
        data = data_dir(args.data, ("ud/en_ewt", "ud/en_gum", "polnear/corenlp-ner"))
    except DataDirError as error:
        parser.error(str(error))
    if not args.bundle_only:
        train_heads(args, data, rng)
    if args.bundle or args.bundle_only:
        from claims.training.bundle import bundle_syntax

        bundle_syntax(args.out.parent, data, note=f"heads chosen on EWT dev and silver NER dev; {args.epochs} epochs")


def train_heads(args: argparse.Namespace, data: Path, rng: random.Random) -> None:
    ud = data / "ud"
    train = read_conllu(ud / "en_ewt" / "en_ewt-ud-train.conllu") + read_conllu(ud / "en_gum" / "en_gum-ud-train.conllu")
    dev = read_conllu(ud / "en_ewt" / "en_ewt-ud-dev.conllu")
    ner_train = read_silver_ner(data / "polnear" / "corenlp-ner" / "train.bio")
    ner_dev = read_silver_ner(data / "polnear" / "corenlp-ner" / "dev.bio")
    if args.limit:
        train, dev, ner_train, ner_dev = (examples[: args.limit] for examples in (train, dev, ner_train, ner_dev))
    encoder = ContextEncoder.load(args.encoder)
    for name, examples in (("syntax-train", train), ("syntax-dev", dev), ("ner-train", ner_train), ("ner-dev", ner_dev)):
        attach_vectors(examples, encoder, args.work / f"{name}.pt")
    pretrain_vocab, pretrain = load_pretrain()

    def word_ids(form: str) -> int:
        return pretrain_vocab.get(form) or pretrain_vocab.get(form.lower()) or 1

    deprels = sorted({r for e in train for r in e.deprels} | {"dep"})
    labels = sorted({t[2:] for e in ner_train for t in e.ner if t != "O"})
    ner_tags = ["O"] + [f"{p}-{label}" for label in labels for p in ("B", "I")]
    model = SyntaxModel(UPOS, deprels, ner_tags, pretrain, context_dim=encoder.width, hidden=args.hidden,
                        layers=args.layers)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=args.lr, betas=(0.9, 0.9))
    checkpoint = args.work / "checkpoint.pt"
    first_epoch, best = 1, -1.0
    if args.resume and checkpoint.exists():
        saved = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        first_epoch, best = saved["epoch"] + 1, saved["best"]
        rng.setstate(saved["rng"])
    for epoch in range(first_epoch, args.epochs + 1):
        started = time.time()
        model.train()
        for group in optimizer.param_groups:
            group["lr"] = args.lr * (1 - (epoch - 1) / args.epochs)
        total = 0.0
        for batch in batches(train, ner_train, args.batch, rng):
            optimizer.zero_grad()
            loss = batch_loss(model, batch, word_ids)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            total += loss.item()
        model.eval()
        syntax_scores = score_syntax(model, dev, word_ids)
        entity_f1 = score_entities(model, ner_dev, word_ids)
        score = (syntax_scores["las"] + entity_f1) / 2
        print(f"epoch {epoch}: loss {total:.0f}, EWT dev UPOS {syntax_scores['upos']:.2f} UAS {syntax_scores['uas']:.2f} "
              f"LAS {syntax_scores['las']:.2f}, silver dev entity F1 {entity_f1:.2f} ({time.time() - started:.0f} s)",
              flush=True)
        if score > best:
            best = score
            args.out.parent.mkdir(parents=True, exist_ok=True)
            torch.save({**model.save_state(), "encoder": encoder.version,
                        "dev": {**syntax_scores, "entity_f1": entity_f1, "epoch": epoch}}, args.out)
            print(f"  best so far -> {args.out}", flush=True)
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch, "best": best,
                    "rng": rng.getstate()}, checkpoint)


if __name__ == "__main__":
    main()
