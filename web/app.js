// Ponder's web page: a chat with the agent (`ponder-agent`) over the server's
// streaming API. Model text is never parsed as HTML: every node is built with
// createElement and textContent, and links lead only to http(s) addresses.
"use strict";

// ---- Small DOM helpers ----------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";

/** An element with an optional class and text (textContent, never HTML). */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function svgElement(tag, attributes) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
  return node;
}

const $ = (id) => document.getElementById(id);

// ---- Markdown, safely -----------------------------------------------------------

/** The address when `text` is an absolute http(s) URL, else null. */
function safeURL(text) {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

// Emphasis only between word boundaries, so arithmetic such as 1*2*3*4 or 2**10 stays as written.
const INLINE = /(`[^`\n]+`)|((?<![\w*])\*\*(?!\s)[^*\n]+?(?<!\s)\*\*(?![\w*]))|((?<![\w*])\*(?![\s*])[^*\n]*?(?<![\s*])\*(?![\w*]))|(\[[^\]\n]+\]\([^)\s]+\))|(https?:\/\/[^\s<>()"']+[^\s<>()"'.,;:!?])/g;

/** Appends `text` to `parent` with inline Markdown: code, bold, italics, links. */
function appendInline(parent, text) {
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    if (match.index > last) parent.append(document.createTextNode(text.slice(last, match.index)));
    const [whole, code, bold, italic, link, bare] = match;
    if (code) {
      parent.append(el("code", null, code.slice(1, -1)));
    } else if (bold) {
      const strong = el("strong");
      appendInline(strong, bold.slice(2, -2));
      parent.append(strong);
    } else if (italic) {
      const em = el("em");
      appendInline(em, italic.slice(1, -1));
      parent.append(em);
    } else if (link) {
      const split = link.indexOf("](");
      appendLink(parent, link.slice(1, split), link.slice(split + 2, -1));
    } else if (bare) {
      appendLink(parent, bare, bare);
    } else {
      parent.append(document.createTextNode(whole));
    }
    last = match.index + whole.length;
  }
  if (last < text.length) parent.append(document.createTextNode(text.slice(last)));
}

function appendLink(parent, label, target) {
  const href = safeURL(target);
  if (!href) {
    parent.append(document.createTextNode(label === target ? label : `${label} (${target})`));
    return;
  }
  const anchor = el("a", null, label);
  anchor.href = href;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer nofollow";
  parent.append(anchor);
}

const LIST_ITEM = /^\s*([-*+]|\d+[.)])\s+/;
const FENCE = /^\s*```/;
const HEADING = /^(#{1,6})\s+(.*)$/;

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || LIST_ITEM.test(line) || /^>\s?/.test(line);
}

/** Markdown text as a fragment of safe nodes: paragraphs, headings, lists, quotes, code. */
function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  const lines = String(text).replace(/\r\n?/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (FENCE.test(line)) {
      const language = line.replace(FENCE, "").trim();
      const code = [];
      i += 1;
      while (i < lines.length && !FENCE.test(lines[i])) code.push(lines[i++]);
      i += 1;
      const pre = el("pre");
      const block = el("code", null, code.join("\n"));
      if (/^[\w+-]+$/.test(language)) block.dataset.language = language;
      pre.append(block);
      fragment.append(pre);
    } else if (!line.trim()) {
      i += 1;
    } else if (HEADING.test(line)) {
      const [, hashes, title] = line.match(HEADING);
      const heading = el(`h${Math.min(6, hashes.length + 2)}`);
      appendInline(heading, title);
      fragment.append(heading);
      i += 1;
    } else if (LIST_ITEM.test(line)) {
      const list = el(/^\s*\d/.test(line) ? "ol" : "ul");
      while (i < lines.length && LIST_ITEM.test(lines[i])) {
        const item = el("li");
        appendInline(item, lines[i].replace(LIST_ITEM, ""));
        list.append(item);
        i += 1;
      }
      fragment.append(list);
    } else if (/^>\s?/.test(line)) {
      const quote = el("blockquote");
      const quoted = [];
      while (i < lines.length && /^>\s?/.test(lines[i])) quoted.push(lines[i++].replace(/^>\s?/, ""));
      quote.append(renderMarkdown(quoted.join("\n")));
      fragment.append(quote);
    } else {
      const paragraph = el("p");
      let first = true;
      while (i < lines.length && lines[i].trim() && (first || !startsBlock(lines[i]))) {
        if (!first) paragraph.append(el("br"));
        appendInline(paragraph, lines[i]);
        first = false;
        i += 1;
      }
      fragment.append(paragraph);
    }
  }
  return fragment;
}

