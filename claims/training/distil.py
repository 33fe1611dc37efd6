"""Teach one pair of taggers what an average of several knows:
``python -m claims.training.distil --teacher AVERAGE.pt --data DIR --out attribution.pt``.

An average of taggers trained from different random starts (claims.training.average) errs less
than any one of them, but reading an article with it costs each member's BiLSTM. Distilling keeps
the cost of one: a student tagger, started from the taggers at ``--from`` (the shipped ones by
default), is trained on PolNeAR train towards the teacher's tag probabilities (``--weight`` of the
loss; the rest is the gold tags). Each tagger keeps the epoch with the best span F1 on the
held-out tenth of train, the student as it started counting as epoch 0, so it only changes when
the held-out tenth says it is better. PolNeAR dev is never read.

Student and teacher read the same context encoder and lemma vocabulary (the files must agree).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path
from typing import Any

import torch
from torch import nn

from claims.extract.learned import ENCODER_FILE, MODEL_FILE
from claims.extract.tagger import Tagger, TaggerAverage, load_pretrain, load_tagger
from claims.training.data import add_train_split_options, train_split
from claims.training.examples import Example
from claims.training.train import fit, log, training_data


def distil_tagger(name: str, student: Tagger, teacher: Tagger | TaggerAverage, train: list[Example],
                  held_out: list[Example], epochs: int, minutes: float, weight: float,
                  learning_rate: float) -> tuple[Tagger, dict[str, Any]]:
    """Train the student towards the teacher's tag distribution (weight) and the gold tags (1 - weight)."""
    teacher.eval()

    def distil_loss(student: Tagger, batch: dict[str, torch.Tensor], lengths: torch.Tensor,
                    gold: torch.Tensor) -> torch.Tensor:
        inside = gold != -100
        with torch.no_grad():
            target = torch.log_softmax(teacher(batch, lengths), dim=-1)[inside]
        predicted = torch.log_softmax(student(batch, lengths), dim=-1)[inside]
        # KL(teacher || student) per word, and the gold tags' negative log-likelihood
        divergence = (target.exp() * (target - predicted)).sum(dim=-1).mean()
        return weight * divergence + (1 - weight) * nn.functional.nll_loss(predicted, gold[inside])

    return fit(name, student, train, held_out, epochs, minutes, learning_rate, distil_loss, start_counts=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_train_split_options(parser)
    parser.add_argument("--teacher", type=Path, required=True, help="an attribution model file, usually an average")
    parser.add_argument("--from", dest="start", type=Path, default=MODEL_FILE, help="the student's starting taggers")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--encoder", type=Path, default=ENCODER_FILE, help="the encoder both read")
    parser.add_argument("--cache", type=Path, default=Path("build/polnear-parses"))
    parser.add_argument("--only", choices=["cue", "role"], default=None,
                        help="distil one tagger; the other is the student's as it started")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--minutes", type=float, default=30.0, help="time budget per tagger")
    parser.add_argument("--weight", type=float, default=0.7, help="share of the loss that is the teacher's")
    parser.add_argument("--learning-rate", type=float, default=5e-4)
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles (a quick trial)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    args.train_dir = train_split(parser, args)
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)

    start = torch.load(args.start, map_location="cpu", weights_only=False)
    teacher_saved = torch.load(args.teacher, map_location="cpu", weights_only=False)
    if teacher_saved["lemmas"] != start["lemmas"] or teacher_saved.get("encoder") != start.get("encoder"):
        raise SystemExit("the teacher and the student must share the lemma vocabulary and the encoder")
    data = training_data(args.train_dir, args.cache, args.limit, args.encoder, args.start)
    _, pretrain = load_pretrain()
    saved = dict(start)
    info: dict[str, Any] = {}
    for stage, train, held in (("cue", data.cue_train, data.cue_held), ("role", data.role_train, data.role_held)):
        if args.only not in (None, stage):
            continue
        student = load_tagger(start[stage], pretrain)
        if not isinstance(student, Tagger):
            raise SystemExit(f"--from must hold one {stage} tagger, not an average")
        teacher = load_tagger(teacher_saved[stage], pretrain)
        student, info[stage] = distil_tagger(stage, student, teacher, train, held, args.epochs, args.minutes,
                                             args.weight, args.learning_rate)
        saved[stage] = student.save_state()
    saved["version"] = f"{start['version']}-distilled-{time.strftime('%Y%m%d')}"
    saved["training"] = dict(start.get("training") or {}, distilled={
        "teacher": teacher_saved.get("version"), "weight": args.weight, **info})
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(saved, args.out)
    log(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
