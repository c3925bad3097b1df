"""The policy is one file, and its loader refuses a row written twice (tests/policy_file.py)."""

from pathlib import Path

import pytest
import yaml

from tests.policy_file import POLICY_FILE, DuplicateKeyError, load_policy, load_yaml

REPO = Path(__file__).resolve().parent.parent


def test_a_route_written_twice_is_refused() -> None:
    text = """
routes:
  accounts:login:
    anonymous: 200
    others: 302
  cases:case_list:
    anonymous: 302
    others: 403
  accounts:login:
    anonymous: 200
    others: 200
"""
    with pytest.raises(DuplicateKeyError, match=r"'accounts:login' twice.*line 3 and line 9"):
        load_yaml(text)


def test_a_key_written_twice_inside_a_row_is_refused() -> None:
    text = """
api:
  GET /api/v1/me:
    anonymous: 401
    roles: {admin: 200, admin: 403}
"""
    with pytest.raises(DuplicateKeyError, match="'admin' twice"):
        load_yaml(text)


def test_a_duplicate_in_the_state_matrix_is_refused() -> None:
    text = """
states:
  not_stateful:
    POST /api/v1/cases: "no object"
    POST /api/v1/cases: "no state"
"""
    with pytest.raises(DuplicateKeyError, match="POST /api/v1/cases"):
        load_yaml(text)


def test_a_duplicate_inside_an_anchored_row_is_refused() -> None:
    text = """
routes:
  public:report: &open
    anonymous: 200
    anonymous: 302
  public:track: *open
"""
    with pytest.raises(DuplicateKeyError, match="'anonymous' twice"):
        load_yaml(text)


def test_overriding_a_merged_key_and_reusing_an_anchor_are_allowed() -> None:
    text = """
routes:
  mapping:entry_screen: &draft
    object: mapping_draft
    anonymous: 302
  mapping:entry_discard:
    <<: *draft
    method: POST
    anonymous: 401
  mapping:entry_again: *draft
"""
    routes = load_yaml(text)["routes"]
    assert routes["mapping:entry_discard"] == {
        "object": "mapping_draft",
        "anonymous": 401,
        "method": "POST",
    }
    assert routes["mapping:entry_again"] == routes["mapping:entry_screen"]


def test_the_same_operation_may_be_in_api_and_in_the_state_matrix() -> None:
    """Keys are unique per mapping: ``states.api`` repeats operations of ``api``."""
    policy = load_yaml("api: {POST /x: {anonymous: 401}}\nstates: {api: {POST /x: {}}}")
    assert set(policy["api"]) == set(policy["states"]["api"]) == {"POST /x"}


def test_an_anchor_named_twice_is_refused() -> None:
    """One file shares one set of anchors: a second &name must get a name of its own."""
    with pytest.raises(yaml.composer.ComposerError, match="duplicate anchor"):
        load_yaml("a: &row {x: 1}\nb: &row {x: 2}\nc: *row\n")


def test_the_policy_file_loads_with_its_three_sections() -> None:
    policy = load_policy()
    assert set(policy) == {"routes", "api", "states"}
    assert set(policy["states"]) == {"objects", "api", "not_stateful"}


def test_there_is_no_other_policy_file() -> None:
    """Rows in a second file would be read by nobody: every row goes into the one file."""
    stray = [
        str(path.relative_to(REPO))
        for pattern in ("src/**/access_policy*.yaml", "tests/**/*policy*.yaml")
        for path in REPO.glob(pattern)
        if path != POLICY_FILE
    ]
    assert not stray, f"Move these rows into {POLICY_FILE.relative_to(REPO)}: {stray}"
