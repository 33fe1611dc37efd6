"""Training: how the models that ship in claims/data are made. Never imported at run time.

The attribution taggers (run by claims.extract.learned; features, inputs and the tagger itself
live in claims.extract):

corpus    annotates a PolNeAR split with the bundled stanza model once and caches the parses
examples  lines PolNeAR gold spans up with parse tokens: cue tags per sentence, roles per cue
train     ``python -m claims.training.train``: trains both taggers on PolNeAR train, writes the model
heldout   ``python -m claims.training.heldout``: scores the extractor on the held-out tenth of train
"""