// ---- The server -----------------------------------------------------------------

const KEY_STORAGE = "ponder-api-key";
let apiKey = sessionStorage.getItem(KEY_STORAGE);
let keyPrompt = null;

/** Asks for the API key once (a refused key asks again); resolves when one is given. */
function askForKey(refused) {
  if (keyPrompt) return keyPrompt;
  keyPrompt = new Promise((resolve) => {
    const dialog = $("key-dialog");
    $("key-error").hidden = !refused;
    $("key-form").onsubmit = (event) => {
      event.preventDefault();
      const key = $("key-input").value.trim();
      if (!key) return;
      apiKey = key;
      sessionStorage.setItem(KEY_STORAGE, key);
      dialog.close();
      keyPrompt = null;
      resolve();
    };
    dialog.showModal();
  });
  return keyPrompt;
}

/** `fetch` with the API key; a 401 asks for the key and tries again. */
async function api(path, options = {}) {
  for (;;) {
    const headers = Object.assign({}, options.headers);
    if (apiKey) headers.Authorization = `Bearer ${apiKey}`;
    const response = await fetch(path, Object.assign({}, options, { headers }));
    if (response.status !== 401) return response;
    await askForKey(Boolean(apiKey));
  }
}

/** The message of an OpenAI-style error response. */
async function errorMessage(response) {
  try {
    const body = await response.json();
    return (body.error && body.error.message) || `HTTP ${response.status}`;
  } catch {
    return `HTTP ${response.status}`;
  }
}

/** Calls `onData` with the data of each server-sent event of `response` as it arrives. */
async function readEvents(response, onData) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const event = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = event.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trimStart()).join("\n");
      if (data) onData(data);
    }
  }
}

// ---- The tree of thoughts -------------------------------------------------------

/** The search tree drawn as nodes arrive: pruned ones grey, the chosen path highlighted. */
class TreeView {
  constructor(container) {
    this.nodes = new Map([[0, { id: 0, parent: null, text: "the question", score: 0.5, depth: 0, children: [] }]]);
    this.chosen = new Set();
    this.selected = null;
    this.svg = svgElement("svg", { class: "tree", role: "img", "aria-label": "The tree of thoughts" });
    const wrap = el("div", "tree-wrap");
    wrap.append(this.svg);
    this.detail = el("p", "node-detail muted", "Point at or click a thought to read it.");
    container.append(wrap, this.detail);
    this.pending = false;
  }

  add(node) {
    if (this.nodes.has(node.id)) return;
    this.nodes.set(node.id, Object.assign({ children: [] }, node));
    const parent = this.nodes.get(node.parent == null ? 0 : node.parent);
    if (parent) parent.children.push(node.id);
    if (!this.pending) {
      this.pending = true;
      requestAnimationFrame(() => {
        this.pending = false;
        this.draw();
      });
    }
  }

  choose(path) {
    this.chosen = new Set([0, ...path]);
    this.draw();
  }

  show(node) {
    this.selected = node.id;
    const parts = [node.id === 0 ? "The question" : `#${node.id} · score ${node.score.toFixed(2)}`];
    if (node.verified === true) parts.push("checked ✓");
    if (node.verified === false) parts.push("check failed ✗");
    if (node.pruned) parts.push("pruned");
    if (this.chosen.has(node.id)) parts.push("on the chosen path");
    let text = `${parts.join(" · ")}\n${node.text}`;
    if (node.note) text += `\n${node.note}`;
    this.detail.textContent = text;
    // Only the mark moves: redrawing under the pointer would start the hover again.
    for (const group of this.svg.querySelectorAll("g.selected")) group.classList.remove("selected");
    const group = this.svg.querySelector(`g[data-id="${node.id}"]`);
    if (group) group.classList.add("selected");
  }

