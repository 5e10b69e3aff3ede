"""The README, run top to bottom: every command of its ```bash blocks works as written (issue 18).

Each block runs in its own temporary directory, command after command, as a person would type
them (``bash -c``, so pipes and ``&&`` work), on tiny stand-in files with the names the commands
use, written here from short Chinese texts so that every model trains in seconds. A local
directory named ``bert-base-chinese`` (a tiny random BERT) stands in for the hub model: Hugging
Face loads a local directory of that name before asking the hub, and the tests are offline.
The server block starts ``zhtext serve`` in the background on a free port (the only change to
the command) and runs the README's ``curl`` against it. The first block (install, run the tests)
is what CI runs itself: it is checked against ``.ci/run`` instead of being run.

A command that cannot run here goes into ``SKIP`` with the reason; a command failing because of
a bug in zhtext goes into ``XFAIL`` with the reason. Both are keyed by the command as written,
and a key that no longer names a README command fails the test, so neither table goes stale.
"""

from __future__ import annotations

import json
import os
import random
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.cli.test_cli_classify import make_rows
from tests.processes import HANG_GUARD
from tests.tag.conftest import conll_sentence, write_pd

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

# Commands that cannot run in the test suite (none today): command -> reason.
SKIP: dict[str, str] = {}
# Commands that fail because of a zhtext bug (reported, to fix in the source): command -> reason.
XFAIL: dict[str, str] = {}

Check = Callable[[subprocess.CompletedProcess[str], Path], None]


# --- the README's blocks ---------------------------------------------------------------------

def bash_blocks(text: str) -> list[list[str]]:
    """The commands of each ```bash block: one per line (``\\`` continues a line), no comments."""
    blocks = []
    for body in re.findall(r"^```bash\n(.*?)^```", text, flags=re.M | re.S):
        commands: list[str] = []
        pending = ""
        for line in body.splitlines():
            if not pending and (not line.strip() or line.lstrip().startswith("#")):
                continue
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            commands.append(pending + line.strip())
            pending = ""
        blocks.append(commands)
    return blocks


BLOCKS = bash_blocks(README.read_text(encoding="utf-8"))


def block_name(commands: list[str]) -> str:
    """A readable test id: the subcommand group the block is about."""
    words = commands[0].split()
    return words[1] if words[0] == "zhtext" else words[0]


def words_of(command: str) -> list[str]:
    """The shell words of a command (comments dropped), to look up the files it names."""
    return shlex.split(command, comments=True)


def outputs(command: str) -> set[str]:
    """What a command writes (its ``-o`` values)."""
    words = words_of(command)
    return {words[i + 1].rstrip("/") for i, w in enumerate(words[:-1]) if w == "-o"}


def names(command: str) -> set[str]:
    """The words of a command as paths it may read (``NAME=DIR`` gives DIR)."""
    return {w.split("=", 1)[-1].rstrip("/") for w in words_of(command)}


def chains(commands: list[str]) -> list[list[str]]:
    """The block cut into runs that need each other's outputs, each in the README's order.

    A command joins the run of every earlier command whose output it names; runs that share
    nothing are independent tests (so pytest-xdist spreads a long block over its workers).
    """
    runs: list[list[str]] = []
    for command in commands:
        needed = [r for r in runs if names(command) & {o for c in r for o in outputs(c)}]
        merged = [c for c in commands if any(c in r for r in needed)] + [command]
        runs = [r for r in runs if r not in needed] + [merged]
    return sorted(runs, key=lambda r: commands.index(r[0]))


def chain_id(name: str, run: list[str]) -> str:
    words = words_of(run[0])
    return f"{name}-{'/'.join(sorted(outputs(run[0]))) or words[min(3, len(words) - 1)]}"


CHAINS = [(block_name(b), run) for b in BLOCKS[1:] for run in
          ([b] if block_name(b) == "serve" else chains(b))]


# --- stand-in files --------------------------------------------------------------------------

