"""The trained clause-topic classifier that runs beside the rules (features, units, model, combination).

Rules judge (risk, favour); this model only makes sure a clause worded in a way no rule
foresaw is still seen as its topic. It is plain numpy data shipped in `clausecheck/models/`
and built by `benchmarks/train_topics.py`.
"""
