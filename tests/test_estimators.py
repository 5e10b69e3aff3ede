"""The estimator contract, for every estimator zhtext has.

Each estimator is fitted on tiny data written here, then: ``fit`` returns ``self``; ``save`` →
``zhtext.load`` and ``Class.load(path)`` → the same predictions; a clear ``NotFittedError``
before ``fit``; ``sklearn.base.clone`` gives an unfitted copy with equal settings;
``get_params`` / ``set_params`` round-trip. Then scikit-learn's own checks, where they apply,
and ``Pipeline`` / ``GridSearchCV`` / ``cross_val_score`` on real text.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError as SklearnNotFittedError  # noqa: E402
from sklearn.utils import estimator_checks as checks  # noqa: E402
from sklearn.utils.validation import check_is_fitted  # noqa: E402

import zhtext  # noqa: E402
from zhtext import NotFittedError  # noqa: E402
from zhtext.classify import TextClassifier  # noqa: E402
from zhtext.errors import InputError, ZhtextError  # noqa: E402
from zhtext.keywords import KeywordExtractor, TextRankKeywords, TfidfKeywords  # noqa: E402
from zhtext.keywords.embedding import EmbeddingKeywords  # noqa: E402
from zhtext.keywords.supervised import SupervisedKeywords  # noqa: E402
from zhtext.params import MethodEstimator  # noqa: E402
from zhtext.tag import Sentence, Tagger  # noqa: E402
from zhtext.topics import TopicModel  # noqa: E402

# -- tiny data, written for these tests -----------------------------------------------------

KW_DOCS = [
    "深度学习推动了自然语言处理的快速发展。神经网络模型在机器翻译任务上效果显著。",
    "城市轨道交通改善了居民出行条件。地铁线路带动了沿线房地产开发，轨道交通需要规划。",
    "土壤重金属污染的修复技术受到关注。植物修复成本较低但周期较长，重金属污染危害大。",
    "新能源汽车销量持续增长。电池技术的进步降低了新能源汽车的成本。",
    "气候变化影响农作物产量。科学家研究耐旱农作物以应对气候变化。",
    "在线教育平台用户数量快速增加。教师通过直播课程开展在线教育。",
]
KW_GOLD = [["深度学习", "自然语言处理", "神经网络"], ["轨道交通", "地铁"],
           ["重金属污染", "植物修复"], ["新能源汽车", "电池技术"], ["气候变化", "农作物"],
           ["在线教育", "直播课程"]]

_SPORT = ["球队在比赛中赢得冠军，球员表现出色，教练赞扬球迷。",
          "足球比赛进入决赛，球队主教练调整阵容，球员射门得分。",
          "篮球联赛开打，球队引进新球员，比赛门票售罄，球迷欢呼。"]
_FINANCE = ["股票市场大幅上涨，投资者买入银行股票，基金经理看好行情。",
            "证券公司发布报告，股票价格波动，投资者关注基金收益。",
            "银行利率调整影响股票市场，基金公司增加投资，投资者情绪高涨。"]
TOPIC_DOCS = [t for _ in range(6) for t in _SPORT + _FINANCE]
TOPIC_LABELS = [lab for _ in range(6) for lab in ["体育"] * 3 + ["财经"] * 3]

CLS_TEXTS = [f"{a}{b}" for a in ("球队", "球员", "教练", "球迷") for b in
             ("赢得比赛", "进入决赛", "夺得冠军")] + \
            [f"{a}{b}" for a in ("央行", "银行", "基金", "股市") for b in
             ("下调利率", "发布财报", "吸引投资")]
CLS_LABELS = ["体育"] * 12 + ["财经"] * 12

_PEOPLE = ["张伟", "李明", "王芳", "刘强", "陈静"]
_PLACES = ["北京", "上海", "广州", "深圳"]


def _cws_data() -> list[Sentence]:
    out = []
    for person in _PEOPLE:
        for place in _PLACES:
            words = [person, "今天", "访问", place, "。"]
            spans, at = [], 0
            for w in words:
                spans.append((at, at + len(w), ""))
                at += len(w)
            out.append(Sentence("".join(words), spans, words=True))
    return out


def _ner_data() -> list[Sentence]:
    out = []
    for person in _PEOPLE:
        for place in _PLACES:
            text = f"{person}今天访问{place}。"
            out.append(Sentence(text, [(0, len(person), "PER"),
                                       (len(person) + 4, len(person) + 4 + len(place), "LOC")]))
    return out


CRF = {"dictionary": "none", "segmenter": False, "max_iterations": 30}
TAG_TEXTS = ["王芳今天访问上海。", "李明今天访问深圳。", "陈静今天访问北京。"]


# -- how each estimator is made, fitted and asked ---------------------------------------------


def _keywords(est: Any) -> Any:
    return [[(k.text, k.score, k.start, k.end) for k in doc] for doc in est.extract(KW_DOCS)]


def _topics(est: Any) -> Any:
    # LDA inference starts from random values, so weights differ in the last digits between
    # two models; the best topic of each document and the topics' words do not.
    return ([d[0][0] for d in est.infer(TOPIC_DOCS[:6])],
            [[w for w, _ in t.words[:5]] for t in est.topics(top_n=5)])


def _classify(est: Any) -> Any:
    return [(p.label, p.scores) for p in est.predict(CLS_TEXTS[::3])]


def _tag(est: Any) -> Any:
    return est.predict(TAG_TEXTS)


@dataclass
class Case:
    """An estimator of the contract: how to make, fit and query it, and a setting to change."""

    id: str
    make: Callable[..., Any]
    fit: Callable[[Any], Any]
    predict: Callable[[Any], Any]
    tweak: tuple[str, Any]
    requires_fit: bool = True
    fixtures: tuple[str, ...] = ()
    marks: list[Any] = field(default_factory=list)


def _needs(module: str) -> list[Any]:
    try:
        __import__(module)
    except ImportError:
        return [pytest.mark.skip(reason=f"needs {module}")]
    return []


TOPICS = {"k": 2, "passes": 10, "iterations": 50, "restarts": 1, "min_df": 2, "workers": 1}
LINEAR = {"jobs": 1, "predict_jobs": 1, "cv": 2, "min_df": 1}
TEXTCNN = {"epochs": 1.0, "batch_size": 8, "max_length": 16, "tensorboard": False,
           "patience": 0, "embedding_dim": 16, "num_filters": 8, "kernel_sizes": "2,3",
           "bigram_buckets": 50, "word_buckets": 50, "device": "cpu"}

CASES = [
    Case("tfidf", lambda: TfidfKeywords(user_dict=[]), lambda e: e.fit(KW_DOCS * 3),
         _keywords, ("position_weight", 0.5), requires_fit=False),
    Case("textrank", lambda: TextRankKeywords(), lambda e: e.fit(KW_DOCS), _keywords,
         ("window", 3), requires_fit=False),
    Case("textrank-word2vec", lambda: TextRankKeywords(embeddings="word2vec", vector_size=8),
         lambda e: e.fit(KW_DOCS * 5), _keywords, ("damping", 0.8),
         marks=_needs("gensim")),
    Case("embedding", lambda st_model: EmbeddingKeywords(model=str(st_model)),
         lambda e: e.fit(KW_DOCS), _keywords, ("diversity", 0.5), requires_fit=False,
         fixtures=("st_model",), marks=_needs("sentence_transformers")),
    Case("supervised", lambda: SupervisedKeywords(method_settings=CRF),
         lambda e: e.fit(KW_DOCS * 2, KW_GOLD * 2), _keywords, ("candidates", 10)),
    Case("topics", lambda: TopicModel(**TOPICS), lambda e: e.fit(TOPIC_DOCS), _topics,
         ("k", 3), marks=_needs("gensim")),
    Case("classify-linear", lambda: TextClassifier("linear", **LINEAR),
         lambda e: e.fit(CLS_TEXTS, CLS_LABELS), _classify, ("C", 1.0)),
    Case("classify-textcnn", lambda: TextClassifier("textcnn", **TEXTCNN),
         lambda e: e.fit(CLS_TEXTS, CLS_LABELS), _classify, ("epochs", 2.0),
         marks=_needs("torch")),
    Case("tag-cws-crf", lambda: Tagger("cws", **CRF), lambda e: e.fit(_cws_data()), _tag,
         ("c1", 0.2)),
    Case("tag-ner-crf", lambda: Tagger("ner", **CRF), lambda e: e.fit(_ner_data()), _tag,
         ("max_iterations", 20)),
]
PARAMS = [pytest.param(c, id=c.id, marks=c.marks) for c in CASES]


@pytest.fixture(scope="session")
def st_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny random sentence-transformers model with a character vocabulary (offline)."""
    import torch
    from sentence_transformers import SentenceTransformer

    try:  # sentence-transformers >= 6 moved the modules
        from sentence_transformers.sentence_transformer import modules as models
    except ImportError:
        from sentence_transformers import models  # type: ignore[no-redef]
    from transformers import BertConfig, BertModel, BertTokenizerFast

    root = tmp_path_factory.mktemp("st")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted({c for t in KW_DOCS for c in t})]
    (root / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = BertTokenizerFast(str(root / "vocab.txt"), tokenize_chinese_chars=True)
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1,
                     num_attention_heads=2, intermediate_size=32, max_position_embeddings=128)
    BertModel(cfg).save_pretrained(root / "bert")
    tok.save_pretrained(root / "bert")
    word = models.Transformer(str(root / "bert"), max_seq_length=128)
    dim = getattr(word, "get_embedding_dimension", None) or word.get_word_embedding_dimension
    out = root / "model"
    SentenceTransformer(modules=[word, models.Pooling(dim(), pooling_mode="mean")],
                        device="cpu").save(str(out))
    return out