  draw() {
    // Top down: a level per depth, a column per leaf, a parent above its children's middle.
    const level = 44, column = 16, margin = 12;
    const place = new Map();
    let columns = 0;
    const layout = (id) => {
      const node = this.nodes.get(id);
      if (!node.children.length) {
        place.set(id, { x: columns++, y: node.depth });
        return;
      }
      node.children.forEach(layout);
      const xs = node.children.map((child) => place.get(child).x);
      place.set(id, { x: (Math.min(...xs) + Math.max(...xs)) / 2, y: node.depth });
    };
    layout(0);
    const depth = Math.max(...[...this.nodes.values()].map((node) => node.depth));
    const width = Math.max(1, columns - 1) * column + 2 * margin, height = depth * level + 2 * margin;
    this.svg.setAttribute("width", width);
    this.svg.setAttribute("height", height);
    this.svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    const at = (id) => ({ x: margin + place.get(id).x * column, y: margin + place.get(id).y * level });
    const edges = [], circles = [];
    for (const node of this.nodes.values()) {
      const here = at(node.id);
      if (node.id !== 0) {
        const parent = at(node.parent == null ? 0 : node.parent);
        const line = svgElement("line", { x1: parent.x, y1: parent.y, x2: here.x, y2: here.y });
        if (this.chosen.has(node.id)) line.classList.add("chosen");
        edges.push(line);
      }
      const group = svgElement("g", { class: "node", tabindex: 0, "data-id": node.id });
      if (node.pruned) group.classList.add("pruned");
      if (node.answer != null) group.classList.add("finished");
      if (this.chosen.has(node.id)) group.classList.add("chosen");
      if (this.selected === node.id) group.classList.add("selected");
      const hue = Math.round(120 * Math.max(0, Math.min(1, node.score)));
      group.append(svgElement("circle", { cx: here.x, cy: here.y, r: node.id === 0 ? 7 : 6, fill: `hsl(${hue}, 60%, 45%)` }));
      const title = svgElement("title");
      title.textContent = node.id === 0 ? "the question" : `#${node.id} (${node.score.toFixed(2)}) ${node.text}`;
      group.append(title);
      group.addEventListener("click", () => this.show(node));
      group.addEventListener("mouseenter", () => this.show(node));
      group.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") this.show(node);
      });
      circles.push(group);
    }
    this.svg.replaceChildren(...edges, ...circles);
  }
}

// ---- One answer as it arrives ---------------------------------------------------

/** The page's part of one assistant turn: tool steps, figures, the search, the text. */
class Turn {
  constructor(log) {
    this.root = el("article", "turn assistant");
    this.steps = el("div", "steps");
    this.figures = el("div", "figures");
    this.answer = el("div", "answer");
    this.status = el("div", "status muted", "…");
    this.root.append(this.steps, this.figures, this.answer, this.status);
    log.append(this.root);
    this.text = "";
    this.pendingStep = null;
    this.thinking = null;
    this.rendering = false;
  }

  addText(piece) {
    this.text += piece;
    if (this.rendering) return;
    this.rendering = true;
    requestAnimationFrame(() => {
      this.rendering = false;
      this.answer.replaceChildren(renderMarkdown(this.text));
      scrollToEnd();
    });
  }

  finishText() {
    this.answer.replaceChildren(renderMarkdown(this.text));
  }

  event(event) {
    switch (event.type) {
      case "start":
        if (event.mode === "deliberate") this.startThinking(event.budget);
        break;
      case "tool_started":
        this.pendingStep = this.step(event, "running");
        break;
      case "tool_result":
        this.finishStep(event);
        break;
      case "progress":
        this.progress(event);
        break;
      case "stopped":
        this.stoppedBy = event.reason;
        break;
      case "answer":
        this.finishThinking(event);
        break;
      default:
        break;
    }
    scrollToEnd();
  }

