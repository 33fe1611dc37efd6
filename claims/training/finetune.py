"""Fine-tune the context encoder together with both taggers: ``python -m claims.training.finetune --data DIR``.

claims.training.train trains the cue and role taggers on the encoder's vectors read frozen. This
goes one step further: starting from those taggers and the encoder (``--from``, the bundled
``attribution.pt`` and ``encoder.pt`` by default), it trains the encoder's layers with them on
PolNeAR train, the two tasks taking turns batch by batch, so the vectors learn what attribution
needs (where a content ends, which phrase is the source). The word-piece embeddings stay frozen.

Every tenth training article is held out (claims.training.heldout), as in claims.training.train;
the epoch with the best mean held-out span F1 of the two taggers is kept. PolNeAR dev is never
read. After every epoch a checkpoint is saved in ``--out-dir`` and ``--resume`` goes on from it, so
a run can be stopped (``--minutes``) and continued in a later session.

Output (``--out-dir``, default build/finetune): ``encoder.pt`` and ``attribution.pt``, a pair (the
taggers name the encoder they read); copy both into claims/data/attribution to ship them. On a
2-core CPU an epoch over PolNeAR train takes about 20 minutes with one thread.
"""

from __future__ import annotations

import argparse
import copy
import random
import time
from pathlib import Path
from typing import Any

import torch
from torch import nn

from claims.encoder import Encoder, EncoderConfig, Windows, WordPieces, encode_windows, sentence_windows
from claims.extract.features import Vocabularies
from claims.extract.learned import ENCODER_FILE, MODEL_FILE
from claims.extract.tagger import Tagger, input_names, load_pretrain, pad
from claims.extract.view import ArticleView
from claims.training.corpus import annotated_split
from claims.training.data import add_train_split_options, train_split
from claims.training.examples import Example, gold_examples
from claims.training.heldout import is_held_out
from claims.training.train import log, span_scores

Key = tuple[int, int]  # (article number, sentence index)


def encode(encoder: Encoder, keys: list[Key], bank: dict[Key, Windows]) -> dict[Key, torch.Tensor]:
    """[words, hidden] vectors for each sentence, all in one padded batch."""
    vectors = encode_windows(encoder, [bank[key] for key in keys])
    return {key: v for key, v in zip(keys, vectors) if v is not None}


def with_context(examples: list[tuple[int, Example]], vectors: dict[Key, torch.Tensor]) -> list[dict[str, Any]]:
    return [dict(e.features, context=torch.cat([vectors[(a, s)] for s in e.sentences])) for a, e in examples]


def article_batches(examples: list[tuple[int, Example]], size: int) -> list[list[tuple[int, Example]]]:
    """Batches of examples from one article each (neighbouring sentences are encoded once per batch)."""
    out, current = [], []
    for item in examples:
        if current and (len(current) == size or current[-1][0] != item[0]):
            out.append(current)
            current = []
        current.append(item)
    if current:
        out.append(current)
    return out


def held_out_scores(encoder: Encoder, taggers: dict[str, Tagger], held: dict[str, list[tuple[int, Example]]],
                    bank: dict[Key, Windows]) -> dict[str, dict[str, float]]:
    encoder.eval()
    scores = {}
    with torch.no_grad():
        for task, examples in held.items():
            taggers[task].eval()
            ready = []
            for group in article_batches(examples, 32):
                vectors = encode(encoder, sorted({(a, s) for a, e in group for s in e.sentences}), bank)
                ready += [Example(features, e.tags) for features, (_, e) in zip(with_context(group, vectors), group)]
            scores[task] = span_scores(taggers[task], ready)
    return scores


