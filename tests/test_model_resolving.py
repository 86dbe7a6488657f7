"""zcron.model.resolving: key-by-key conflict resolution of BTrees."""
from importlib import import_module

import pytest
from ZODB.POSException import ConflictError

from zcron.model.digest import Counts, CountsBucket, Digest, DigestBucket
from zcron.model.resolving import tree_state
from zcron.queue.trees import ClaimsTree, ClaimsTreeBucket


@pytest.mark.parametrize("cls", [Digest, DigestBucket, Counts, CountsBucket, ClaimsTree,
                                 ClaimsTreeBucket])
def test_each_class_is_found_where_its_pickles_say(cls):
    """A record names its class by module and name: a bucket bound under
    another name could not be stored (a claims tree past one bucket)."""
    assert getattr(import_module(cls.__module__), cls.__name__) is cls


def _inline(**items):
    return ((((tuple(x for key in sorted(items) for x in (key, items[key]))),),),)


def _never(was, com, new):
    raise ConflictError("both")


def test_a_tree_emptied_on_one_side_merges():
    old = _inline(a="1", b="2")
    assert tree_state([old, _inline(b="2"), _inline(a="1")], _never) is None
    assert tree_state([old, None, _inline(a="1", b="2", c="3")], _never) == _inline(c="3")


def test_a_key_changed_on_both_sides_is_left_to_merged():
    with pytest.raises(ConflictError):
        tree_state([None, _inline(a="1"), _inline(a="2")], _never)
