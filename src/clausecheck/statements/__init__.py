"""The statement stage: what each sentence of a contract does, not how it is worded.

Between structure (clauses, parties) and the engine (rules → findings). Every sentence — and
every proviso (ただし書, "provided that") — becomes a `Statement`: the modality that binds its
actor (a right, a duty, a prohibition, a state of ownership, a release), the actions, objects,
consideration, time and conditions it speaks of. The words behind each feature live in
`rules/lexicon/` (YAML, both languages); rules written with `when:` name features, so one rule
covers "Partner hereby assigns…", "…shall vest in Company" and 「乙は…甲に譲渡する」 alike.

Who the actor, holder and beneficiary are is a question of the contract's parties, answered by
the engine's party index when a rule asks (`actor_of`), because a sentence that joins two
clauses has one actor per clause.
"""

from clausecheck.statements.extract import Statement, statements_of
from clausecheck.statements.lexicon import FEATURES, CompiledLexicon, Cue, Lexicon, load_lexicon

__all__ = ["FEATURES", "CompiledLexicon", "Cue", "Lexicon", "Statement", "load_lexicon", "statements_of"]
