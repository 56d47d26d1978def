"""Size limits of a rule pack, checked before YAML is built or a regex compiled (E220).

A rule pack is input too, and may come from anyone: 655 bytes of YAML anchors and merge keys
(`<<: [*a, *a, ...]`, nine levels deep) expand to billions of values and took 3 GB before
failing; 330,000 regexes took 14 GB to compile. So each file's size is bounded, its YAML is
measured from the parser's event stream (an alias counts the whole node it stands for, as
if written out) before any Python object is built, and the patterns of all packs together
are counted before they are compiled. The built-in pack is far below every limit (its
largest file is 6 KB with a few hundred values, about 1,000 patterns in all).
"""

from __future__ import annotations

import yaml

MAX_RULE_FILE_BYTES = 1024 * 1024
MAX_YAML_VALUES = 50_000  # scalars and collections of one file, aliases expanded
MAX_YAML_DEPTH = 64
MAX_PATTERNS = 20_000  # phrases, token patterns and regexes of all packs together
PATTERN_KEYS = ("phrases", "patterns", "regex", "unless", "inside", "not_inside", "requires")

_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PackTooLarge(Exception):
    """A rule file is over a limit; the message says which, for an E220 problem."""


def check_yaml_size(text: str) -> None:
    """Raise PackTooLarge when `text`'s YAML, aliases expanded, is over the value or depth limit."""
    sizes = [0]  # values counted so far in each open collection (the first is the stream)
    open_anchors: list[str | None] = []
    anchors: dict[str, int] = {}
    for event in yaml.parse(text, Loader=_Parser):
        if isinstance(event, yaml.AliasEvent):
            sizes[-1] += anchors.get(event.anchor, 1)
        elif isinstance(event, yaml.ScalarEvent):
            sizes[-1] += 1
            if event.anchor:
                anchors[event.anchor] = 1
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            sizes.append(1)
            open_anchors.append(event.anchor)
            if len(sizes) > MAX_YAML_DEPTH:
                raise PackTooLarge(f"YAML nested more than {MAX_YAML_DEPTH} levels deep")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            size = sizes.pop()
            anchor = open_anchors.pop()
            if anchor:
                anchors[anchor] = size
            sizes[-1] += size
        else:
            continue
        if sizes[-1] > MAX_YAML_VALUES:
            raise PackTooLarge(f"YAML expands to more than {MAX_YAML_VALUES:,} values once anchors and aliases are written out (alias bomb?)")


def count_patterns(data) -> int:
    """Phrases, token patterns and regexes a rule file's language blocks hold."""
    if not isinstance(data, dict):
        return 0
    total = 0
    for block in data.values():
        if not isinstance(block, dict):
            continue
        for key in PATTERN_KEYS:
            value = block.get(key)
            if isinstance(value, list):
                total += len(value)
            elif isinstance(value, str):
                total += 1
    return total


class PatternTally:
    """The patterns of all packs counted as their files are read, against MAX_PATTERNS."""

    def __init__(self, limit: int = MAX_PATTERNS):
        self.limit = limit
        self.count = 0

    def add(self, count: int) -> bool:
        """Count a file's patterns; True when the packs are now over the limit."""
        self.count += count
        return self.count > self.limit