  step(event, state) {
    const details = el("details", `step ${state}`);
    const summary = el("summary");
    summary.append(el("span", "tool", event.tool), el("span", "input", event.input.replace(/\s+/g, " ")), el("span", "time muted"), el("span", "badge", state === "running" ? "running…" : ""));
    const body = el("div", "body");
    body.append(el("div", "muted", "Input"), el("pre", null, event.input));
    details.append(summary, body);
    this.steps.append(details);
    return details;
  }

  finishStep(event) {
    const details = this.pendingStep || this.step(event, "running");
    this.pendingStep = null;
    details.classList.remove("running");
    details.classList.add(event.ok ? "ok" : "failed");
    details.querySelector(".badge").textContent = event.ok ? "ok" : "error";
    details.querySelector(".time").textContent = `${event.ms} ms`;
    const body = details.querySelector(".body");
    body.append(el("div", "muted", "Result"), el("pre", null, event.output));
    for (const url of event.files || []) this.addFigure(url);
  }

  async addFigure(url) {
    if (!url.startsWith("/files/")) return;
    const image = el("img");
    image.alt = `A figure: ${url.split("/").pop()}`;
    image.dataset.source = url;
    this.figures.append(image);
    try {
      // Fetched with the key (an <img> cannot send it), shown from a blob URL.
      const response = await api(url);
      if (!response.ok) throw new Error(await errorMessage(response));
      image.src = URL.createObjectURL(await response.blob());
      image.addEventListener("load", scrollToEnd, { once: true });
    } catch (error) {
      image.replaceWith(el("p", "error", `The figure could not be loaded: ${error.message}`));
    }
  }

  startThinking(budget) {
    if (this.thinking) return;
    const panel = el("section", "thinking");
    const head = el("div", "head", "Thinking…");
    const bar = el("progress");
    bar.max = budget || 30;
    bar.value = 0;
    const stats = el("div", "stats muted", "0 thoughts");
    const latest = el("div", "latest muted");
    panel.append(head, bar, stats, latest);
    this.steps.before(panel);
    const started = performance.now();
    const budgetSeconds = budget || 30;
    const tick = () => {
      const elapsed = Math.min(budgetSeconds, (performance.now() - started) / 1000);
      bar.value = elapsed;
      head.textContent = `Thinking… ${elapsed.toFixed(1)} / ${budgetSeconds} s`;
    };
    this.thinking = { panel, head, bar, stats, latest, tree: new TreeView(panel), timer: setInterval(tick, 100), budget: budgetSeconds };
  }

  progress(event) {
    if (!this.thinking) this.startThinking(event.budget);
    const thinking = this.thinking;
    thinking.stats.textContent = `${event.thoughts} thoughts · ${event.expanded} expanded · best score ${event.best_score.toFixed(2)} · depth ${event.depth} · ${event.answers} answers`;
    if (event.node) {
      thinking.tree.add(event.node);
      thinking.latest.textContent = `latest: ${event.node.text}`;
    }
  }

  finishThinking(event) {
    if (!this.thinking) return;
    clearInterval(this.thinking.timer);
    const parts = [`Thought for ${event.seconds.toFixed(1)} s`];
    if (event.task) parts.push(event.task);
    if (event.verified) parts.push("answer checked ✓");
    this.thinking.head.textContent = parts.join(" · ");
    this.thinking.bar.value = Math.min(this.thinking.budget, event.seconds);
    if (event.path) this.thinking.tree.choose(event.path);
  }

  /** Ends the turn: `note` is what the status line says. */
  end(note, isError) {
    if (this.thinking) clearInterval(this.thinking.timer);
    if (this.pendingStep) {
      this.pendingStep.classList.remove("running");
      this.pendingStep.querySelector(".badge").textContent = "stopped";
      this.pendingStep = null;
    }
    this.finishText();
    this.status.textContent = note;
    this.status.classList.toggle("error", Boolean(isError));
    this.root.dataset.state = isError ? "error" : "done";
  }
}

