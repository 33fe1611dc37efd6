"""The data folder training, held-out scoring and the benchmarks read: ``--data DIR`` or ``CLAIMS_DATA``.

Training and evaluation data are not part of a clone (UD treebanks, PolNeAR), so nothing guesses
where they are: a command without the folder stops with a message saying what to pass.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

DATA_ENV = "CLAIMS_DATA"
DATA_LAYOUT = ("a folder laid out as ud/en_ewt, ud/en_gum (UD CoNLL-U treebanks) and polnear/train, "
               "polnear/dev, polnear/corenlp-ner, polnear/metadata.tsv (the PolNeAR corpus)")


class DataDirError(Exception):
    """The training or evaluation data folder is not given, or lacks what a command needs."""


def data_dir(given: str | os.PathLike[str] | None, needs: tuple[str, ...] = (),
             fallback: Path | None = None, option: str | None = "--data DIR") -> Path:
    """The data folder: ``given`` (a --data option), else $CLAIMS_DATA, else ``fallback``.

    The package never guesses a location beside the repository: training and evaluation data are
    not part of a clone, so a user must say where they are. ``needs`` are paths inside the folder
    the caller reads (e.g. ``"polnear/train"``); a missing one is an error naming it. ``option``
    is the command's option for the folder, named in the message (None: the command has none).
    Raises DataDirError with a message saying what to pass.
    """
    how = f"pass {option} or set {DATA_ENV}=DIR" if option else f"set {DATA_ENV}=DIR"
    if given is not None:
        folder, origin = Path(given), option.split()[0] if option else "the command line"
    elif os.environ.get(DATA_ENV):
        folder, origin = Path(os.environ[DATA_ENV]), DATA_ENV
    elif fallback is not None and fallback.is_dir():
        folder, origin = fallback, "the default"
    else:
        raise DataDirError(f"no data folder: {how}, {DATA_LAYOUT}")
    if not folder.is_dir():
        raise DataDirError(f"data folder {folder} (from {origin}) does not exist; {how}, {DATA_LAYOUT}")
    missing = [need for need in needs if not (folder / need).exists()]
    if missing:
        raise DataDirError(f"data folder {folder} (from {origin}) has no {', '.join(missing)}; it must be "
                           f"{DATA_LAYOUT}")
    return folder


def add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=None, metavar="DIR",
                        help=f"the data folder (default: ${DATA_ENV}): {DATA_LAYOUT}")


def add_train_split_options(parser: argparse.ArgumentParser) -> None:
    """``--data DIR`` and ``--train-dir``, for the commands that read PolNeAR train."""
    add_data_option(parser)
    parser.add_argument("--train-dir", type=Path, default=None,
                        help="the PolNeAR train split (text/, attributions/); default: polnear/train of the data folder")


def train_split(parser: argparse.ArgumentParser, args: argparse.Namespace) -> Path:
    """The PolNeAR train split the options name; a missing one ends the command with the reason."""
    if args.train_dir is not None:
        return args.train_dir
    try:
        return data_dir(args.data, ("polnear/train",)) / "polnear" / "train"
    except DataDirError as error:
        parser.error(str(error))