def mean_f1(scores: dict[str, dict[str, float]]) -> float:
    values = [f for task in scores.values() for f in task.values()]
    return sum(values) / len(values) if values else 0.0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_train_split_options(parser)
    parser.add_argument("--cache", type=Path, default=Path("build/polnear-parses"))
    parser.add_argument("--from", dest="start", type=Path, default=MODEL_FILE,
                        help="the taggers to start from (their encoder.pt beside them); default: the bundled ones")
    parser.add_argument("--out-dir", type=Path, default=Path("build/finetune"))
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--minutes", type=float, default=120.0, help="stop after the epoch that passes this budget")
    parser.add_argument("--encoder-lr", type=float, default=3e-5)
    parser.add_argument("--tagger-lr", type=float, default=5e-4)
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles (a quick trial)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--resume", action="store_true", help="go on from the checkpoint in --out-dir")
    args = parser.parse_args(argv)
    args.train_dir = train_split(parser, args)
    random.seed(13)
    torch.manual_seed(13)
    torch.set_num_threads(args.threads)

    start = torch.load(args.start, weights_only=False)
    encoder_saved = torch.load(args.start.with_name(ENCODER_FILE.name), weights_only=False)
    pretrain_vocab, pretrain = load_pretrain()
    vocab = Vocabularies(pretrain_vocab, start["lemmas"])
    taggers = {"cue": Tagger.from_state(start["cue"], pretrain), "role": Tagger.from_state(start["role"], pretrain)}
    pieces = WordPieces(encoder_saved["vocab"])
    config = EncoderConfig(**encoder_saved["config"])
    model = Encoder(config)
    model.load_state_dict({k: v.float() if v.dtype == torch.float16 else v for k, v in encoder_saved["state"].items()})
    model.word_embeddings.weight.requires_grad_(False)

    rows = annotated_split(args.train_dir, args.cache, limit=args.limit)
    train: dict[str, list[tuple[int, Example]]] = {"cue": [], "role": []}
    held: dict[str, list[tuple[int, Example]]] = {"cue": [], "role": []}
    bank: dict[Key, Windows] = {}
    for number, (doc, article, parsed) in enumerate(rows):
        view = ArticleView.build(article, parsed)
        for sentence in parsed.sentences:
            bank[(number, sentence.index)] = sentence_windows(pieces, [w.text for w in sentence.words])
        cues, roles = gold_examples(doc, view, vocab)
        target = held if is_held_out(number) else train
        target["cue"] += [(number, e) for e in cues]
        target["role"] += [(number, e) for e in roles]
    log(f"{len(rows)} articles: cue {len(train['cue'])}+{len(held['cue'])}, role {len(train['role'])}+{len(held['role'])} examples")

    batches = [("cue", b) for b in article_batches(train["cue"], 32)] + [("role", b) for b in article_batches(train["role"], 16)]
    total_steps = args.epochs * len(batches)
    optimizer = torch.optim.AdamW([
        {"params": [p for p in model.parameters() if p.requires_grad], "lr": args.encoder_lr, "weight_decay": 0.01},
        {"params": [p for t in taggers.values() for p in t.parameters() if p.requires_grad], "lr": args.tagger_lr,
         "weight_decay": 0.0},
    ])
    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: max(0.0, 1 - step / max(total_steps, 1)))
    checkpoint_path = args.out_dir / "checkpoint.pt"
    first_epoch, best = 1, None
    if args.resume and checkpoint_path.exists():
        checkpoint = torch.load(checkpoint_path, weights_only=False)
        model.load_state_dict(checkpoint["encoder"])
        for task, tagger in taggers.items():
            tagger.load_state_dict(checkpoint[task])
        optimizer.load_state_dict(checkpoint["optimizer"])
        schedule.load_state_dict(checkpoint["schedule"])
        first_epoch, best = checkpoint["epoch"] + 1, checkpoint["best"]
        log(f"resumed after epoch {checkpoint['epoch']}")
    if best is None:
        scores = held_out_scores(model, taggers, held, bank)
        log(f"before fine-tuning: held-out span F1 {scores}")
        best = {"mean": mean_f1(scores), "scores": scores, "epoch": 0, "state": snapshot(model, taggers)}
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    names = {task: input_names(tagger) for task, tagger in taggers.items()}
    started = time.time()
    for epoch in range(first_epoch, args.epochs + 1):
        random.shuffle(batches)
        model.train()
        for tagger in taggers.values():
            tagger.train()
        total, seen = 0.0, 0
        for step, (task, group) in enumerate(batches, start=1):
            vectors = encode(model, sorted({(a, s) for a, e in group for s in e.sentences}), bank)
            batch, lengths = pad(with_context(group, vectors), names[task])
            width = int(lengths.max())
            gold = torch.tensor([e.tags + [-100] * (width - len(e.tags)) for _, e in group])
            scores = taggers[task](batch, lengths)
            loss = loss_fn(scores.reshape(-1, scores.shape[-1]), gold.reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_([p for g in optimizer.param_groups for p in g["params"]], 5.0)
            optimizer.step()
            schedule.step()
            total, seen = total + loss.item(), seen + 1
            if step % 200 == 0:
                log(f"epoch {epoch} step {step}/{len(batches)}: loss {total / seen:.4f} ({time.time() - started:.0f}s)")
        scores = held_out_scores(model, taggers, held, bank)
        log(f"epoch {epoch}: held-out span F1 {scores} ({time.time() - started:.0f}s)")
        if mean_f1(scores) > best["mean"]:
            best = {"mean": mean_f1(scores), "scores": scores, "epoch": epoch, "state": snapshot(model, taggers)}
        args.out_dir.mkdir(parents=True, exist_ok=True)
        checkpoint = {"encoder": model.state_dict(), **{t: tagger.state_dict() for t, tagger in taggers.items()},
                      "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(), "epoch": epoch, "best": best}
        torch.save(checkpoint, checkpoint_path.with_suffix(".tmp"))
        checkpoint_path.with_suffix(".tmp").replace(checkpoint_path)
        write_models(args.out_dir, best, start, encoder_saved, taggers, rows, held)
        if time.time() - started > args.minutes * 60:
            log(f"time budget reached after epoch {epoch}; --resume goes on")
            break


def snapshot(model: Encoder, taggers: dict[str, Tagger]) -> dict[str, Any]:
    return {"encoder": {k: v.clone() for k, v in model.state_dict().items()},
            **{task: {k: v.clone() for k, v in tagger.state_dict().items()} for task, tagger in taggers.items()}}


def write_models(out_dir: Path, best: dict[str, Any], start: dict[str, Any], encoder_saved: dict[str, Any],
                 taggers: dict[str, Tagger], rows: list, held: dict) -> None:
    """The best epoch's encoder and taggers, as claims.extract.learned loads them."""
    stamp = time.strftime("%Y%m%d")
    version = f"{encoder_saved['version']}+polnear-finetuned-{stamp}-epoch{best['epoch']}"
    encoder_out = dict(encoder_saved, version=version,
                       state={k: v.half() if v.dtype == torch.float32 else v for k, v in best["state"]["encoder"].items()})
    saved = dict(start, version=f"attribution-{stamp}-finetuned", encoder=version)
    for task, tagger in taggers.items():
        best_tagger = copy.deepcopy(tagger)  # the tagger in training goes on from where it is
        best_tagger.load_state_dict(best["state"][task])
        saved[task] = best_tagger.save_state()
    saved["training"] = dict(start.get("training", {}), finetuned={
        "articles": len(rows), "held_out_examples": {t: len(v) for t, v in held.items()},
        "best_epoch": best["epoch"], "held_out_span_f1": best["scores"]})
    torch.save(encoder_out, out_dir / ENCODER_FILE.name)
    torch.save(saved, out_dir / MODEL_FILE.name)
    log(f"wrote {out_dir / ENCODER_FILE.name} and {out_dir / MODEL_FILE.name} (epoch {best['epoch']}: {best['scores']})")


if __name__ == "__main__":
    main()
