# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Compiled versions of the two hot loops of keyword extraction.

They compute exactly what the pure-Python code in ``candidates.py`` computes (the tests
compare the two on random input); ``candidates.py`` uses them when this module was built.
"""

from cpython.dict cimport PyDict_GetItem, PyDict_SetItem
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE
from cpython.object cimport PyObject
from cpython.unicode cimport PyUnicode_Concat
from libc.stdlib cimport calloc, free, malloc, qsort


cdef int _kinds(list tokens, dict memo, object kind_of, bint tagged, list words, char* kb,
                Py_ssize_t* first_end, Py_ssize_t* last) except -1:
    """Fill ``kb`` with each token's kind ("0" other, "1" content, "2" sentence end, "3" affix),
    memoised in ``memo``; fill ``words`` from tagged tokens; report the first sentence end and
    the last content word (-1 when none)."""
    cdef Py_ssize_t i, n = PyList_GET_SIZE(tokens)
    cdef object tok, k
    cdef PyObject* found
    for i in range(n):
        tok = <object> PyList_GET_ITEM(tokens, i)
        found = PyDict_GetItem(memo, tok)
        if found == NULL:
            k = kind_of(tok)
            PyDict_SetItem(memo, tok, k)
        else:
            k = <object> found
        kb[i] = <char> ord((<str> k)[0])
        if tagged:
            words[i] = tok[0]
        if kb[i] == 49:
            last[0] = i
        elif kb[i] == 50 and first_end[0] < 0:
            first_end[0] = i
    return 0


def build(list tokens, dict memo, object kind_of, bint tagged, int max_words):
    """Token kinds, counts, phrase runs and first/last-sentence candidates of one document.

    Returns:
        ``(words, kinds, count, single, starts, keys, in_first, in_last)`` as documented on
        ``Candidates``; ``in_first``/``in_last`` are ``None`` for one-sentence documents.
    """
    cdef Py_ssize_t n = PyList_GET_SIZE(tokens)
    cdef Py_ssize_t i, j, m, first_end = -1, last = -1, last_start = 0, run_end
    cdef object tok, k, w, key
    cdef PyObject* found
    cdef char* kb = <char*> malloc(n + 1)
    cdef list words = [None] * n if tagged else list(tokens)
    cdef dict count = {}
    cdef dict single = {}
    cdef dict starts = {}
    cdef dict keys = {}
    cdef list st
    cdef list ks
    cdef bint has_content
    if kb == NULL:
        raise MemoryError()
    try:
        _kinds(tokens, memo, kind_of, tagged, words, kb, &first_end, &last)
        kb[n] = 0
        kinds = kb[:n].decode("ascii")
        if last < 0:
            return words, kinds, count, single, starts, keys, None, None
        # single words
        for i in range(n):
            if kb[i] == 49:
                w = words[i]
                found = PyDict_GetItem(count, w)
                count[w] = 1 if found == NULL else <object> found + 1
                single[w] = 1
        # phrases of 2..max_words adjacent content words and affixes, with a content word
        for m in range(2, max_words + 1):
            st = []
            ks = []
            i = 0
            while i <= n - m:
                if kb[i] != 49 and kb[i] != 51:
                    i += 1
                    continue
                run_end = i
                while run_end < n and (kb[run_end] == 49 or kb[run_end] == 51):
                    run_end += 1
                # run [i, run_end): every window of length m inside it with a content word
                for j in range(i, run_end - m + 1):
                    has_content = False
                    for k2 in range(j, j + m):
                        if kb[k2] == 49:
                            has_content = True
                            break
                    if not has_content:
                        continue
                    key = words[j]
                    for k2 in range(j + 1, j + m):
                        key = PyUnicode_Concat(key, words[k2])
                    st.append(j)
                    ks.append(key)
                    found = PyDict_GetItem(count, key)
                    count[key] = 1 if found == NULL else <object> found + 1
                i = run_end
            if not st:
                break
            starts[m] = st
            keys[m] = ks
        if first_end < 0 or first_end >= last:
            return words, kinds, count, single, starts, keys, None, None
        for i in range(last - 1, -1, -1):
            if kb[i] == 50:
                last_start = i + 1
                break
        in_first = set()
        in_last = set()
        for i in range(first_end):
            if kb[i] == 49:
                in_first.add(words[i])
        for i in range(last_start, n):
            if kb[i] == 49:
                in_last.add(words[i])
        for m, st in starts.items():
            ks = keys[m]
            for j in range(len(st)):
                i = st[j]
                if i < first_end:
                    in_first.add(ks[j])
                elif i >= last_start:
                    in_last.add(ks[j])
        return words, kinds, count, single, starts, keys, in_first, in_last
    finally:
        free(kb)


def values(list words, dict single, dict starts, dict keys, object lookup, weights,
           dict count=None):
    """Each candidate's value: a word's own, a phrase's words' sum times its length weight.

    With ``count``, each value is multiplied by the candidate's count (TF-IDF's score).
    """
    cdef dict out = {}
    cdef dict table = <dict> lookup
    cdef Py_ssize_t n = PyList_GET_SIZE(words), i, j, k, m, nw = len(weights)
    cdef list st
    cdef list ks
    cdef double s, wn
    cdef PyObject* found
    cdef object w, key, v
    cdef double* tv = <double*> malloc((n + 1) * sizeof(double))
    cdef char* seen = <char*> calloc(n + 1, 1)
    if tv == NULL or seen == NULL:
        free(tv)
        free(seen)
        raise MemoryError()
    try:
        if starts:
            # The value of every token that starts or continues a phrase, looked up once.
            for m, st in starts.items():
                for j in range(len(st)):
                    i = st[j]
                    for k in range(i, i + m):
                        if not seen[k]:
                            w = <object> PyList_GET_ITEM(words, k)
                            found = PyDict_GetItem(table, w)
                            tv[k] = <double> (<object> found) if found != NULL else lookup[w]
                            seen[k] = 1
            for m, st in starts.items():
                ks = keys[m]
                wn = weights[(m if m < nw else nw) - 1]
                for j in range(len(st)):
                    i = st[j]
                    s = 0.0
                    for k in range(i, i + m):
                        s += tv[k]
                    key = <object> PyList_GET_ITEM(ks, j)
                    if count is not None:
                        s *= <double> (<object> PyDict_GetItem(count, key))
                    out[key] = s * wn
        for w in single:
            found = PyDict_GetItem(table, w)
            v = <object> found if found != NULL else lookup[w]
            if count is not None:
                v = <double> v * <double> (<object> PyDict_GetItem(count, w))
            out[w] = v
        return out
    finally:
        free(tv)
        free(seen)


cdef struct Scored:
    double score
    Py_ssize_t index


cdef int _by_score_desc(const void* a, const void* b) noexcept nogil:
    cdef double x = (<Scored*> a).score
    cdef double y = (<Scored*> b).score
    if x > y:
        return -1
    if x < y:
        return 1
    # ties: earlier candidate (text order) first, as a stable sort would
    return -1 if (<Scored*> a).index < (<Scored*> b).index else 1


cdef bint _overlap(str a, str b):
    """Whether ``a`` and ``b`` overlap without one holding the other (磷酸铁 / 铁锂电池)."""
    cdef Py_ssize_t k, m = min(len(a), len(b))
    if a in b or b in a:
        return False
    for k in range(1, m):
        if a.endswith(b[:k]) or b.endswith(a[:k]):
            return True
    return False


cdef bint _redundant(str key, long c, str other, long co):
    """Whether ``key`` (seen ``c`` times) adds nothing beside the chosen ``other`` (``co``)."""
    return (c <= co and key in other) or (c >= co and other in key) or _overlap(key, other)


def rank(dict scores, dict count, object in_first, object in_last, double position_weight,
         Py_ssize_t top_k):
    """The best ``top_k`` candidates, best first, as ``(key, score)`` pairs.

    Applies the first/last-sentence bonus (``1 + position_weight`` for each), sorts by score
    (ties in insertion order), and skips a candidate that occurs only inside a better-ranked
    chosen phrase (its count is not above that phrase's), a phrase that only repeats a chosen
    part (it occurs as often as that part), and a candidate that overlaps a chosen one.
    """
    cdef Py_ssize_t n = len(scores), i, j, picked = 0
    cdef list keys = list(scores)
    cdef Scored* arr = <Scored*> malloc(n * sizeof(Scored) + 1)
    cdef double factor = 1.0 + position_weight
    cdef double s
    cdef object key, other
    cdef list chosen = []
    cdef list out = []
    cdef long c
    cdef bint skip
    if arr == NULL:
        raise MemoryError()
    try:
        for i in range(n):
            key = <object> PyList_GET_ITEM(keys, i)
            s = <double> (<object> PyDict_GetItem(scores, key))
            if position_weight != 0.0 and in_first is not None:
                if key in in_first:
                    s *= factor
                if key in in_last:
                    s *= factor
            arr[i].score = s
            arr[i].index = i
        qsort(arr, n, sizeof(Scored), _by_score_desc)
        for i in range(n):
            key = <object> PyList_GET_ITEM(keys, arr[i].index)
            c = <long> (<object> PyDict_GetItem(count, key))
            skip = False
            for j in range(picked):
                other = chosen[j]
                if _redundant(key, c, other, <long> (<object> PyDict_GetItem(count, other))):
                    skip = True
                    break
            if skip:
                continue
            chosen.append(key)
            out.append((key, arr[i].score))
            picked += 1
            if picked == top_k:
                break
        return out
    finally:
        free(arr)


def textrank(list words, str kinds, int window, double damping, int max_iter, double tol):
    """TextRank scores of the content words of one document (unweighted co-occurrence graph).

    The same graph and iteration as ``textrank.pagerank`` on the edge lists built by
    ``TextRankKeywords.word_ranks``: two content words within ``window`` tokens are joined
    (each co-occurrence adds 1 both ways); power iteration until no score moves more than
    ``tol``, testing every 4 rounds.
    """
    cdef Py_ssize_t n = PyList_GET_SIZE(words), i, j, e = 0, v = 0, r, it
    cdef dict vocab = {}
    cdef PyObject* found
    cdef object w
    cdef long* ids = <long*> malloc((n + 1) * sizeof(long))
    cdef long* src = <long*> malloc((2 * window * n + 1) * sizeof(long))
    cdef long* dst = <long*> malloc((2 * window * n + 1) * sizeof(long))
    cdef double* out = NULL
    cdef double* s = NULL
    cdef double* new = NULL
    cdef double delta, base = 1.0 - damping
    cdef list order = []
    if ids == NULL or src == NULL or dst == NULL:
        free(ids); free(src); free(dst)
        raise MemoryError()
    try:
        for i in range(n):
            if kinds[i] == "1":
                w = <object> PyList_GET_ITEM(words, i)
                found = PyDict_GetItem(vocab, w)
                if found == NULL:
                    vocab[w] = v
                    order.append(w)
                    ids[i] = v
                    v += 1
                else:
                    ids[i] = <long> (<object> found)
            else:
                ids[i] = -1
        if v == 0:
            return {}
        for i in range(n):
            if ids[i] < 0:
                continue
            for j in range(i + 1, min(i + window, n)):
                if ids[j] >= 0 and ids[j] != ids[i]:
                    src[e] = ids[i]; dst[e] = ids[j]; e += 1
                    src[e] = ids[j]; dst[e] = ids[i]; e += 1
        out = <double*> calloc(v, sizeof(double))
        s = <double*> malloc(v * sizeof(double))
        new = <double*> malloc(v * sizeof(double))
        if out == NULL or s == NULL or new == NULL:
            raise MemoryError()
        for i in range(e):
            out[src[i]] += 1.0
        for i in range(v):
            s[i] = 1.0
        if e > 0:
            it = 0
            while it < max_iter:
                delta = 0.0
                for r in range(4):
                    for i in range(v):
                        new[i] = 0.0
                    for i in range(e):
                        new[dst[i]] += s[src[i]] / out[src[i]]
                    for i in range(v):
                        new[i] = base + damping * new[i]
                        if r == 3 and abs(new[i] - s[i]) > delta:
                            delta = abs(new[i] - s[i])
                        s[i] = new[i]
                it += 4
                if delta < tol:
                    break
        return {order[i]: s[i] for i in range(v)}
    finally:
        free(ids); free(src); free(dst); free(out); free(s); free(new)


def tfidf_top(list tokens, dict memo, object kind_of, bint tagged, int max_words,
              object lookup, weights, double position_weight, Py_ssize_t top_k):
    """TF-IDF keywords of one document in one pass: the same ranking as ``build`` +
    ``values(..., count)`` + ``rank``, without building the intermediate dicts and sets.

    Quoted terms are not handled here: callers use the step-by-step path for documents with
    quotation marks.
    """
    cdef Py_ssize_t n = PyList_GET_SIZE(tokens), i, j, k2, m, u, nu = 0, picked = 0
    cdef Py_ssize_t first_end = -1, last = -1, last_start = 0, run_end
    cdef Py_ssize_t cap = n * (max_words if max_words > 0 else 1) + 1
    cdef Py_ssize_t nw = len(weights)
    cdef object tok, k, w, key, other
    cdef PyObject* found
    cdef dict index = {}
    cdef dict table = <dict> lookup
    cdef list words = [None] * n if tagged else tokens
    cdef list uniq = []
    cdef list chosen = []
    cdef list out = []
    cdef char* kb = <char*> malloc(n + 1)
    cdef double* tv = <double*> malloc((n + 1) * sizeof(double))
    cdef long* counts = <long*> calloc(cap, sizeof(long))
    cdef double* value = <double*> malloc(cap * sizeof(double))
    cdef char* flags = <char*> calloc(cap, 1)
    cdef Scored* arr = <Scored*> malloc(cap * sizeof(Scored))
    cdef double s, wn, factor = 1.0 + position_weight
    cdef bint skip, has_content, bonus
    cdef char f
    if (kb == NULL or tv == NULL or counts == NULL or value == NULL or flags == NULL
            or arr == NULL):
        free(kb); free(tv); free(counts); free(value); free(flags); free(arr)
        raise MemoryError()
    try:
        _kinds(tokens, memo, kind_of, tagged, words, kb, &first_end, &last)
        if last < 0:
            return out
        bonus = position_weight != 0.0 and 0 <= first_end < last
        if bonus:
            for i in range(last - 1, -1, -1):
                if kb[i] == 50:
                    last_start = i + 1
                    break
        # phrases: windows of m words and affixes holding a content word
        if max_words > 1:
            for i in range(n):
                if kb[i] == 49 or kb[i] == 51:
                    w = <object> PyList_GET_ITEM(words, i)
                    found = PyDict_GetItem(table, w)
                    tv[i] = <double> (<object> found) if found != NULL else <double> lookup[w]
        for m in range(2, max_words + 1):
            wn = weights[(m if m < nw else nw) - 1]
            picked = 0  # windows found for this m
            i = 0
            while i <= n - m:
                if kb[i] != 49 and kb[i] != 51:
                    i += 1
                    continue
                run_end = i
                while run_end < n and (kb[run_end] == 49 or kb[run_end] == 51):
                    run_end += 1
                for j in range(i, run_end - m + 1):
                    has_content = False
                    s = 0.0
                    for k2 in range(j, j + m):
                        if kb[k2] == 49:
                            has_content = True
                        s += tv[k2]
                    if not has_content:
                        continue
                    picked += 1
                    key = <object> PyList_GET_ITEM(words, j)
                    for k2 in range(j + 1, j + m):
                        key = PyUnicode_Concat(key, <object> PyList_GET_ITEM(words, k2))
                    found = PyDict_GetItem(index, key)
                    if found == NULL:
                        u = nu
                        index[key] = u
                        uniq.append(key)
                        nu += 1
                    else:
                        u = <long> (<object> found)
                    counts[u] += 1
                    value[u] = s * wn
                    if bonus:
                        if j < first_end:
                            flags[u] |= 1
                        if j >= last_start:
                            flags[u] |= 2
                i = run_end
            if picked == 0:
                break
        # single words, after the phrases (the order of ties matches the reference code)
        for i in range(n):
            if kb[i] != 49:
                continue
            w = <object> PyList_GET_ITEM(words, i)
            found = PyDict_GetItem(index, w)
            if found == NULL:
                u = nu
                index[w] = u
                uniq.append(w)
                nu += 1
            else:
                u = <long> (<object> found)
            if not (flags[u] & 4):  # a word's value is its own, whatever phrase shares it
                found = PyDict_GetItem(table, w)
                value[u] = <double> (<object> found) if found != NULL else <double> lookup[w]
                flags[u] |= 4
            counts[u] += 1
            if bonus:
                if i < first_end:
                    flags[u] |= 1
                if i >= last_start:
                    flags[u] |= 2
        for u in range(nu):
            s = value[u] * counts[u]
            f = flags[u]
            if f & 1:
                s *= factor
            if f & 2:
                s *= factor
            arr[u].score = s
            arr[u].index = u
        qsort(arr, nu, sizeof(Scored), _by_score_desc)
        picked = 0
        for i in range(nu):
            u = arr[i].index
            key = <object> PyList_GET_ITEM(uniq, u)
            skip = False
            for j in range(picked):
                other = chosen[j]
                if _redundant(key, counts[u], other,
                              counts[<long> (<object> PyDict_GetItem(index, other))]):
                    skip = True
                    break
            if skip:
                continue
            chosen.append(key)
            out.append((key, arr[i].score))
            picked += 1
            if picked == top_k:
                break
        return out
    finally:
        free(kb); free(tv); free(counts); free(value); free(flags); free(arr)
