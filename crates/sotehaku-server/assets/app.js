// sotehaku search page. Plain JavaScript, no dependencies. Text from the API is inserted with textContent; only the
// snippet HTML (escaped by the server, matches in <mark>) is inserted as HTML.
"use strict";

(function () {
  const PAGE = 10;
  const $ = (id) => document.getElementById(id);
  const labels = { region: {}, doc_type: {}, theme: {} };
  let state = fromUrl();
  let lastResults = null;
  let searchSeq = 0;

  function fromUrl() {
    const p = new URLSearchParams(location.search);
    return {
      q: p.get("q") || "",
      sort: p.get("sort") || "relevance",
      from: p.get("from") || "",
      to: p.get("to") || "",
      region: p.getAll("region"),
      theme: p.getAll("theme"),
      type: p.getAll("type"),
      offset: Math.max(0, parseInt(p.get("offset") || "0", 10) || 0),
    };
  }

  function toParams(s, extra) {
    const p = new URLSearchParams();
    if (s.q) p.set("q", s.q);
    if (s.sort && s.sort !== "relevance") p.set("sort", s.sort);
    if (s.from) p.set("from", s.from);
    if (s.to) p.set("to", s.to);
    s.region.forEach((v) => p.append("region", v));
    s.theme.forEach((v) => p.append("theme", v));
    s.type.forEach((v) => p.append("type", v));
    if (s.offset) p.set("offset", String(s.offset));
    Object.entries(extra || {}).forEach(([k, v]) => p.set(k, v));
    return p;
  }

  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") e.className = v;
      else e.setAttribute(k, v);
    });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function showMessage(text) {
    const m = $("message");
    m.textContent = text || "";
    m.hidden = !text;
  }

  async function getJson(url) {
    const r = await fetch(url, { headers: { Accept: "application/json" } });
    const body = await r.json().catch(() => null);
    if (!r.ok) {
      const detail = body && body.detail ? body.detail : "palvelin vastasi " + r.status;
      throw new Error(detail);
    }
    return body;
  }

  function regionName(code) { return labels.region[code] || code; }
  function typeName(slug) { return labels.doc_type[slug] || slug; }
  function themeName(id) { return labels.theme[id] || id.replace(/-/g, " "); }

  function formatDate(d) {
    if (!d) return "päiväämätön";
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
    if (m) return Number(m[3]) + "." + Number(m[2]) + "." + m[1];
    const ym = /^(\d{4})-(\d{2})$/.exec(d);
    if (ym) return Number(ym[2]) + "/" + ym[1];
    return d;
  }

  function syncForm() {
    $("q").value = state.q;
    $("sort").value = state.sort;
    $("from").value = /^\d{4}-\d{2}-\d{2}$/.test(state.from) ? state.from : "";
    $("to").value = /^\d{4}-\d{2}-\d{2}$/.test(state.to) ? state.to : "";
  }

  async function search(push) {
    const seq = ++searchSeq;
    const params = toParams(state);
    if (push) history.pushState(null, "", "?" + params.toString());
    $("atom-link").href = "/api/search.atom?" + toParams(Object.assign({}, state, { offset: 0 })).toString();
    document.body.setAttribute("aria-busy", "true");
    try {
      const res = await getJson("/api/search?" + toParams(state, { limit: String(PAGE) }).toString());
      if (seq !== searchSeq) return;
      showMessage("");
      lastResults = res;
      render(res);
    } catch (e) {
      if (seq !== searchSeq) return;
      showMessage("Haku epäonnistui: " + e.message);
      $("total").textContent = "Ei tuloksia";
    } finally {
      if (seq === searchSeq) document.body.removeAttribute("aria-busy");
    }
  }

  function render(res) {
    $("total").textContent = res.total === 1 ? "1 osuma" : res.total.toLocaleString("fi-FI") + " osumaa";
    const w = $("warnings");
    w.hidden = !(res.warnings && res.warnings.length);
    w.textContent = (res.warnings || []).join(" ");
    renderFacet("region", "region", res.facets.region, state.region, regionName);
    renderFacet("doc_type", "type", res.facets.doc_type, state.type, typeName);
    renderFacet("theme", "theme", res.facets.theme, state.theme, themeName);
    renderYears(res.facets.year);
    renderTimeline(res.histogram);
    renderHits(res.hits);
    const page = Math.floor(state.offset / PAGE) + 1;
    const pages = Math.max(1, Math.ceil(Math.min(res.total, 1000) / PAGE));
    $("page-info").textContent = "Sivu " + page + " / " + pages;
    $("prev").disabled = state.offset === 0;
    $("next").disabled = state.offset + PAGE >= Math.min(res.total, 1000);
  }

  function renderFacet(facet, param, counts, selected, name) {
    const box = document.querySelector("#facet-" + facet + " .values");
    box.replaceChildren();
    const entries = Object.entries(counts || {});
    selected.forEach((v) => { if (!(v in (counts || {}))) entries.push([v, 0]); });
    if (!entries.length) box.append(el("p", { class: "meta" }, "ei arvoja"));
    entries.forEach(([value, count]) => {
      const id = "f-" + param + "-" + value;
      const label = el("label", { class: "facet" + (count ? "" : " zero"), for: id });
      const box2 = el("input", { type: "checkbox", id: id, name: param, value: value });
      box2.checked = selected.includes(value);
      box2.addEventListener("change", () => {
        const list = state[param];
        const i = list.indexOf(value);
        if (box2.checked && i < 0) list.push(value);
        if (!box2.checked && i >= 0) list.splice(i, 1);
        state.offset = 0;
        search(true);
      });
      label.append(box2, el("span", {}, name(value)), el("span", { class: "count" }, String(count)));
      box.append(label);
    });
  }

  function yearSelected(y) {
    return state.from === y + "-01-01" && state.to === y + "-12-31";
  }

  function toggleYear(y) {
    if (yearSelected(y)) { state.from = ""; state.to = ""; } else { state.from = y + "-01-01"; state.to = y + "-12-31"; }
    state.offset = 0;
    syncForm();
    search(true);
  }

  function renderYears(counts) {
    const box = document.querySelector("#facet-year .values");
    box.replaceChildren();
    const entries = Object.entries(counts || {}).sort((a, b) => b[0].localeCompare(a[0]));
    if (!entries.length) box.append(el("p", { class: "meta" }, "ei arvoja"));
    entries.forEach(([year, count]) => {
      const id = "f-year-" + year;
      const label = el("label", { class: "facet", for: id });
      const input = el("input", { type: "checkbox", id: id, name: "year", value: year });
      input.checked = yearSelected(year);
      input.addEventListener("change", () => toggleYear(year));
      label.append(input, el("span", {}, year), el("span", { class: "count" }, String(count)));
      box.append(label);
    });
  }

  // The timeline: one bar per year or month, drawn as inline SVG. Bars are focusable; Enter or a click narrows the
  // search to that period (and clears the narrowing when it is already chosen).
  function renderTimeline(h) {
    const box = $("timeline");
    box.replaceChildren();
    const buckets = (h && h.buckets) || [];
    box.dataset.signature = (h ? h.interval : "") + ":" + buckets.map((b) => b.key + "=" + b.count).join(",");
    box.dataset.total = String(buckets.reduce((s, b) => s + b.count, 0));
    if (!buckets.length) {
      box.append(el("p", { class: "meta" }, "Ei päivättyjä osumia."));
      return;
    }
    const monthly = h.interval === "month";
    $("timeline-caption").textContent = monthly ? "Osumat kuukausittain" : "Osumat vuosittain";
    const NS = "http://www.w3.org/2000/svg";
    const W = 800, H = 150, top = 14, bottom = 22;
    const max = Math.max(1, ...buckets.map((b) => b.count));
    const step = W / buckets.length;
    const svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + W + " " + H);
    svg.setAttribute("preserveAspectRatio", "none");
    svg.setAttribute("role", "group");
    svg.setAttribute("aria-label", monthly ? "Osumat kuukausittain" : "Osumat vuosittain");
    const labelEvery = Math.ceil(buckets.length / 12);
    buckets.forEach((b, i) => {
      const bh = b.count ? Math.max(2, (H - top - bottom) * b.count / max) : 0;
      const r = document.createElementNS(NS, "rect");
      const range = periodRange(b.key);
      const inRange = (!state.from || range[1] >= state.from) && (!state.to || range[0] <= state.to);
      r.setAttribute("class", "bar" + (inRange && (state.from || state.to) ? " in-range" : ""));
      r.setAttribute("x", String(i * step + step * 0.1));
      r.setAttribute("width", String(Math.max(1, step * 0.8)));
      r.setAttribute("y", String(H - bottom - bh));
      r.setAttribute("height", String(Math.max(bh, 1)));
      r.setAttribute("tabindex", "0");
      r.setAttribute("role", "button");
      r.setAttribute("data-key", b.key);
      r.setAttribute("data-count", String(b.count));
      const title = document.createElementNS(NS, "title");
      title.textContent = b.key + ": " + b.count + " osumaa";
      r.append(title);
      r.setAttribute("aria-label", b.key + ": " + b.count + " osumaa");
      const choose = () => {
        if (state.from === range[0] && state.to === range[1]) { state.from = ""; state.to = ""; }
        else { state.from = range[0]; state.to = range[1]; }
        state.offset = 0;
        syncForm();
        search(true);
      };
      r.addEventListener("click", choose);
      r.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); choose(); } });
      svg.append(r);
      if (i % labelEvery === 0) {
        const t = document.createElementNS(NS, "text");
        t.setAttribute("x", String(i * step + step / 2));
        t.setAttribute("y", String(H - 6));
        t.setAttribute("text-anchor", "middle");
        t.textContent = monthly ? b.key.slice(2) : b.key;
        svg.append(t);
      }
      if (b.count && buckets.length <= 24) {
        const t = document.createElementNS(NS, "text");
        t.setAttribute("x", String(i * step + step / 2));
        t.setAttribute("y", String(H - bottom - bh - 3));
        t.setAttribute("text-anchor", "middle");
        t.textContent = String(b.count);
        svg.append(t);
      }
    });
    box.append(svg);
  }

  function periodRange(key) {
    if (/^\d{4}$/.test(key)) return [key + "-01-01", key + "-12-31"];
    const [y, m] = key.split("-").map(Number);
    const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const mm = String(m).padStart(2, "0");
    return [y + "-" + mm + "-01", y + "-" + mm + "-" + String(last).padStart(2, "0")];
  }

  function metaLine(doc) {
    const parts = [formatDate(doc.published)];
    if (doc.regions && doc.regions.length) parts.push(doc.regions.map(regionName).join(", "));
    parts.push(typeName(doc.doc_type));
    if (doc.source) parts.push(doc.source);
    return parts.join(" · ");
  }

  function renderHits(hits) {
    const list = $("results");
    list.replaceChildren();
    hits.forEach((hit) => {
      const li = el("li", { class: "hit", "data-id": hit.id });
      const h = el("h3");
      const open = el("button", { type: "button" }, hit.title || hit.id);
      open.addEventListener("click", () => openDoc(hit.id, true));
      h.append(open);
      li.append(h, el("p", { class: "meta" }, metaLine(hit)));
      const snip = el("p", { class: "snippet" });
      snip.innerHTML = hit.snippet; // escaped by the server; only <mark> is markup
      li.append(snip);
      if (hit.url && /^https?:\/\//.test(hit.url)) {
        const p = el("p", { class: "meta" });
        p.append(el("a", { href: hit.url, rel: "noopener noreferrer", target: "_blank" }, "Alkuperäinen lähde"));
        li.append(p);
      }
      list.append(li);
    });
  }

  async function openDoc(id, push) {
    const dlg = $("doc-view");
    try {
      const doc = await getJson("/api/documents/" + encodeURIComponent(id));
      $("doc-title").textContent = doc.title || doc.id;
      $("doc-meta").textContent = metaLine(doc);
      const src = $("doc-source");
      src.hidden = !(doc.url && /^https?:\/\//.test(doc.url));
      if (!src.hidden) src.href = doc.url;
      const text = $("doc-text");
      text.replaceChildren();
      (doc.text || "").split(/\n\s*\n|\n/).filter((s) => s.trim()).slice(0, 2000)
        .forEach((para) => text.append(el("p", {}, para)));
      const sim = $("doc-similar");
      sim.replaceChildren(el("li", { class: "meta" }, "Haetaan…"));
      if (push) history.pushState(null, "", location.search + "#doc=" + encodeURIComponent(id));
      if (!dlg.open) dlg.showModal();
      dlg.scrollTop = 0;
      const similar = await getJson("/api/documents/" + encodeURIComponent(id) + "/similar?limit=5").catch(() => null);
      sim.replaceChildren();
      ((similar && similar.hits) || []).forEach((hit) => {
        const li = el("li");
        const b = el("button", { type: "button", class: "link" }, hit.title || hit.id);
        b.addEventListener("click", () => openDoc(hit.id, true));
        li.append(b, el("span", { class: "meta" }, " – " + metaLine(hit)));
        sim.append(li);
      });
      if (!sim.children.length) sim.append(el("li", { class: "meta" }, "Ei samankaltaisia asiakirjoja."));
    } catch (e) {
      showMessage("Asiakirjaa ei voitu avata: " + e.message);
    }
  }

  function docFromHash() {
    const m = /^#doc=(.+)$/.exec(location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  }

  function closeDoc() {
    const dlg = $("doc-view");
    if (dlg.open) dlg.close();
  }

  function init() {
    syncForm();
    $("search-form").addEventListener("submit", (e) => {
      e.preventDefault();
      state.q = $("q").value.trim();
      state.sort = $("sort").value;
      state.from = $("from").value;
      state.to = $("to").value;
      state.offset = 0;
      search(true);
    });
    $("sort").addEventListener("change", () => { state.sort = $("sort").value; state.offset = 0; search(true); });
    ["from", "to"].forEach((k) => $(k).addEventListener("change", () => { state[k] = $(k).value; state.offset = 0; search(true); }));
    $("clear-filters").addEventListener("click", () => {
      Object.assign(state, { region: [], theme: [], type: [], from: "", to: "", offset: 0 });
      syncForm();
      search(true);
    });
    $("prev").addEventListener("click", () => { state.offset = Math.max(0, state.offset - PAGE); search(true).then(() => $("results-heading").focus()); });
    $("next").addEventListener("click", () => { state.offset += PAGE; search(true).then(() => $("results-heading").focus()); });
    $("doc-close").addEventListener("click", () => { closeDoc(); if (docFromHash()) history.pushState(null, "", location.search); });
    $("doc-view").addEventListener("cancel", () => { if (docFromHash()) history.pushState(null, "", location.search); });
    window.addEventListener("popstate", () => {
      state = fromUrl();
      syncForm();
      const id = docFromHash();
      if (id) openDoc(id, false); else closeDoc();
      search(false);
    });
    getJson("/api/facets").then((f) => {
      Object.assign(labels.region, f.labels.region);
      Object.assign(labels.doc_type, f.labels.doc_type);
      Object.assign(labels.theme, f.labels.theme || {});
      if (lastResults) render(lastResults);
    }).catch(() => {});
    search(false);
    const id = docFromHash();
    if (id) openDoc(id, false);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
