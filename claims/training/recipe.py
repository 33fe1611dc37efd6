"""Recipe that trains the bundled English stanza model from open treebanks.

Run ``python -m claims.training.recipe`` (or ``claims model build``). Every stage calls stanza's own
training entry points, writes its model under ``--work`` and is skipped when its output exists,
so an interrupted build resumes where it stopped; ``--<stage>-minutes`` gives a stage a time
budget after which the best checkpoint stanza saved is kept. The last stage (claims.training.bundle)
scores the whole pipeline from raw text on EWT dev and test, NER on the PolNeAR silver dev tags
and on GUM test named entities, then copies the models (fp16 where safe) into
``claims/data/model`` with a ``manifest.json`` holding the scores.

The shipped model then replaces stanza's tagger, parser and NER tagger with heads on the attribution
taggers' context encoder (claims.syntax): after the taggers are trained and the encoder fine-tuned
(claims.training.train, claims.training.finetune), ``python -m claims.training.syntax --bundle``
trains the heads and rewrites the manifest. The tagger, parser and NER tagger trained here are what
the attribution taggers' training parses were first made with.

Data: UD English EWT + GUM (``ud/en_ewt``, ``ud/en_gum``), PolNeAR train texts for the word vectors
and PolNeAR CoreNLP silver tags for NER (``polnear/train/text``, ``polnear/corenlp-ner``), all under
the data folder given by ``--data DIR`` or the environment variable ``CLAIMS_DATA``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from claims.nlp import bundled_model_dir
from claims.training.bundle import bundle, log
from claims.training.data import DataDirError, add_data_option, data_dir
from claims.training.ner import convert_silver_ner

BUNDLE_DIR = bundled_model_dir()
TREEBANK = "UD_English-Combo"  # EWT + GUM train; EWT dev and test
SHORT = "en_combo"

# Tagger and parser sizes: smaller than stanza's defaults so that CPU inference stays fast, no
# XPOS/UFeats (claims reads UPOS, lemmas and the parse). The shipped tagger and parser were trained
# with these settings on one GPU (see README, "The bundled model").
TAGGER_SETTINGS = ["--batch_size", "250", "--char_hidden_dim", "200", "--char_emb_dim", "50", "--log_step", "200",
                   "--eval_interval", "200", "--deep_biaff_hidden_dim", "200", "--composite_deep_biaff_hidden_dim", "50",
                   "--tag_emb_dim", "20"]
PARSER_SETTINGS = ["--optim", "adam", "--lr", "0.002", "--char_hidden_dim", "100", "--char_emb_dim", "50",
                   "--no_xpos", "--no_ufeats", "--hidden_dim", "300", "--deep_biaff_hidden_dim", "300",
                   "--batch_size", "5000", "--eval_interval", "200"]



def run_stanza(work: Path, args: list[str], log_name: str, minutes: float | None = None,
               model_file: Path | None = None) -> None:
    """Run one stanza module in a subprocess with the recipe's data paths, logging to a file.

    With a time budget (``minutes``), training is stopped when it runs out and the best checkpoint
    stanza saved so far (``model_file``; stanza saves on every dev improvement) is kept: on a
    2-core CPU the full step counts take many hours.
    """
    env = dict(os.environ)
    env["UDBASE"] = str(work / "ud")
    env["DATA_ROOT"] = str(work / "data")
    env.setdefault("OMP_NUM_THREADS", "1")
    log_path = work / "logs" / f"{log_name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    budget = f", budget {minutes:g} min" if minutes else ""
    log(f"{log_name}: python -m {' '.join(args)}  (log: {log_path}{budget})")
    with open(log_path, "a", encoding="utf-8") as handle:
        process = subprocess.Popen([sys.executable, "-m", *args], cwd=work, env=env, stdout=handle,
                                   stderr=subprocess.STDOUT)
        try:
            returncode = process.wait(timeout=minutes * 60 if minutes else None)
        except subprocess.TimeoutExpired as budget:
            process.terminate()
            process.wait(timeout=60)
            if model_file is None or not model_file.exists():
                raise SystemExit(
                    f"{log_name}: time budget ran out before any checkpoint was saved; see {log_path}"
                ) from budget
            log(f"{log_name}: time budget reached; keeping the best checkpoint {model_file.name}")
            (work / "logs" / f"{log_name}.budget_stop").write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))
            return
    if returncode != 0:
        raise SystemExit(f"{log_name} failed (exit {returncode}); see {log_path}")


def lay_out_treebanks(work: Path, ud_dir: Path) -> None:
    """UD folder layout stanza's prepare scripts expect; the combined treebank concatenates train sets."""
    combo = work / "ud" / TREEBANK
    combo.mkdir(parents=True, exist_ok=True)
    train = combo / f"{SHORT}-ud-train.conllu"
    if not train.exists():
        with open(train, "w", encoding="utf-8") as out:
            for name in ("en_ewt", "en_gum"):
                text = (ud_dir / name / f"{name}-ud-train.conllu").read_text(encoding="utf-8")
                out.write(text.rstrip("\n") + "\n\n")
    for split in ("dev", "test"):
        target = combo / f"{SHORT}-ud-{split}.conllu"
        if not target.exists():
            shutil.copy(ud_dir / "en_ewt" / f"en_ewt-ud-{split}.conllu", target)


