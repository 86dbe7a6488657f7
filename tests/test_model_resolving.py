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


def _bucket(*keys):
    return (tuple(x for key in keys for x in (key, "claim")),)


def test_a_merge_that_would_empty_a_bucket_is_a_conflict():
    """Each side removed one of a bucket's two keys: the merge would leave
    an empty bucket in its tree."""
    from zcron.model.resolving import bucket_state
    with pytest.raises(ConflictError, match="emptied"):
        bucket_state([_bucket("a", "b"), _bucket("b"), _bucket("a")], _never)
    assert bucket_state([_bucket("a", "b", "c"), _bucket("b", "c"), _bucket("a", "c")],
                        _never) == _bucket("c")


@pytest.mark.parametrize("tree_class", [ClaimsTree, Digest])
def test_two_connections_emptying_a_bucket_between_them(tmp_path, tree_class):
    """Over a real storage: of two transactions that each remove one of
    the last two keys of a bucket, the second conflicts, and the tree
    stays well formed: no empty bucket, which made a worker's range search
    over its claims abort (BTree_rangeSearch: highoffset >= 0)."""
    import transaction
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    try:
        with db.transaction() as conn:
            tree = conn.root()["tree"] = tree_class()
            for i in range(400):
                tree[f"k{i:03d}"] = "claim"
        with db.transaction() as conn:
            tree = conn.root()["tree"]
            middle = tree.__getstate__()[0][2]       # the second bucket
            first, second, *rest = middle.keys()
            for key in rest:
                del tree[key]
        tm_a, tm_b = transaction.TransactionManager(), transaction.TransactionManager()
        conn_a, conn_b = db.open(tm_a), db.open(tm_b)
        # (the other way round, removing a bucket's first key conflicts on reading its tree)
        del conn_a.root()["tree"][second]
        del conn_b.root()["tree"][first]
        tm_a.commit()
        with pytest.raises(ConflictError):
            tm_b.commit()
        tm_b.abort()
        conn_a.close()
        conn_b.close()
        with db.transaction() as conn:
            tree = conn.root()["tree"]
            tree._check()             # the bucket chain matches the tree
            assert all(len(bucket) for bucket in _buckets(tree))
            assert second not in tree and first in tree
            assert len(list(tree.items(min="k", max="k\uffff"))) == len(tree)
    finally:
        db.close()


def _buckets(tree):
    """A multi-bucket tree's buckets, by their chain from the first."""
    bucket = tree.__getstate__()[1]
    while bucket is not None:
        yield bucket
        state = bucket.__getstate__()
        bucket = state[1] if len(state) > 1 else None
