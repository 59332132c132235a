// pipeline serve: live reload on every page; on draft previews, the in-context review panel.
// Everything a translation contains is shown with textContent, never parsed as HTML.
(function () {
  "use strict";
  const metaEl = document.querySelector('meta[name="pipeline-serve"]');
  if (!metaEl) return;
  const meta = JSON.parse(metaEl.content);
  const STORE = "pipeline-serve-panel";
  let dirty = false; // the reviewer typed something not saved yet
  let reloading = false;

  function reload(state) {
    if (reloading) return;
    reloading = true;
    if (state) sessionStorage.setItem(STORE, JSON.stringify(state));
    location.reload();
  }

  const panel = {
    blocks: [], elements: new Map(), current: null, node: null,
  };

  // ── live reload (every page: index, public, preview, error) ────────────────────────
  function changed(data) {
    const c = JSON.parse(data);
    const mine = meta.mode === "index" || meta.mode === "error" ||
      ((c.langs.includes("*") || c.langs.includes(meta.lang)) &&
       (c.pages.includes("*") || c.pages.includes(meta.page)));
    if (!mine) return;
    if (dirty) {
      notice("The catalog changed on disk (" + c.paths.join(", ") + "). Your text is kept " +
             "here; saving checks it against the file.");
      return;
    }
    reload(panel.current !== null ? { open: panel.current } : null);
  }
  // one stream per browser (a SharedWorker), else one per tab
  if (window.SharedWorker) {
    const worker = new SharedWorker("/_serve/events.js");
    worker.port.onmessage = (ev) => changed(ev.data);
    worker.port.start();
    window.addEventListener("pagehide", () => worker.port.postMessage("bye"));
    // a page restored from the back/forward cache said "bye": it may be out of date
    window.addEventListener("pageshow", (ev) => { if (ev.persisted) location.reload(); });
  } else {
    new EventSource("/_serve/events").addEventListener("change", (ev) => changed(ev.data));
  }

  if (meta.mode !== "draft" || !meta.review) return;

  // ── in-context review ──────────────────────────────────────────────────────────────
  const norm = (s) => s.replace(/\s+/g, " ").trim();
  // every state but "reviewed" waits for a person (the server decides it as the gate does)
  const LABELS = {
    draft: "draft (not reviewed)", unsigned: "not signed off", outdated: "English changed",
    untranslated: "new English: translate it", missing: "no catalog entry: run update",
    reviewed: "reviewed",
  };
  const NESTED = "ul,ol,p,table,blockquote,div,h1,h2,h3,h4,h5,h6,pre";
  function ownText(el) {
    const copy = el.cloneNode(true);
    copy.querySelectorAll(NESTED).forEach((n) => n.remove());
    return norm(copy.textContent);
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v; else node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return node;
  }

  async function api(path, body) {
    const res = await fetch(path, {
      method: body ? "POST" : "GET",
      // off loopback the page carries no token: the session cookie authenticates, and
      // the header (which no cross-site form can send) still marks the call as ours
      headers: Object.assign({ "x-pipeline-token": meta.token || "session" },
                             body ? { "content-type": "application/json" } : {}),
      body: body ? JSON.stringify(body) : undefined,
      credentials: "same-origin",
    });
    let data = null;
    try { data = await res.json(); } catch (e) { data = { error: res.statusText }; }
    return { status: res.status, data };
  }

  function notice(text, kind) {
    if (!panel.node) return;
    const box = panel.node.querySelector(".wb-status");
    box.textContent = text;
    box.className = "wb-status " + (kind || "info");
  }

  function mapBlocks() {
    const article = document.querySelector("main article") || document.querySelector("main");
    if (!article) return;
    const candidates = Array.from(article.querySelectorAll(
      "p,li,h1,h2,h3,h4,h5,h6,td,th,dt,dd,figcaption"));
    let j = 0;
    for (const b of panel.blocks) {
      if (b.kind === "title" || b.kind === "description") continue;
      for (let k = j; k < candidates.length; k++) {
        if (b.match.includes(ownText(candidates[k]))) {
          const node = candidates[k];
          node.classList.add("wb-block", "wb-" + b.state);
          node.dataset.wbIndex = String(b.index);
          node.tabIndex = 0;
          node.title = "Review this block (" + (LABELS[b.state] || b.state) + ")";
          panel.elements.set(b.index, node);
          j = k + 1;
          break;
        }
      }
    }
    article.addEventListener("click", (ev) => {
      const node = ev.target.closest(".wb-block");
      if (!node || ev.target.closest("a")) return;
      ev.preventDefault();
      open(Number(node.dataset.wbIndex));
    });
    article.addEventListener("keydown", (ev) => {
      const node = ev.target.closest(".wb-block");
      if (node && (ev.key === "Enter" || ev.key === " ")) {
        ev.preventDefault();
        open(Number(node.dataset.wbIndex));
      }
    });
  }

  function section(title, ...content) {
    return el("section", { class: "wb-section" }, el("h3", {}, title), ...content);
  }

  function diffView(ops) {
    const p = el("p", { class: "wb-diff" });
    for (const [op, text] of ops) {
      p.append(op === "=" ? document.createTextNode(text)
        : el(op === "-" ? "del" : "ins", {}, text));
    }
    return p;
  }

  function open(index) {
    const b = panel.blocks[index];
    if (!b) return;
    panel.current = index;
    dirty = false;
    for (const n of panel.elements.values()) n.classList.remove("wb-selected");
    const target = panel.elements.get(index);
    if (target) {
      target.classList.add("wb-selected");
      target.scrollIntoView({ block: "nearest" });
    }
    render(b);
  }

  function render(b) {
    const box = panel.node.querySelector(".wb-body");
    box.replaceChildren();
    const where = panel.node.querySelector(".wb-where");
    where.textContent = `${b.index + 1}/${panel.blocks.length} · ${b.kind} · line ${b.line}`;
    const state = panel.node.querySelector(".wb-state");
    state.textContent = LABELS[b.state] || b.state;
    state.className = "wb-state wb-" + b.state;

    box.append(section("English", el("p", { class: "wb-english", lang: "en" }, b.english)));
    if (b.previous) {
      box.append(section("English changed (was → now)", diffView(b.diff)));
    }
    const area = el("textarea", { class: "wb-text", rows: "6", lang: meta.lang,
                                  "aria-label": "Translation" });
    area.value = b.translation;
    area.addEventListener("input", () => { dirty = area.value !== b.translation; });
    area.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); act("accept"); }
    });
    box.append(section("Translation", area));
    box.append(section("From", el("p", { class: "wb-from" }, b.provenance || "—")));
    const qa = el("ul", { class: "wb-qa" });
    if (!b.findings.length) qa.append(el("li", { class: "ok" }, "no findings"));
    for (const [severity, check, message] of b.findings) {
      qa.append(el("li", { class: severity }, `${severity}: ${check}: ${message}`));
    }
    box.append(section("QA", qa));
    if (b.glossary.length) {
      const gl = el("ul", { class: "wb-glossary" });
      for (const [term, translation, note] of b.glossary) {
        gl.append(el("li", {}, el("b", {}, term), " → ", translation || "(keep in English)",
                     note ? el("span", { class: "wb-note" }, " — " + note) : null));
      }
      box.append(section("Glossary", gl));
    }
    if (b.discussion.length) {
      box.append(section("Discussion", el("ul", {}, ...b.discussion.map((d) => el("li", {}, d)))));
    }
    const near = el("div", { class: "wb-near" });
    if (b.before) near.append(el("p", {}, el("b", {}, "before: "), b.before.translation || b.before.english));
    if (b.after) near.append(el("p", {}, el("b", {}, "after: "), b.after.translation || b.after.english));
    if (b.before || b.after) box.append(section("Neighbours", near));
    notice(b.state === "reviewed" ? "Reviewed. Editing makes it a draft again until accepted."
      : "Edit if needed, then Accept (Ctrl+Enter).");
    area.focus();
  }

  async function act(action, extra) {
    const b = panel.blocks[panel.current];
    if (!b) return;
    const area = panel.node.querySelector(".wb-text");
    const body = Object.assign({
      lang: meta.lang, page: meta.page, msgid: b.english, msgctxt: b.msgctxt,
      seen: b.translation, seen_state: b.state, action, text: area.value,
    }, extra || {});
    notice("saving…");
    const { status, data } = await api("/_serve/api/decide", body);
    if (data.block) panel.blocks[panel.current] = data.block;
    if (status === 409) {
      notice("Conflict: " + data.message + (data.block ? " The file now says: “" +
        data.block.translation + "”." : ""), "error");
      const disk = panel.node.querySelector(".wb-body");
      disk.prepend(section("On disk now", el("p", { class: "wb-disk" },
        data.block ? data.block.translation : "(gone)")));
      return;
    }
    if (status !== 200) { notice(data.error || data.message || "refused", "error"); return; }
    if (data.status === "confirm") {
      if (window.confirm(data.message)) {
        await act("accept", { seen: data.block.translation, seen_state: data.block.state,
                              text: area.value, confirmed: true });
      } else {
        notice("not accepted; saved as a draft", "info");
      }
      return;
    }
    if (data.status === "refused") { notice(data.message, "error"); return; }
    notice(data.message, "ok");
    dirty = false;
    const next = action === "accept" ? nextIndex(panel.current) : panel.current;
    reload({ open: next, said: data.message });
  }

  function nextIndex(from) {
    for (let i = from + 1; i < panel.blocks.length; i++) {
      if (panel.blocks[i].waits) return i; // waits for a sign-off in the server's role
    }
    return from;
  }

  function build() {
    const node = el("aside", { class: "wb-panel", role: "complementary",
                               "aria-label": "Review panel" },
      el("header", { class: "wb-head" },
        el("span", { class: "wb-where" }), el("span", { class: "wb-state" }),
        el("span", { class: "wb-signer" }, (meta.reviewer || "") + " · " + (meta.role || "reviser")),
        el("button", { type: "button", class: "wb-prev", "aria-label": "Previous block" }, "◀"),
        el("button", { type: "button", class: "wb-next", "aria-label": "Next block" }, "▶"),
        el("button", { type: "button", class: "wb-close", "aria-label": "Close" }, "×")),
      el("div", { class: "wb-body" }),
      el("p", { class: "wb-status", role: "status" }),
      el("footer", { class: "wb-actions" },
        el("button", { type: "button", class: "wb-accept" }, "Accept"),
        el("button", { type: "button", class: "wb-save" }, "Save draft"),
        el("button", { type: "button", class: "wb-skip" }, "Skip"),
        el("button", { type: "button", class: "wb-discuss" }, "Discuss…")));
    node.querySelector(".wb-accept").onclick = () => act("accept");
    node.querySelector(".wb-save").onclick = () => act("save");
    node.querySelector(".wb-skip").onclick = () => open(nextIndex(panel.current));
    node.querySelector(".wb-discuss").onclick = () => {
      const note = window.prompt("What should be discussed? (kept as a comment in the .po file)");
      if (note !== null) act("discuss", { note });
    };
    node.querySelector(".wb-prev").onclick = () => open(Math.max(0, panel.current - 1));
    node.querySelector(".wb-next").onclick = () =>
      open(Math.min(panel.blocks.length - 1, panel.current + 1));
    node.querySelector(".wb-close").onclick = () => {
      document.body.classList.remove("wb-open");
      panel.current = null;
      for (const n of panel.elements.values()) n.classList.remove("wb-selected");
    };
    document.body.append(node);
    panel.node = node;
    const orig = open;
    open = function (index) { document.body.classList.add("wb-open"); orig(index); };
  }

  async function start() {
    const { status, data } = await api(
      `/_serve/api/blocks?lang=${encodeURIComponent(meta.lang)}&page=${encodeURIComponent(meta.page)}`);
    if (status !== 200) { console.warn("review panel:", data.error); return; }
    panel.blocks = data.blocks;
    build();
    mapBlocks();
    document.body.dataset.wbReady = String(panel.elements.size);
    const saved = sessionStorage.getItem(STORE);
    sessionStorage.removeItem(STORE);
    if (saved) {
      const state = JSON.parse(saved);
      if (state.open !== null && state.open !== undefined) {
        open(state.open);
        if (state.said) notice("✓ " + state.said, "ok");
      }
    }
  }
  start();
})();