def drop_long_token_sentences(path: Path, max_chars: int = 25) -> int:
    """Drop training sentences with very long tokens (URLs): the character model pads every word of
    a batch to the longest one, which makes CPU training many times slower. Returns how many."""
    blocks = path.read_text(encoding="utf-8").strip("\n").split("\n\n")
    kept = [b for b in blocks if all(len(line.split("\t")[1]) <= max_chars
                                     for line in b.splitlines() if line and not line.startswith("#"))]
    path.write_text("\n\n".join(kept) + "\n\n", encoding="utf-8")
    return len(blocks) - len(kept)


def blank_xpos_and_feats(path: Path) -> None:
    """Write '_' for XPOS and FEATS. claims reads UPOS, lemmas and the parse only, and stanza's
    XPOS/UFeats classifiers (nn.Bilinear) dominate CPU training time (their backward pass is
    most of each step)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) == 10:
            cols[4] = cols[5] = "_"
            line = "\t".join(cols)
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def retag_with_our_tagger(work: Path, pretrain: Path, conllu_files: list[Path]) -> None:
    """Replace UPOS in parser training data with what our own tagger predicts (offline).

    stanza's own --predicted retagging tries to download resources, so the tagger runs here.
    """
    import stanza
    from stanza.utils.conll import CoNLL

    (work / "resources.json").write_text("{}\n", encoding="utf-8")
    pipeline = stanza.Pipeline(
        "en", dir=str(work), processors="tokenize,pos", tokenize_pretokenized=True, download_method=None,
        tokenize_model_path=str(model_path(work, "tokenizer")), pos_model_path=str(model_path(work, "tagger")),
        pos_pretrain_path=str(pretrain), logging_level="WARN",
    )
    for path in conllu_files:
        document = CoNLL.conll2doc(input_file=str(path))
        pipeline.processors["pos"].process(document)
        CoNLL.write_doc2conll(document, str(path))
        log(f"retagged {path.name}: {len(document.sentences)} sentences")


def conllu_sentences(path: Path) -> list[list[str]]:
    sentences, words = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            if words:
                sentences.append(words)
            words = []
        elif not line.startswith("#"):
            cols = line.split("\t")
            if cols[0].isdigit():
                words.append(cols[1])
    if words:
        sentences.append(words)
    return sentences


def build_word_vectors(work: Path, ud_dir: Path, polnear_dir: Path, dims: int) -> Path:
    """word2vec over the treebank texts and PolNeAR train, saved as a stanza pretrain file."""
    pretrain = work / "pretrain" / "en_claims.pt"
    if pretrain.exists():
        return pretrain
    from gensim.models import Word2Vec
    from stanza.models.common.pretrain import Pretrain

    pretrain.parent.mkdir(parents=True, exist_ok=True)
    corpus: list[list[str]] = []
    for name in ("en_ewt", "en_gum"):
        corpus += conllu_sentences(ud_dir / name / f"{name}-ud-train.conllu")
    token = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
    for path in sorted((polnear_dir / "train" / "text").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                corpus.append(token.findall(line))
    log(f"word2vec over {len(corpus)} sentences, {sum(map(len, corpus))} tokens")
    model = Word2Vec(corpus, vector_size=dims, window=5, min_count=3, workers=2, epochs=10, seed=1)
    vec_path = pretrain.with_suffix(".txt")
    model.wv.save_word2vec_format(str(vec_path))
    Pretrain(str(pretrain), str(vec_path), max_vocab=-1).load()  # .load() writes the .pt
    vec_path.unlink()
    return pretrain


def model_path(work: Path, kind: str) -> Path:
    return work / "models" / kind / f"{SHORT}_{kind}.pt"


def train_all(work: Path, data: Path, steps: dict[str, int], budgets: dict[str, float], only: set[str] | None,
              continue_depparse: bool = False) -> None:
    ud_dir = data / "ud"
    polnear_dir = data / "polnear"
    lay_out_treebanks(work, ud_dir)
    wanted = lambda stage: only is None or stage in only  # noqa: E731

    if wanted("tokenize") and not model_path(work, "tokenizer").exists():
        run_stanza(work, ["stanza.utils.datasets.prepare_tokenizer_treebank", TREEBANK], "prep_tokenize")
        run_stanza(work, ["stanza.utils.training.run_tokenizer", TREEBANK, "--no_charlm",
                          "--save_dir", str(work / "models" / "tokenizer"), "--save_name", f"{SHORT}_tokenizer.pt",
                          "--steps", str(steps["tokenize"])], "tokenize",
                   minutes=budgets.get("tokenize"), model_file=model_path(work, "tokenizer"))
    if wanted("mwt") and not model_path(work, "mwt").exists():
        run_stanza(work, ["stanza.utils.datasets.prepare_mwt_treebank", TREEBANK], "prep_mwt")
        run_stanza(work, ["stanza.utils.training.run_mwt", TREEBANK,
                          "--save_dir", str(work / "models" / "mwt"), "--save_name", f"{SHORT}_mwt.pt",
                          "--num_epoch", str(steps["mwt"])], "mwt")
    needs_vectors = any(wanted(s) for s in ("pos", "depparse", "ner"))
    pretrain = build_word_vectors(work, ud_dir, polnear_dir, dims=100) if needs_vectors else None
    if wanted("pos") and not model_path(work, "tagger").exists():
        run_stanza(work, ["stanza.utils.datasets.prepare_pos_treebank", TREEBANK], "prep_pos")
        dropped = drop_long_token_sentences(work / "data" / "pos" / f"{SHORT}.train.in.conllu")
        log(f"pos: dropped {dropped} training sentences with tokens over 25 characters")
        for split in ("train", "dev", "test"):
            blank_xpos_and_feats(work / "data" / "pos" / f"{SHORT}.{split}.in.conllu")
        run_stanza(work, ["stanza.utils.training.run_pos", TREEBANK, "--no_charlm",
                          "--save_dir", str(work / "models" / "tagger"), "--save_name", f"{SHORT}_tagger.pt",
                          "--wordvec_pretrain_file", str(pretrain), "--max_steps", str(steps["pos"]),
                          *TAGGER_SETTINGS], "pos",
                   minutes=budgets.get("pos"), model_file=model_path(work, "tagger"))
    if wanted("lemma") and not model_path(work, "lemmatizer").exists():
        run_stanza(work, ["stanza.utils.datasets.prepare_lemma_treebank", TREEBANK, "--gold"], "prep_lemma")
        run_stanza(work, ["stanza.utils.training.run_lemma", TREEBANK, "--no_charlm",
                          "--save_dir", str(work / "models" / "lemmatizer"), "--save_name", f"{SHORT}_lemmatizer.pt",
                          "--num_epoch", str(steps["lemma"])], "lemma",
                   minutes=budgets.get("lemma"), model_file=model_path(work, "lemmatizer"))
    parser_checkpoint = work / "models" / "parser" / f"{SHORT}_parser_checkpoint.pt"
    parser_settings = ["--wordvec_pretrain_file", str(pretrain), *PARSER_SETTINGS, "--max_steps", str(steps["depparse"])]
    if wanted("depparse") and continue_depparse and parser_checkpoint.exists():
        # Resume a budget-stopped parser from its last checkpoint (stanza keeps optimizer state there).
        run_stanza(work, ["stanza.utils.training.run_depparse", TREEBANK, "--no_charlm", "--force",
                          "--save_dir", str(work / "models" / "parser"), "--save_name", f"{SHORT}_parser.pt",
                          "--continue_from", str(parser_checkpoint),
                          *parser_settings], "depparse_continued",
                   minutes=budgets.get("depparse"), model_file=model_path(work, "parser"))
    elif wanted("depparse") and not model_path(work, "parser").exists():
        # The parser learns from the tags our own tagger predicts, which is what it sees at run time.
        run_stanza(work, ["stanza.utils.datasets.prepare_depparse_treebank", TREEBANK, "--gold"], "prep_depparse")
        retag_with_our_tagger(work, pretrain, [work / "data" / "depparse" / f"{SHORT}.{split}.in.conllu"
                                               for split in ("train", "dev", "test")])
        run_stanza(work, ["stanza.utils.training.run_depparse", TREEBANK, "--no_charlm",
                          "--save_dir", str(work / "models" / "parser"), "--save_name", f"{SHORT}_parser.pt",
                          *parser_settings], "depparse",
                   minutes=budgets.get("depparse"), model_file=model_path(work, "parser"))
    if wanted("ner") and not model_path(work, "nertagger").exists():
        ner_files = convert_silver_ner(polnear_dir, work / "data" / "ner")
        run_stanza(work, ["stanza.models.ner_tagger", "--mode", "train", "--shorthand", SHORT,
                          "--train_file", str(ner_files["train"]), "--eval_file", str(ner_files["dev"]),
                          "--wordvec_pretrain_file", str(pretrain),
                          "--save_dir", str(work / "models" / "nertagger"), "--save_name", f"{SHORT}_nertagger.pt",
                          "--max_steps", str(steps["ner"]), "--eval_interval", "500"], "ner",
                   minutes=budgets.get("ner"), model_file=model_path(work, "nertagger"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", type=Path, default=Path("build/model-work"), help="scratch folder (resumable)")
    add_data_option(parser)
    parser.add_argument("--only", nargs="*", help="train only these stages: tokenize mwt pos lemma depparse ner")
    parser.add_argument("--tokenize-steps", type=int, default=4000)
    parser.add_argument("--mwt-epochs", type=int, default=10)
    parser.add_argument("--pos-steps", type=int, default=5000)
    parser.add_argument("--lemma-epochs", type=int, default=10)
    parser.add_argument("--depparse-steps", type=int, default=8000)
    parser.add_argument("--ner-steps", type=int, default=6000)
    for stage in ("tokenize", "pos", "lemma", "depparse", "ner"):
        parser.add_argument(f"--{stage}-minutes", type=float, default=None,
                            help=f"time budget for {stage} training; the best checkpoint so far is kept")
    parser.add_argument("--continue-depparse", action="store_true",
                        help="resume parser training from its checkpoint (after a budget stop)")
    parser.add_argument("--skip-train", action="store_true", help="only score and bundle existing models")
    parser.add_argument("--note", default="", help="how this build was trained, written to the manifest")
    parser.add_argument("--no-bundle", action="store_true", help="train only; score and bundle later")
    args = parser.parse_args(argv)
    # Training and scoring both read the data; check it before any work is done.
    needs = ("ud/en_ewt", "ud/en_gum", "polnear/corenlp-ner")
    needs += () if args.skip_train else ("polnear/train/text",)
    try:
        data = data_dir(args.data, needs)
    except DataDirError as error:
        parser.error(str(error))
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    steps = {"tokenize": args.tokenize_steps, "mwt": args.mwt_epochs, "pos": args.pos_steps,
             "lemma": args.lemma_epochs, "depparse": args.depparse_steps, "ner": args.ner_steps}
    if not args.skip_train:
        budgets = {stage: getattr(args, f"{stage}_minutes") for stage in ("tokenize", "pos", "lemma", "depparse", "ner")}
        train_all(work, data, steps, {k: v for k, v in budgets.items() if v}, set(args.only) if args.only else None,
                  continue_depparse=args.continue_depparse)
    if args.no_bundle:
        return
    bundle(work, BUNDLE_DIR, SHORT, steps, data, note=args.note)


if __name__ == "__main__":
    main()
