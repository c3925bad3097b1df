"""The one policy file (src/sipakatau/access_policy.yaml), read so that no row hides another.

PyYAML keeps the last of two equal keys in a mapping without a word, so a route written
twice (by two people adding rows at once) would silently drop one expected answer. This
loader refuses any mapping that names a key twice. Keys merged in with ``<<: *anchor`` are
not counted: overriding a merged key is what a merge is for.
"""

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

POLICY_FILE = Path(__file__).resolve().parent.parent / "src" / "sipakatau" / "access_policy.yaml"
MERGE_TAG = "tag:yaml.org,2002:merge"


class DuplicateKeyError(yaml.YAMLError):
    """A mapping of the policy names one key twice."""


def _refuse_duplicate_keys(node: Node, seen: set[int]) -> None:
    if id(node) in seen:  # an alias: its anchor was checked where it was written
        return
    seen.add(id(node))
    if isinstance(node, MappingNode):
        first: dict[str, Node] = {}
        for key, value in node.value:
            if isinstance(key, ScalarNode) and key.tag != MERGE_TAG:
                if key.value in first:
                    line = first[key.value].start_mark.line + 1
                    raise DuplicateKeyError(
                        f"key {key.value!r} twice in one mapping: line {line} and"
                        f" line {key.start_mark.line + 1} of {key.start_mark.name}"
                    )
                first[key.value] = key
            _refuse_duplicate_keys(value, seen)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _refuse_duplicate_keys(item, seen)


class UniqueKeyLoader(yaml.SafeLoader):
    """yaml.SafeLoader that raises DuplicateKeyError on a key written twice."""

    def construct_document(self, node: Node) -> Any:
        _refuse_duplicate_keys(node, set())
        return super().construct_document(node)


def load_yaml(text: str, name: str = "<policy>") -> Any:
    loader = UniqueKeyLoader(text)
    loader.name = name
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_policy(path: Path = POLICY_FILE) -> dict[str, Any]:
    """The whole policy: ``routes``, ``api`` and ``states`` (objects, api, not_stateful)."""
    policy = load_yaml(path.read_text(encoding="utf-8"), str(path))
    assert isinstance(policy, dict), f"{path}: not a mapping"
    unknown = set(policy) - {"routes", "api", "states"}
    assert not unknown, f"{path}: unknown sections {unknown}"
    return policy
