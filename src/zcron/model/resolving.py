"""Key-by-key conflict resolution for BTrees whose writers touch different
keys: each key as the side that changed it left it, ``merged(old,
committed, new)`` for a key both changed (MISSING where absent). Used by
the crontab's digest and the queue's claims."""
from ZODB.POSException import ConflictError

MISSING = object()              # a key absent from one side of a conflict


def bucket_state(states, merged, inline=False):
    """A bucket's state from (old, committed, new) states. A bucket split
    on one side changes the tree above it, and so does one emptied unless
    it is the tree's only bucket, kept ``inline`` in the tree's record:
    those stay conflicts. So does a merge that would empty it (each side
    removed some of its keys, together all): the tree would keep an empty
    bucket, which BTrees' range searches do not survive."""
    if len({len(state) for state in states}) > 1 or \
            any(state[1:] != states[0][1:] for state in states):
        raise ConflictError("a bucket split meanwhile")
    old, com, new = (dict(zip(state[0][::2], state[0][1::2])) for state in states)
    result = _items(old, com, new, merged)
    if not inline and not (com and new and result):
        raise ConflictError("a bucket emptied meanwhile")
    return (tuple(x for key in sorted(result) for x in (key, result[key])),) + states[0][1:]


def _items(old, com, new, merged):
    """The merged {key: value} of three sides' items."""
    result = dict(com)
    for key in old.keys() | new.keys():
        value = _key(old.get(key, MISSING), com.get(key, MISSING), new.get(key, MISSING),
                     merged)
        if value is MISSING:
            result.pop(key, None)
        else:
            result[key] = value
    return result


def _key(was, com, new, merged):
    if new == was or new is com is MISSING:       # unchanged, or removed on both
        return com
    return new if com == was else merged(was, com, new)


def tree_state(states, merged):
    """A tree small enough to hold its one bucket inline (None: empty)
    resolves as that bucket, emptied or not; a bigger one in its buckets
    (its nodes changed on both sides: a conflict)."""
    states = [((((),),),) if state is None else state for state in states]
    if not all(len(state) == 1 and len(state[0]) == 1 for state in states):
        raise ConflictError("a tree changed its nodes meanwhile")
    bucket = bucket_state([state[0][0] for state in states], merged, inline=True)
    return ((bucket,),) if bucket[0] else None


def resolving(name, module, tree_base, bucket_base, merged, **attributes):
    """A BTree class (and its buckets') named ``name`` in ``module``,
    resolving conflicts with ``merged``, with ``attributes`` (such as
    ``max_leaf_size``)."""
    bucket = type(f"{name}Bucket", (bucket_base,), {
        "__module__": module,
        "_p_resolveConflict": lambda self, *states: bucket_state(states, merged)})
    tree = type(name, (tree_base,), dict(
        attributes, __module__=module, _bucket_type=bucket,
        _p_resolveConflict=lambda self, *states: tree_state(states, merged)))
    return tree, bucket