// ---- The conversation -----------------------------------------------------------

const state = { messages: [], controller: null, info: null };

function scrollToEnd() {
  const log = $("log");
  log.scrollTop = log.scrollHeight;
}

function setRunning(running) {
  $("send").hidden = running;
  $("stop").hidden = !running;
}

async function send(question) {
  const welcome = $("welcome");
  if (welcome) welcome.remove();
  const log = $("log");
  log.append(el("article", "turn user", question));
  const turn = new Turn(log);
  scrollToEnd();
  const history = state.messages.slice();
  state.messages.push({ role: "user", content: question });
  const request = {
    model: "ponder-agent", messages: state.messages.slice(), stream: true, ponder_events: true,
    ponder_tools: $("tools").checked,
  };
  const temperature = Number($("temperature").value);
  if (Number.isFinite(temperature)) request.temperature = temperature;
  if ($("deliberate").checked) request.ponder_deliberate = Math.max(1, Math.min(600, Number($("budget").value) || 8));
  const controller = new AbortController();
  state.controller = controller;
  setRunning(true);
  const started = performance.now();
  let finish = null;
  try {
    const response = await api("/v1/chat/completions", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(request), signal: controller.signal,
    });
    if (!response.ok) throw new Error(await errorMessage(response));
    await readEvents(response, (data) => {
      if (data === "[DONE]") return;
      const chunk = JSON.parse(data);
      if (chunk.error) throw new Error(chunk.error.message);
      if (chunk.ponder_event) turn.event(chunk.ponder_event);
      for (const choice of chunk.choices || []) {
        if (choice.delta && choice.delta.content) turn.addText(choice.delta.content);
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    if (finish === null) throw new Error("the answer ended early (the server closed the stream)");
    const stopped = turn.stoppedBy ? ` · stopped by ${turn.stoppedBy}` : "";
    turn.end(`${seconds} s${stopped}`);
  } catch (error) {
    if (error.name === "AbortError") {
      turn.end("Stopped.");
    } else {
      turn.end(`Error: ${error.message}`, true);
    }
  } finally {
    if (state.controller === controller) {
      state.controller = null;
      setRunning(false);
    }
  }
  // The history keeps the question with what was answered; a question without
  // an answer is dropped, so turns keep alternating.
  if (turn.text.trim()) {
    state.messages.push({ role: "assistant", content: turn.text });
  } else {
    state.messages = history;
  }
}

function stop() {
  if (state.controller) state.controller.abort();
}

function newChat() {
  stop();
  state.messages = [];
  const log = $("log");
  log.replaceChildren();
  $("input").focus();
}

function submit() {
  const input = $("input");
  const question = input.value.trim();
  if (!question || state.controller) return;
  input.value = "";
  send(question);
}

async function loadInfo() {
  try {
    const response = await api("/ponder/info");
    if (!response.ok) throw new Error(await errorMessage(response));
    const info = await response.json();
    state.info = info;
    $("model-name").textContent = info.model;
    $("setting-model").textContent = info.model;
    $("setting-adapter").textContent = info.adapter || "none";
    $("temperature").value = String(info.temperature);
    $("budget").max = String(info.maximum_budget);
  } catch (error) {
    $("model-name").textContent = `(server: ${error.message})`;
  }
}

function start() {
  const input = $("input");
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      submit();
    }
  });
  $("composer").addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  $("stop").addEventListener("click", stop);
  $("new-chat").addEventListener("click", newChat);
  $("settings-toggle").addEventListener("click", () => {
    const panel = $("settings");
    panel.hidden = !panel.hidden;
    $("settings-toggle").setAttribute("aria-expanded", String(!panel.hidden));
  });
  input.focus();
  loadInfo();
}

// For tests and other scripts on this page.
window.Ponder = { renderMarkdown, send, stop, newChat, state };

start();
