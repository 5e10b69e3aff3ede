// zhtext web page: sends the text to every loaded kind of model and shows the results.
// Plain JavaScript, no build step. Offsets from the API count Unicode code points (Python
// string indices), so texts are handled as arrays of code points, never as UTF-16 units.
"use strict";

(function () {
  const TASKS = ["keywords", "classify", "tag", "topics"];
  const EXAMPLE = "陈静今天在北京考察了清华大学的人工智能实验室。研究人员介绍，深度学习推动了" +
    "自然语言处理的快速发展，新的神经网络模型在机器翻译和文本分类任务上取得了显著效果。";
  const state = { models: {}, limits: {} };
  const $ = (id) => document.getElementById(id);

  function el(tag, props, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === "text") node.textContent = v;
      else if (k === "className") node.className = v;
      else node.setAttribute(k, v);
    }
    for (const child of children || []) {
      node.append(child);
    }
    return node;
  }

  function showError(message) {
    const box = $("error");
    box.textContent = message;
    box.hidden = !message;
  }

  function pct(x) {
    return (100 * x).toFixed(1) + "%";
  }

  // ---------------------------------------------------------------- models

  async function loadModels() {
    try {
      const r = await fetch("/v1/models");
      const body = await r.json();
      state.limits = body.limits || {};
      for (const t of TASKS) {
        state.models[t] = body.models.filter((m) => m.task === t);
      }
      renderPickers();
      $("models-summary").textContent = "models: " + body.models
        .map((m) => m.name + " (" + m.task + (m.tag_task ? " " + m.tag_task : "") + ", " +
          m.method + ")").join(" · ");
    } catch (e) {
      showError("cannot list the models: " + e.message);
    }
    document.body.dataset.ready = "1";
  }

  function renderPickers() {
    const box = $("pickers");
    box.replaceChildren();
    for (const t of TASKS) {
      const models = state.models[t] || [];
      if (models.length < 2) continue;
      const select = el("select", { id: "pick-" + t, "aria-label": t + " model" });
      const preferred = models.find((m) => m.default) || models.find((m) => !m.builtin) ||
        models[0];
      for (const m of models) {
        const option = el("option", { value: m.name, text: m.name + " (" + m.method + ")" });
        if (m === preferred) option.selected = true;
        select.append(option);
      }
      box.append(el("label", {}, [t + ":", select]));
    }
  }

  function selected(task) {
    const picker = $("pick-" + task);
    if (picker) return picker.value;
    const models = state.models[task] || [];
    return models.length ? models[0].name : null;
  }

  // ---------------------------------------------------------------- requests

  async function post(task, model, text) {
    const body = { texts: [text], model: model };
    if (task === "keywords") body.top_k = 10;
    if (task === "topics") body.top_k = 3;
    const r = await fetch("/v1/" + task, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    let data;
    try {
      data = await r.json();
    } catch (e) {
      data = { error: r.status + " " + r.statusText };
    }
    if (!r.ok) throw new Error(task + ": " + (data.error || r.status));
    return { model: data.model, result: data.results[0] };
  }

  async function analyze() {
    const text = $("text").value;
    showError("");
    if (!text.trim()) {
      showError("请先输入文本。Type or paste some Chinese text first.");
      return;
    }
    const limit = state.limits.max_text_chars;
    if (limit && Array.from(text).length > limit) {
      showError("文本过长 — the text has more than " + limit + " characters, this server's limit.");
      return;
    }
    const tasks = TASKS.filter((t) => (state.models[t] || []).length);
    const button = $("analyze");
    button.disabled = true;
    $("results").dataset.state = "busy";
    const settled = await Promise.allSettled(tasks.map((t) => post(t, selected(t), text)));
    const errors = [];
    tasks.forEach((task, i) => {
      const card = $(task + "-card");
      const outcome = settled[i];
      if (outcome.status === "rejected") {
        errors.push(outcome.reason.message);
        card.hidden = true;
        return;
      }
      card.querySelector(".model-name").textContent = "model: " + outcome.value.model;
      RENDER[task](text, outcome.value.result, outcome.value.model);
      card.hidden = false;
    });
    showError(errors.join("\n"));
    // label and topics side by side when both are shown, otherwise full width
    $("results").classList.toggle("pair", !$("classify-card").hidden && !$("topics-card").hidden);
    $("results").hidden = false;
    $("results").dataset.state = "done";
    button.disabled = false;
  }

  // ---------------------------------------------------------------- rendering

  // Fill `box` with the text, the code points of each span wrapped by make(span, piece).
  function paint(box, chars, spans, make) {
    box.replaceChildren();
    let at = 0;
    for (const s of spans) {
      if (s.start < at || s.end > chars.length || s.end <= s.start) continue;
      if (s.start > at) box.append(chars.slice(at, s.start).join(""));
      box.append(make(s, chars.slice(s.start, s.end).join("")));
      at = s.end;
    }
    if (at < chars.length) box.append(chars.slice(at).join(""));
  }

  function renderKeywords(text, result) {
    const chars = Array.from(text);
    const taken = new Array(chars.length).fill(false);
    const spans = [];
    result.keywords.forEach((k, rank) => {
      // every occurrence of the keyword's surface form (its first occurrence is given)
      const surface = chars.slice(k.start, k.end);
      if (!surface.length) return;
      for (let i = 0; i + surface.length <= chars.length; i++) {
        let ok = true;
        for (let j = 0; j < surface.length && ok; j++) {
          ok = chars[i + j] === surface[j] && !taken[i + j];
        }
        if (!ok) continue;
        for (let j = 0; j < surface.length; j++) taken[i + j] = true;
        spans.push({ start: i, end: i + surface.length, rank: rank, kw: k });
      }
    });
    spans.sort((a, b) => a.start - b.start);
    paint($("highlighted"), chars, spans, (s, piece) => el("mark", {
      className: "kw" + (s.rank === 0 ? " r1" : s.rank < 3 ? " r2" : ""),
      title: "#" + (s.rank + 1) + " " + s.kw.text + " (" + s.kw.score.toFixed(3) + ")",
    }, [piece]));
    const list = $("keywords");
    list.replaceChildren();
    for (const k of result.keywords) {
      list.append(el("li", {}, [k.text, el("span", { className: "score", text: k.score.toFixed(2) })]));
    }
    if (!result.keywords.length) list.append(el("li", { text: "(no keywords)" }));
  }

  function renderClassify(text, result) {
    $("label").textContent = result.labels ? (result.labels.join(", ") || "(none)") : result.label;
    $("label-score").textContent = pct(result.score);
    const box = $("scores");
    box.replaceChildren();
    for (const [name, score] of Object.entries(result.scores)) {
      const fill = el("div", { className: "fill" });
      fill.style.width = pct(score);
      box.append(el("div", { className: "row" + (name === result.label ? " best" : "") }, [
        el("span", { className: "name", title: name, text: name }),
        el("div", { className: "track" }, [fill]),
        el("span", { className: "value", text: pct(score) }),
      ]));
    }
  }

  const KNOWN_ENTITY = new Set(["PER", "LOC", "ORG", "GPE"]);

  function renderTag(text, result, model) {
    const chars = Array.from(text);
    const info = (state.models.tag || []).find((m) => m.name === model) || {};
    const box = $("entities");
    const list = $("entity-list");
    list.replaceChildren();
    if (result.entities) {
      $("tag-title").replaceChildren("实体 ", el("span", { className: "muted", text: "Entities" }));
      paint(box, chars, result.entities, (s, piece) => el("mark", {
        className: "ent ent-" + (KNOWN_ENTITY.has(s.label) ? s.label : "other"), title: s.label,
      }, [piece, el("span", { className: "tag", text: s.label })]));
      for (const e of result.entities) {
        list.append(el("li", {}, [e.text, el("span", { className: "score", text: e.label })]));
      }
      if (!result.entities.length) list.append(el("li", { text: "(no entities)" }));
      return;
    }
    const pos = info.tag_task === "pos";
    $("tag-title").replaceChildren(pos ? "词性 " : "分词 ",
      el("span", { className: "muted", text: pos ? "Words and POS" : "Words" }));
    paint(box, chars, result.tokens, (t, piece) => {
      if (!piece.trim()) return piece;
      return el("span", { className: "tok" }, t.pos ? [piece, el("sub", { text: t.pos })] : [piece]);
    });
  }

  function renderTopics(text, result) {
    const list = $("topics");
    list.replaceChildren();
    for (const t of result.topics) {
      list.append(el("li", {}, [
        t.label || "topic " + t.id,
        el("span", { className: "weight", text: pct(t.weight) }),
      ]));
    }
    if (!result.topics.length) list.append(el("li", { text: "(no topics)" }));
  }

  const RENDER = { keywords: renderKeywords, classify: renderClassify, tag: renderTag,
    topics: renderTopics };

  // ---------------------------------------------------------------- wiring

  function updateCount() {
    const n = Array.from($("text").value).length;
    const limit = state.limits.max_text_chars;
    $("count").textContent = n ? n + (limit ? " / " + limit : "") + " 字" : "";
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("analyze").addEventListener("click", analyze);
    $("example").addEventListener("click", () => {
      $("text").value = EXAMPLE;
      updateCount();
    });
    $("text").addEventListener("input", updateCount);
    $("text").addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) analyze();
    });
    loadModels();
  });
})();
