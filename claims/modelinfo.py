"""What model is loaded: files, sizes, scores, and the stanza.Pipeline arguments to load it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claims.nlp import read_manifest, resolve_model


def model_info(name: str | None = None) -> dict[str, Any]:
    spec = resolve_model(name)
    kwargs = spec.kwargs()
    details: dict[str, Any] = {"name": spec.name, "version": spec.version, "pipeline_kwargs": kwargs}
    model_dir = Path(kwargs["dir"])
    if (model_dir / "manifest.json").exists():
        manifest = read_manifest(model_dir)
        details["files"] = manifest["files"]
        details["scores"] = manifest.get("scores", {})
        details["trained_with"] = manifest.get("trained_with", {})
        details["total_bytes"] = sum(p.stat().st_size for p in model_dir.glob("*.pt"))
    return details


if __name__ == "__main__":
    print(json.dumps(model_info(), indent=2))
