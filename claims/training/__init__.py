"""Training: how the models that ship in claims/data are made. Never imported at run time.

The stanza model (claims/data/model, loaded by claims.nlp):

recipe    ``python -m claims.training.recipe`` (``claims model build``): trains every stage with
          stanza's own entry points from UD EWT + GUM and the PolNeAR silver NER tags
bundle    scores the trained models end to end and copies them into the package with a manifest
ner       the NER data and scores: PolNeAR silver tags, GUM's named entities, entity P/R/F1

The attribution taggers (claims/data/attribution, run by claims.extract.learned; their features,
inputs and the tagger itself live in claims.extract):

corpus    annotates a PolNeAR split with the bundled stanza model once and caches the parses
examples  lines PolNeAR gold spans up with parse tokens: cue tags per sentence, roles per cue
train     ``python -m claims.training.train``: trains both taggers on PolNeAR train, writes the model
heldout   ``python -m claims.training.heldout``: scores the extractor on the held-out tenth of train

data      the data folder all of them read (``--data DIR`` or ``CLAIMS_DATA``)
"""
