"""The learned attribution model: PolNeAR gold -> training examples -> a small BiLSTM tagger.

corpus    annotates a PolNeAR split with the bundled stanza model once and caches the parses
features  turns a parsed sentence (and a cue in it) into the model's input ids
examples  lines PolNeAR gold spans up with parse tokens: cue tags per sentence, roles per cue
model     the tagger (torch): word vectors + parse features -> BiLSTM -> tag scores, constrained decoding
train     ``python -m claims.learn.train``: trains both taggers on PolNeAR train, writes the bundle
"""
