"""BIO decoding under the one BIO constraint, shared by the syntax heads (claims.syntax) and the
attribution taggers (claims.extract.tagger). Their word-shape input is in claims.word_shapes."""

from __future__ import annotations

import numpy as np
import torch


def transition_mask(tag_names: list[str]) -> torch.Tensor:
    """allowed[i, j]: tag j may follow tag i (BIO). Row len(tags) is the start of the sequence."""
    n = len(tag_names)
    allowed = torch.ones(n + 1, n, dtype=torch.bool)
    for j, tag in enumerate(tag_names):
        if tag.startswith("I-"):
            role = tag[2:]
            for i in range(n + 1):
                allowed[i, j] = i < n and tag_names[i] in (f"B-{role}", f"I-{role}")
    return allowed


def viterbi(log_probs: torch.Tensor, allowed: torch.Tensor) -> list[int]:
    """Best tag sequence for one sentence's [time, tags] log-probabilities under the BIO mask.

    In numpy: a sentence is a few dozen steps over a dozen tags at most, where torch's per-call
    overhead would cost more than the arithmetic.
    """
    scores = log_probs.detach().cpu().numpy()
    mask = allowed.cpu().numpy()
    steps, n = scores.shape
    best = scores.argmax(axis=1)
    # Each word's best tag, when that sequence is allowed, is the best allowed sequence (most are).
    if steps and mask[n, best[0]] and bool(mask[best[:-1], best[1:]].all()):
        return best.tolist()
    transition = np.where(mask[:n], 0.0, -1e9)  # [from, to]
    score = np.where(mask[n], scores[0], -1e9)
    back = np.empty((max(steps - 1, 0), n), dtype=np.int64)
    for t in range(1, steps):
        candidates = score[:, None] + transition
        back[t - 1] = candidates.argmax(axis=0)
        score = candidates.max(axis=0) + scores[t]
    path = [int(score.argmax())]
    for row in back[::-1]:
        path.append(int(row[path[-1]]))
    return path[::-1]