def _make(case: Case, request: pytest.FixtureRequest) -> Any:
    return case.make(**{name: request.getfixturevalue(name) for name in case.fixtures})


_FITTED: dict[str, Any] = {}


@pytest.fixture
def fitted(request: pytest.FixtureRequest) -> tuple[Case, Any]:
    """The case's estimator, fitted once per session (``fit`` must return ``self``)."""
    case: Case = request.param
    if case.id not in _FITTED:
        est = _make(case, request)
        assert case.fit(est) is est
        _FITTED[case.id] = est
    return case, _FITTED[case.id]


def assert_same(a: Any, b: Any) -> None:
    """Equal, with floats equal to 1e-5 (relative) and containers compared item by item."""
    if isinstance(a, float) or isinstance(b, float):
        assert a == pytest.approx(b, rel=1e-5, abs=1e-6)
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b)
        for k in a:
            assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), (a, b)
        assert type(a) is type(b) or not hasattr(a, "_fields")
        for x, y in zip(a, b):
            assert_same(x, y)
    else:
        assert a == b


def same_params(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Settings equal, where a setting that is an object (a segmenter) compares by its params."""
    if a.keys() != b.keys():
        return False
    for k, v in a.items():
        w = b[k]
        if hasattr(v, "get_params") and not isinstance(v, type):
            if type(v) is not type(w) or v.get_params() != w.get_params():
                return False
        elif v != w:
            return False
    return True


def learned(est: Any) -> list[str]:
    return [k for k in vars(est) if k.endswith("_") and not k.startswith("__")]


# -- the contract ------------------------------------------------------------------------------


@pytest.mark.parametrize("fitted", PARAMS, indirect=True)
def test_saved_and_loaded_it_predicts_the_same(fitted: tuple[Case, Any], tmp_path: Path) -> None:
    case, est = fitted
    before = case.predict(est)
    out = est.save(tmp_path / "model")
    loaders: list[Callable[[Any], Any]] = [lambda p: zhtext.load(str(p)), type(est).load]
    if isinstance(est, KeywordExtractor):
        loaders.append(KeywordExtractor.load)
    for load in loaders:
        again = load(out)
        assert type(again) is type(est)
        assert_same(case.predict(again), before)
        # A keyword artifact records the segmenter (with its user dictionary) as one object.
        plain = {"segmenter": None, "user_dict": None} if isinstance(est, KeywordExtractor) else {}
        assert same_params(again.get_params(deep=False) | plain,
                           est.get_params(deep=False) | plain)
    assert_same(case.predict(est), before)  # saving changed nothing


@pytest.mark.parametrize("case", PARAMS)
def test_not_fitted_error_before_fit(case: Case, request: pytest.FixtureRequest,
                                     tmp_path: Path) -> None:
    est = _make(case, request)
    assert not learned(est)  # __init__ sets no learned state
    if not case.requires_fit:
        check_is_fitted(est)  # usable as made (the built-in IDF table, the encoder)
        assert case.predict(est)
        return
    with pytest.raises(NotFittedError, match=rf"This {type(est).__name__} instance is not "
                                             r"fitted yet\. Call 'fit'"):
        case.predict(est)
    with pytest.raises(NotFittedError):
        est.save(tmp_path / "m")
    assert not (tmp_path / "m").exists()
    with pytest.raises(SklearnNotFittedError):
        check_is_fitted(est)


@pytest.mark.parametrize("fitted", PARAMS, indirect=True)
def test_clone_is_unfitted_with_equal_settings(fitted: tuple[Case, Any]) -> None:
    case, est = fitted
    copy = clone(est)
    assert copy is not est and type(copy) is type(est)
    assert same_params(copy.get_params(deep=False), est.get_params(deep=False))
    assert not learned(copy)
    if case.requires_fit:
        assert learned(est)
        with pytest.raises(NotFittedError):
            case.predict(copy)
    check_is_fitted(est)


@pytest.mark.parametrize("case", PARAMS)
def test_get_params_and_set_params_round_trip(case: Case,
                                              request: pytest.FixtureRequest) -> None:
    est = _make(case, request)
    shallow = est.get_params(deep=False)
    assert shallow.items() <= est.get_params(deep=True).items()
    assert est.set_params(**shallow) is est
    assert all(est.get_params(deep=False)[k] is v for k, v in shallow.items())
    rebuilt = type(est)(**shallow)
    assert same_params(rebuilt.get_params(deep=False), shallow)
    name, value = case.tweak
    assert shallow[name] != value
    est.set_params(**{name: value})
    assert est.get_params()[name] == value
    assert f"{name}={value!r}" in repr(est)
    assert rebuilt.get_params()[name] == shallow[name]  # the copy was not touched
    with pytest.raises(ValueError, match="Invalid parameter 'no_such_setting'"):
        est.set_params(no_such_setting=1)


def test_values_are_checked_by_fit_not_by_the_constructor() -> None:
    for est, fit in [(TfidfKeywords(max_df=0.0), lambda e: e.fit(KW_DOCS)),
                     (TextRankKeywords(window=1), lambda e: e.extract(KW_DOCS)),
                     (TopicModel(k=0), lambda e: e.fit(TOPIC_DOCS)),
                     (TextClassifier("linear", C=0.0), lambda e: e.fit(CLS_TEXTS, CLS_LABELS)),
                     (TextClassifier("linear", threshold=2.0),
                      lambda e: e.fit(CLS_TEXTS, CLS_LABELS)),
                     (Tagger("cws", c1="lots"), lambda e: e.fit(_cws_data()))]:
        with pytest.raises(ZhtextError):
            fit(est)
    # names are checked at once (as Python checks keyword names)
    with pytest.raises(ZhtextError, match=r"unknown setting.*epochs.*'linear'"):
        TextClassifier("linear", epochs=3)
    with pytest.raises(ZhtextError, match=r"unknown setting.*c3"):
        Tagger("cws", c3=1)
    with pytest.raises(TypeError):
        TfidfKeywords(windw=3)  # type: ignore[call-arg]


def test_method_settings_follow_the_method() -> None:
    clf = TextClassifier("linear", C=1.0)
    assert {"C", "min_df", "method", "multi_label", "threshold"} <= set(clf.get_params())
    clf.set_params(method="textcnn", epochs=2.0)
    params = clf.get_params()
    assert params["method"] == "textcnn" and params["epochs"] == 2.0 and "C" not in params
    assert clf.params == {"epochs": 2.0}
    with pytest.raises(ZhtextError, match="unknown classification method"):
        clf.set_params(method="svm")
    assert clf.method == "textcnn"
    tagger = Tagger("ner", settings={"c1": 0.2})  # the older spelling
    assert tagger.get_params() == Tagger("ner", c1=0.2).get_params()
    tagger.set_params(method="bert", model="some-encoder")
    assert tagger.get_params()["model"] == "some-encoder" and "c1" not in tagger.get_params()


def test_tagger_fit_returns_self_and_keeps_its_history() -> None:
    tagger = Tagger("cws", **CRF)
    assert tagger.fit(_cws_data()) is tagger
    assert tagger.history_["chars"]["iterations"] > 0
    assert tagger.labels_ == ["B", "E", "S"] and "访问" in tagger.vocabulary_
    # the names of earlier versions still read
    assert tagger.labels == tagger.labels_ and tagger.history == tagger.history_
    assert tagger.vocabulary == tagger.vocabulary_ and tagger.settings.c1 == 0.05


def test_load_refuses_another_kind(tmp_path: Path) -> None:
    kw = TfidfKeywords().save(tmp_path / "kw")
    tr = TextRankKeywords().save(tmp_path / "tr")
    for cls, message in [(TextClassifier, "not a classifier"), (Tagger, "not a tagger"),
                         (TopicModel, "not a topic model")]:
        with pytest.raises(InputError, match=message):
            cls.load(kw)  # type: ignore[attr-defined]
    with pytest.raises(InputError, match=r"holds a TextRankKeywords .* not a TfidfKeywords"):
        TfidfKeywords.load(tr)
    assert isinstance(KeywordExtractor.load(tr), TextRankKeywords)


def test_topic_model_returns_topic_records() -> None:
    model = TopicModel(**TOPICS).fit(TOPIC_DOCS)
    topics = model.topics(top_n=3)
    assert all(isinstance(t, zhtext.Topic) for t in topics)
    assert topics[0].to_dict()["words"][0][0] == topics[0].words[0][0]
    matrix = model.transform(TOPIC_DOCS[:4])
    assert matrix.shape == (4, 2)
    assert matrix.sum(axis=1) == pytest.approx([1.0] * 4, abs=1e-3)


def test_top_level_api() -> None:
    from zhtext.records import Entity, Prediction, Topic

    assert (zhtext.Entity, zhtext.Prediction, zhtext.Topic) == (Entity, Prediction, Topic)
    assert zhtext.TextClassifier is TextClassifier and zhtext.Tagger is Tagger
    assert zhtext.TopicModel is TopicModel
    assert dir(zhtext) == sorted(zhtext.__all__)
    assert not {"Any", "TYPE_CHECKING", "annotations"} & set(dir(zhtext))
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        zhtext.Nope  # noqa: B018
    code = ("import sys, zhtext\n"
            "assert 'zhtext.classify.classifier' not in sys.modules\n"
            "assert 'zhtext.topics.lda' not in sys.modules and 'numpy' not in sys.modules\n"
            "assert zhtext.TextClassifier.__name__ == 'TextClassifier'\n"
            "assert 'zhtext.classify.classifier' in sys.modules\n"
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


# -- scikit-learn's checks ----------------------------------------------------------------------

UNFITTED = [TfidfKeywords(), TextRankKeywords(), EmbeddingKeywords(model="unused"),
            SupervisedKeywords(), TopicModel(), TextClassifier("linear"), Tagger("cws")]


# The estimators say (in their tags) that they take raw text: a list of strings, or of
# annotated sentences for Tagger. scikit-learn's checks that feed numeric arrays (fit on
# random floats, dtypes, NaN, sparse input, sample-order invariance, n_features_in_ ...) then
# do not apply and parametrize_with_checks leaves them out with a SkipTestWarning: only its
# clone check runs here.
@checks.parametrize_with_checks(UNFITTED)
def test_sklearn_compatible(estimator: Any, check: Any) -> None:
    check(estimator)


# The checks of the API itself need no data, so they do apply: run them by name.
API_CHECKS = [
    checks.check_estimator_repr,
    checks.check_no_attributes_set_in_init,
    checks.check_parameters_default_constructible,
    checks.check_get_params_invariance,
    checks.check_set_params,
    checks.check_valid_tag_types,
    checks.check_estimator_tags_renamed,
    checks.check_mixin_order,
    checks.check_do_not_raise_errors_in_init_or_set_params,
]


@pytest.mark.filterwarnings("ignore:.*occurred during set_params")
@pytest.mark.parametrize("check", API_CHECKS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("estimator", UNFITTED, ids=lambda e: type(e).__name__)
def test_sklearn_api_checks(estimator: Any, check: Any) -> None:
    if (check is checks.check_do_not_raise_errors_in_init_or_set_params
            and isinstance(estimator, MethodEstimator)):
        pytest.skip("its method's settings come as **params, so the check passes a setting "
                    "named 'params' (or 'settings') and method=-1: an unknown method or "
                    "setting name is refused when the estimator is made (values wait for fit)")
    check(type(estimator).__name__, clone(estimator))


# -- Pipeline, GridSearchCV, cross-validation on real text ------------------------------------


def _texts(keywords: list[Any]) -> list[str]:
    return [k.text for k in keywords]


def test_grid_search_tunes_keyword_extractors(tmp_path: Path) -> None:
    import numpy as np
    from sklearn.model_selection import GridSearchCV

    # numpy values, as grids often hold them, are valid settings and save as JSON numbers
    for est, grid in [(TfidfKeywords(top_k=3), {"position_weight": np.array([0.0, 1.0]),
                                                "max_words": np.array([1, 3])}),
                      (TextRankKeywords(top_k=3), {"window": [3, 5]})]:
        search = GridSearchCV(est, grid, cv=2, error_score="raise").fit(KW_DOCS, KW_GOLD)
        best = search.best_estimator_
        assert type(best) is type(est) and best is not est
        assert all(best.get_params()[k] == v for k, v in search.best_params_.items())
        assert 0.0 < search.best_score_ <= 1.0
        assert search.score(KW_DOCS, KW_GOLD) == best.score(KW_DOCS, KW_GOLD)
        again = zhtext.load(str(best.save(tmp_path / best.method)))
        assert again.extract(KW_DOCS) == best.extract(KW_DOCS)


def test_keyword_extractor_as_a_pipeline_step() -> None:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    texts = TOPIC_DOCS
    pipe = Pipeline([("keywords", TfidfKeywords(top_k=5)),
                     ("counts", CountVectorizer(analyzer=_texts)),
                     ("clf", LogisticRegression())])
    assert pipe.fit(texts, TOPIC_LABELS).score(texts, TOPIC_LABELS) == 1.0
    assert pipe.get_params()["keywords__top_k"] == 5
    pipe.set_params(keywords__top_k=3)
    assert pipe.named_steps["keywords"].top_k == 3


def test_grid_search_and_cross_validation_of_the_linear_classifier() -> None:
    from sklearn.model_selection import GridSearchCV, cross_val_score

    search = GridSearchCV(TextClassifier("linear", **LINEAR), {"C": [0.5, 1.0]}, cv=2,
                          error_score="raise").fit(CLS_TEXTS, CLS_LABELS)
    assert search.best_estimator_.get_params()["C"] == search.best_params_["C"]
    assert search.best_score_ >= 0.75
    assert list(search.classes_) == ["体育", "财经"]
    assert search.predict(["球员夺得冠军"])[0].label == "体育"
    scores = cross_val_score(TextClassifier("linear", **LINEAR), CLS_TEXTS, CLS_LABELS, cv=3)
    assert len(scores) == 3 and min(scores) >= 0.5


@pytest.mark.skipif(bool(_needs("gensim")), reason="needs gensim")
def test_topic_model_in_a_pipeline_and_a_grid_search() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    pipe = Pipeline([("topics", TopicModel(**{**TOPICS, "passes": 30, "restarts": 2})),
                     ("clf", LogisticRegression())])
    assert pipe.fit(TOPIC_DOCS, TOPIC_LABELS).score(TOPIC_DOCS, TOPIC_LABELS) >= 0.8
    search = GridSearchCV(TopicModel(**TOPICS), {"k": [2, 3]}, cv=2,
                          error_score="raise").fit(TOPIC_DOCS)
    assert search.best_estimator_.k_ == search.best_params_["k"]
    assert -1.0 <= search.best_score_ <= 1.0