NEWS = ["深度学习推动了自然语言处理的快速发展，研究人员提出了新的神经网络模型。",
        "城市轨道交通建设改善了居民出行条件，地铁线路的延伸带动了沿线房地产开发。",
        "",
        "本文研究了土壤重金属污染的修复技术，植物修复成本较低但周期较长。",
        "陈静今天考察南京，与新华社讨论经济合作。"]


def write_lines(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def labelled(path: Path, n_per_class: int, seed: int) -> Path:
    """THUCNews-style ``text<TAB>label`` lines, three classes."""
    return write_lines(path, [f"{t}\t{lab}" for _, t, lab in make_rows(n_per_class, seed)])


def conll(path: Path, n: int, seed: int) -> Path:
    rng = random.Random(seed)
    blocks = ["\n".join(f"{c} {t}" for c, t in conll_sentence(rng)) for _ in range(n)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return path


def csl(path: Path, n: int, seed: int) -> Path:
    """CSL's keyword layout: id, abstract, ``_``-joined keywords."""
    terms = ["卷积神经网络", "遗传算法", "图像分割", "支持向量机", "深度学习", "数据挖掘"]
    fillers = ["本文提出一种基于{a}的新方法", "实验结果表明{a}优于传统方法",
               "针对{b}问题，我们改进了{a}", "该方法结合{a}与{b}，提高了精度"]
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        a, b = rng.sample(terms, 2)
        text = "。".join(rng.choice(fillers).format(a=a, b=b) for _ in range(3)) + "。"
        rows.append(f"{i}\t{text}\t{a}_{b}")
    return write_lines(path, rows)


def corpus_texts() -> list[str]:
    return [t for _, t, _ in make_rows(20, 7)] + [s for s in NEWS if s]


def tiny_encoder(path: Path) -> None:
    """A tiny random BERT with bert-base-chinese's 512 positions (pretraining packs 128)."""
    from transformers import BertConfig, BertForMaskedLM, BertTokenizerFast

    texts = [t for _, t, _ in make_rows(40, 0)] + corpus_texts() + NEWS
    chars = sorted({c for t in texts for c in t if not c.isspace()})
    path.mkdir(parents=True)
    vocab = path / "vocab.txt"
    vocab.write_text("\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars]) + "\n",
                     encoding="utf-8")
    tokenizer = BertTokenizerFast(str(vocab), do_lower_case=False, tokenize_chinese_chars=True)
    config = BertConfig(vocab_size=len(chars) + 5, hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=64, max_position_embeddings=512)
    import torch

    torch.manual_seed(0)
    BertForMaskedLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)


# Every file or folder a README command reads, by the name it uses there, and how to make it.
# Names are per block: `dev.txt` is labelled titles in the classification block and CoNLL in the
# tagging block.
STAND_INS: dict[str, dict[str, Callable[[Path], object]]] = {
    "setup": {"examples": lambda p: shutil.copytree(ROOT / "examples", p)},
    "keywords": {
        "news.txt": lambda p: write_lines(p, NEWS),
        "docs": lambda p: [write_lines(p / f"{i}.txt", [t]) for i, t in enumerate(NEWS) if t],
        "big.jsonl": lambda p: write_lines(p, [json.dumps({"body": t}, ensure_ascii=False)
                                               for t in NEWS * 4]),
        "gbk.txt": lambda p: write_lines(p, NEWS[:2], encoding="gbk"),
    },
    "classify": {
        "train.txt": lambda p: labelled(p, 30, 0),
        "dev.txt": lambda p: labelled(p, 8, 1),
        "test.txt": lambda p: labelled(p, 8, 2),
        "titles.txt": lambda p: write_lines(p, ["女排夺得冠军，球迷欢呼", "",
                                                "央行下调利率，股市上涨"]),
        "bert-base-chinese": tiny_encoder,
    },
    "tag": {
        "199801.utf8.txt": lambda p: write_pd(p, n=60),
        "msra/train.txt": lambda p: conll(p, 60, 0),
        "dev.txt": lambda p: conll(p, 10, 1),
        "pku_test.utf8": lambda p: write_lines(p, ["张伟今天访问北京，讨论经济。",
                                                   "李明来到上海。"]),
        "news.txt": lambda p: write_lines(p, NEWS),
        "doc.txt": lambda p: write_lines(p, ["实验结果表明数据挖掘优于传统方法。"]),
        "csl.tsv": lambda p: csl(p, 40, 0),
    },
    "pretrain": {
        "corpus": lambda p: write_lines(p / "news.txt", corpus_texts()),
        "legal": lambda p: write_lines(p / "cases.txt", corpus_texts()[::-1]),
        "bert-base-chinese": tiny_encoder,
        "train.txt": lambda p: labelled(p, 20, 0),
        "dev.txt": lambda p: labelled(p, 5, 1),
    },
}


def write_stand_ins(name: str, commands: list[str], cwd: Path) -> None:
    """The stand-ins of block ``name`` that its commands name (nothing the block does not use)."""
    named = {w.rstrip("/") for c in commands for w in words_of(c)}
    named |= {w.split("=", 1)[1] for w in named if "=" in w}
    named |= {w.split("/", 1)[0] for w in named}
    for file, make in STAND_INS.get(name, {}).items():
        if file in named and not (cwd / file).exists():
            make(cwd / file)


# --- checks of what the README says a command prints or writes -------------------------------

def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def check_sample(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    shown = re.search(r"The first prints the document's keywords, best first:\n\n```\n(.*?)\n```",
                      README.read_text(encoding="utf-8"), flags=re.S)
    assert shown, "the README no longer shows the sample's keywords"
    assert out.stdout.strip() == shown.group(1).strip()


def check_news_jsonl(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    rows = jsonl(out.stdout)
    assert len(rows) == len(NEWS)  # one entry per document, empty lines too
    for row, doc in zip(rows, NEWS, strict=True):
        assert set(row) == {"id", "keywords"}
        assert (row["keywords"] == []) == (doc == "")
        assert len(row["keywords"]) <= 10
        for kw in row["keywords"]:
            assert set(kw) == {"text", "score", "start", "end"}
            assert doc[kw["start"]:kw["end"]] == kw["text"]  # the surface form


def check_docs_tsv(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    rows = [line.split("\t") for line in out.stdout.splitlines()]  # id, rank, keyword, score
    assert {len(r) for r in rows} == {4}
    assert {Path(r[0]).name for r in rows} == {p.name for p in (cwd / "docs").iterdir()}
    assert all(r[1].isdigit() and float(r[3]) > 0 for r in rows)


def check_big(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    rows = jsonl((cwd / "out.jsonl").read_text(encoding="utf-8"))
    assert len(rows) == len(NEWS) * 4
    assert rows[0]["keywords"] and rows[0]["keywords"][0]["text"] in NEWS[0]


def check_gbk(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    lines = out.stdout.splitlines()
    assert len(lines) == 2 and all(w in NEWS[i] for i, line in enumerate(lines)
                                   for w in line.split())


def model_dir(*files: str) -> Callable[[str], Check]:
    def for_dir(name: str) -> Check:
        def check(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
            for f in files:
                assert (cwd / name / f).exists(), f"{name}/{f} missing"
        return check
    return for_dir


classifier = model_dir("metrics.json", "report.html")


def check_predict(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    rows = jsonl(out.stdout)
    assert [set(r) for r in rows] == [{"id", "label", "score", "scores"}] * 3
    assert [r["label"] for r in rows] == ["体育", None, "财经"]  # an empty text gets no label


def check_compare(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert "linear" in out.stdout and "textcnn" in out.stdout
    assert list((cwd / "leaderboard").glob("*.html"))


def check_sighan(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    given = (cwd / "pku_test.utf8").read_text(encoding="utf-8").splitlines()
    lines = out.stdout.splitlines()
    assert [line.replace(" ", "") for line in lines] == given
    assert all(" " in line for line in lines)


def check_entities(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    rows = jsonl(out.stdout)
    assert len(rows) == len(NEWS)
    assert all({"id", "text", "entities"} <= set(r) for r in rows)
    for row in rows:
        for e in row["entities"]:
            assert row["text"][e["start"]:e["end"]] == e["text"]


def check_tag_report(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert "PER" in out.stdout and (cwd / "dev-report").exists()


def check_segmenter(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert out.stdout.strip()


def check_kw_model(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert "数据挖掘" in out.stdout.split()


def check_pretrained(name: str) -> Check:
    def check(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
        for f in ("config.json", "tokenizer.json", "vocab.txt", "report.html"):
            assert (cwd / name / f).exists(), f"{name}/{f} missing"
        assert list((cwd / name).glob("*.safetensors"))
    return check


def check_settings(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert "mask_prob" in out.stdout and "max_minutes" in out.stdout


def check_curl(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    answer = json.loads(out.stdout)
    assert answer["model"] == "news-linear"
    (result,) = answer["results"]
    assert result["label"] == "财经" and set(result["scores"]) == {"体育", "财经", "科技"}
    assert 0 <= result["score"] <= 1 and result["score"] == max(result["scores"].values())


def check_curl_keywords(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    answer = json.loads(out.stdout)
    assert answer["model"] == "kw"
    doc = "本文提出一种基于遗传算法的新方法。"
    (result,) = answer["results"]
    keywords = result["keywords"]
    assert 0 < len(keywords) <= 3 and keywords[0]["text"] == "遗传算法"
    for kw in keywords:
        assert doc[kw["start"]:kw["end"]] == kw["text"] and 0 <= kw["score"] <= 1


def check_curl_empty(out: subprocess.CompletedProcess[str], cwd: Path) -> None:
    assert json.loads(out.stdout)["error"].startswith("texts[1] is only whitespace")


# Command (as written, comment included) -> what must hold besides exit 0. Commands without
# an entry must exit 0; the test says which commands it ran unchecked.
CHECKS: dict[str, Check] = {
    "zhtext keywords extract examples/sample.txt": check_sample,
    "zhtext keywords extract news.txt --top-k 10 --format jsonl": check_news_jsonl,
    "zhtext keywords extract docs/ --doc-per-file --format tsv": check_docs_tsv,
    "zhtext keywords extract big.jsonl --text-col body --jobs 2 -o out.jsonl -f jsonl": check_big,
    "zhtext keywords extract gbk.txt --encoding gbk": check_gbk,
    "zhtext classify train --method linear  --train train.txt --dev dev.txt -o news-linear":
        classifier("news-linear"),
    "zhtext classify train --method textcnn --train train.txt --dev dev.txt -o news-cnn":
        classifier("news-cnn"),
    "zhtext classify train --method bert-cnn --model bert-base-chinese --lora --train train.txt "
    "-o news-bert": classifier("news-bert"),
    "zhtext classify predict news-linear titles.txt --format jsonl": check_predict,
    "zhtext classify evaluate news-linear test.txt -o test-report":
        model_dir("report.html")("test-report"),
    "zhtext classify compare --methods linear,textcnn --train train.txt --dev dev.txt "
    "-o leaderboard": check_compare,
    "zhtext tag train --task cws --train 199801.utf8.txt -o pku-cws": model_dir()("pku-cws"),
    "zhtext tag train --task pos --train 199801.utf8.txt -o pku-pos": model_dir()("pku-pos"),
    "zhtext tag train --task ner --train msra/train.txt --dev-split 0.05 -o msra-ner":
        model_dir("metrics.json", "report.html")("msra-ner"),
    "zhtext tag predict pku-cws pku_test.utf8 --format sighan": check_sighan,
    "zhtext tag predict msra-ner news.txt": check_entities,
    "zhtext tag evaluate msra-ner dev.txt -o dev-report": check_tag_report,
    "zhtext keywords extract doc.txt --segmenter pku-cws": check_segmenter,
    "zhtext keywords train --train csl.tsv -o kw-model && zhtext keywords extract kw-model "
    "doc.txt": check_kw_model,
    "zhtext pretrain vocab corpus/ -o my-vocab": model_dir("vocab.txt")("my-vocab"),
    "zhtext pretrain mlm corpus/ -o my-bert --size tiny --max-minutes 50":
        check_pretrained("my-bert"),
    "zhtext pretrain mlm legal/ -o legal-bert --from bert-base-chinese":
        check_pretrained("legal-bert"),
    "zhtext classify train --method bert --model my-bert --train train.txt --dev dev.txt -o clf":
        classifier("clf"),
    "zhtext pretrain settings": check_settings,
    "curl -s localhost:8000/v1/classify -d '{\"texts\": [\"央行宣布下调存款准备金率\"]}'":
        check_curl,
    "curl -s localhost:8000/v1/keywords -d '{\"model\": \"kw\", \"texts\": "
    "[\"本文提出一种基于遗传算法的新方法。\"], \"top_k\": 3}'": check_curl_keywords,
    "curl -s localhost:8000/v1/classify -d '{\"texts\": [\"央行降准\", \" \"]}'": check_curl_empty,
}


def without_comment(command: str) -> str:
    """The command without its trailing ``# ...`` comment (as the tables spell it)."""
    # Cut at the first `#` that starts a shell comment: preceded by whitespace, outside quotes.
    quote = ""
    for i, ch in enumerate(command):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch == "#" and i and command[i - 1].isspace():
            return command[:i].rstrip()
    return command.strip()


# --- running ---------------------------------------------------------------------------------

def env() -> dict[str, str]:
    # The `zhtext` on PATH is this checkout's (installed editable); offline like every test.
    bindir = str(Path(sys.executable).parent)
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
            "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}


def run(command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", "-c", command], cwd=cwd, env=env(), capture_output=True,
                          text=True, timeout=HANG_GUARD)


def run_checked(command: str, cwd: Path, run_as: str | None = None) -> None:
    """Run a README command (or ``run_as``, the same with another port): exit 0 and its check."""
    key = without_comment(command)
    if key in SKIP:
        return
    out = run(run_as or command, cwd)
    failure = None
    try:
        assert out.returncode == 0, f"exit {out.returncode}"
        if key in CHECKS:
            CHECKS[key](out, cwd)
    except Exception as e:  # a failed check, or output that is not what the check reads
        failure = f"{command}\n  {e!r}\n--- stdout\n{out.stdout[-3000:]}\n--- stderr\n" \
                  f"{out.stderr[-3000:]}"
    if key in XFAIL:
        if failure is None:
            pytest.fail(f"{command!r} works now: take it out of XFAIL")
        pytest.xfail(f"{XFAIL[key]}: {failure}")
    if failure is not None:
        pytest.fail(failure, pytrace=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_healthy(proc: subprocess.Popen[str], port: int, log: Path) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"zhtext serve exited {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"zhtext serve did not answer /health:\n{log.read_text()[-3000:]}")


def run_serve_block(commands: list[str], cwd: Path) -> None:
    """Train the models the server command names (by the README's own commands), serve, curl."""
    serve, *clients = commands
    assert words_of(serve)[:2] == ["zhtext", "serve"]
    makers = {}  # model directory -> (block name, the README command that writes it)
    for block in BLOCKS[1:]:
        for command in block:
            words = words_of(command)
            if "-o" in words:
                makers[words[words.index("-o") + 1]] = (block_name(block), command)
    for arg in words_of(serve)[2:]:
        if arg.startswith("-"):
            break
        directory = arg.split("=", 1)[-1]
        assert directory in makers, f"no README command writes the model {directory!r}"
        name, command = makers[directory]
        write_stand_ins(name, [command], cwd)
        run_checked(command, cwd)
    port = free_port()
    log = cwd / "serve.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(["bash", "-c", "exec " + serve.replace("8000", str(port))],
                                cwd=cwd, env=env(), stdout=sink, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
    try:
        wait_healthy(proc, port, log)
        for command in clients:
            run_checked(command, cwd, command.replace("localhost:8000", f"localhost:{port}"))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        code = proc.wait(timeout=HANG_GUARD)
    assert code == 0, f"zhtext serve: exit {code} on SIGTERM\n{log.read_text()[-3000:]}"


# --- the tests -------------------------------------------------------------------------------

def test_setup_block_is_what_ci_runs() -> None:
    """The first block's commands: install + sample keywords, and exactly CI's test command."""
    install, tests = BLOCKS[0]
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.lstrip().startswith("#")]
    assert tests == ci[-1], "README's test command differs from the one CI runs (.ci/run)"
    assert install == "python -m pip install -e . && zhtext keywords extract examples/sample.txt"


def test_setup_block_sample_keywords(tmp_path: Path) -> None:
    """The first command after its install: the sample's keywords, exactly as the README shows."""
    install = BLOCKS[0][0]
    command = install.split(" && ", 1)[1]
    write_stand_ins("setup", [command], tmp_path)
    run_checked(command, tmp_path)


def test_tables_name_readme_commands() -> None:
    """SKIP, XFAIL and CHECKS name commands that are in the README (no stale entries)."""
    written = {without_comment(c) for block in BLOCKS for c in block}
    written |= {c.split(" && ", 1)[1] for c in written if " && " in c}
    for table in (SKIP, XFAIL, CHECKS):
        assert set(table) <= written, set(table) - written
    assert len(SKIP) <= 2, "keep the commands the suite cannot run few"


def test_chains_keep_every_command_once() -> None:
    """Cutting the blocks into runs loses no command and keeps a model before its use."""
    for block in BLOCKS[1:]:
        runs = [block] if block_name(block) == "serve" else chains(block)
        assert sorted(c for r in runs for c in r) == sorted(block)
        for r in runs:
            assert r == sorted(r, key=block.index)
    assert chains(["a -o m", "b -o n", "c m", "d x=n", "e"]) == [
        ["a -o m", "c m"], ["b -o n", "d x=n"], ["e"]]


@pytest.mark.integration
@pytest.mark.parametrize(("name", "commands"), CHAINS,
                         ids=[chain_id(name, run) for name, run in CHAINS])
def test_readme_block(name: str, commands: list[str], tmp_path: Path) -> None:
    """The commands of a block that need each other, in order, in one directory with stand-ins."""
    if name == "serve":
        pytest.importorskip("fastapi", reason="needs the serve extra (pip install 'zhtext[serve]')")
        run_serve_block(commands, tmp_path)
        return
    write_stand_ins(name, commands, tmp_path)
    for command in commands:
        run_checked(command, tmp_path)


def test_python_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python block, statement by statement: the results its comments show.

    ``my_corpus`` (the reader's own texts) is the one name the block leaves to the reader.
    """
    import ast

    import zhtext

    (code,) = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"),
                         flags=re.M | re.S)
    lines = code.splitlines()
    monkeypatch.chdir(tmp_path)
    scope: dict[str, object] = {"my_corpus": corpus_texts()}
    shown = 0
    for node in ast.parse(code).body:
        source = ast.get_source_segment(code, node)
        assert source is not None
        if not isinstance(node, ast.Expr):
            exec(compile(source, "README.md", "exec"), scope)
            continue
        value = eval(compile(source, "README.md", "eval"), scope)
        comment = lines[node.end_lineno].strip() if node.end_lineno < len(lines) else ""
        if not comment.startswith("# [[Keyword("):
            continue
        # "# [[Keyword(text='...', score=14.26, start=7, end=13, norm='...'), Keyword(text='...'"
        fields = re.findall(r"Keyword\(text='([^']*)'(?:, score=([\d.]+), start=(\d+), "
                            r"end=(\d+))?(?:, norm='([^']*)')?", comment)
        (got,) = value
        assert len(fields) >= 2
        for (text, score, start, end, norm), kw in zip(fields, got, strict=False):
            assert kw.text == text and (not norm or kw.norm == norm)
            if score:
                assert (round(kw.score, 2), kw.start, kw.end) == (
                    float(score), int(start), int(end))
        shown += 1
    assert shown == 1, "the README's Python block no longer shows extract's result"
    again = zhtext.load("my-kw")  # the comment: zhtext.load("my-kw") gives it back
    doc = ["深度学习推动了自然语言处理的发展。"]
    assert again.extract(doc) == scope["kw"].extract(doc)  # type: ignore[attr-defined]
