"use strict";
/* global L */
// The planner's page: overview, orders table, routes map, boxes in 3D, strategy comparison.
// Plain browser JavaScript: Leaflet draws the map; everything else is drawn here.
const $ = (id) => document.getElementById(id);
const el = (tag, attrs, ...kids) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const kid of kids) node.append(kid);
  return node;
};
const money = (v) => Number(v).toLocaleString("en-US", { style: "currency", currency: "USD" });
const colour = (k) => `hsl(${(k * 137.508) % 360}, 65%, 42%)`;

function bars(title, entries) {
  entries.sort((a, b) => b[1] - a[1]);
  const w = 420, row = 22, left = 150, height = entries.length * row + 28;
  const max = Math.max(1, ...entries.map((e) => e[1]));
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", `0 0 ${w} ${height}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", `${title}: ` + entries.map((e) => `${e[0]} ${money(e[1])}`).join(", "));
  entries.forEach(([name, value], k) => {
    const y = 20 + k * row, len = (w - left - 80) * value / max;
    const add = (tag, attrs, text) => {
      const n = document.createElementNS(ns, tag);
      for (const [a, v] of Object.entries(attrs)) n.setAttribute(a, v);
      if (text) n.textContent = text;
      svg.append(n);
    };
    add("text", { x: left - 6, y: y + 14, "text-anchor": "end" }, name);
    add("rect", { x: left, y: y + 2, width: Math.max(1, len), height: row - 6, fill: colour(k) });
    add("text", { x: left + len + 4, y: y + 14 }, money(value));
  });
  return el("figure", {}, el("figcaption", { text: title }), svg);
}
function compareView(table, section) {
  if (!table || !table.length) { section.append(el("p", { text: "No comparison: pass --compare to the report, or pick plans to compare in the plans list." })); return; }
  const cols = Object.keys(table[0]);
  const head = el("tr", {}, ...cols.map((c) => el("th", { scope: "col", text: c })));
  const t = el("table", {}, el("caption", { text: "Strategies side by side (best in green, worst in red)" }), el("thead", {}, head), el("tbody"));
  const numeric = (v) => typeof v === "number" || (typeof v === "string" && v !== "" && !isNaN(Number(v)));
  const lowerBetter = (c) => !/on.time|saving|planned$/i.test(c);
  for (const r of table) t.tBodies[0].append(el("tr", {}, ...cols.map((c) => el("td", { "data-col": c, text: String(r[c]) }))));
  for (const c of cols) {
    const values = table.map((r) => r[c]);
    if (c === cols[0] || !values.every(numeric) || new Set(values.map(String)).size < 2) continue;
    const nums = values.map(Number), best = lowerBetter(c) ? Math.min(...nums) : Math.max(...nums), worst = lowerBetter(c) ? Math.max(...nums) : Math.min(...nums);
    t.querySelectorAll(`td[data-col="${CSS.escape(c)}"]`).forEach((td, k) => { if (nums[k] === best) td.classList.add("best"); else if (nums[k] === worst) td.classList.add("worst"); });
  }
  section.append(t);
  const costCol = cols.find((c) => /cost/i.test(c));
  if (costCol) section.append(bars(`${costCol} by strategy`, table.map((r) => [String(r[cols[0]]), Number(r[costCol])])));
}

function start(DATA) {
  const STATES = JSON.parse(document.getElementById("us-states").textContent || "null");
  const PAGE = 100;

  // ---- the rows: one per shipment, and one per unplanned order -------------------------
  const rows = [];
  for (const o of DATA.plan.orders) {
    if (o.status === "unplanned" || !o.shipments.length) {
      rows.push({ order: o.order_id, status: o.status, warehouse: "", carrier: "", service: "",
        boxes: 0, cost: 0, promised: "", on_time: "", route: "", reason: o.reason, code: o.code || "",
        shipment: null });
      continue;
    }
    o.shipments.forEach((s, k) => rows.push({
      order: o.order_id, status: o.status, warehouse: s.warehouse, carrier: s.carrier,
      service: s.service, boxes: s.boxes.length, cost: Number(s.total), promised: s.promised,
      on_time: s.on_time === null ? "" : (s.on_time ? "yes" : "no"),
      route: s.route ? `${s.route} #${s.stop}` : "", reason: s.consolidated ? `consolidated ${s.consolidated}` : "",
      code: "", shipment: s, index: k,
    }));
  }
  const COLUMNS = [["order", "Order"], ["status", "Status"], ["warehouse", "Warehouse"],
    ["carrier", "Carrier"], ["service", "Service"], ["boxes", "Boxes", true], ["cost", "Cost", true],
    ["promised", "Promised"], ["on_time", "On time"], ["route", "Route / stop"], ["reason", "Reason"]];
  const view = { sort: "order", dir: 1, page: 0, shown: rows };

  // ---- tabs ------------------------------------------------------------------------------
  const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
  const drawn = {};
  function show(tab) {
    for (const t of tabs) {
      const on = t === tab;
      t.setAttribute("aria-selected", String(on));
      t.tabIndex = on ? 0 : -1;
      $(t.getAttribute("aria-controls")).hidden = !on;
    }
    const name = tab.getAttribute("aria-controls");
    if (!drawn[name]) { drawn[name] = true; ({ routes: drawMap, boxes: drawBoxes, compare: drawCompare })[name]?.(); }
    if (name === "routes" && window.shipoptMap) window.shipoptMap.invalidateSize();
  }
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => show(t));
    t.addEventListener("keydown", (e) => {
      const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
      if (step) { const next = tabs[(i + step + tabs.length) % tabs.length]; next.focus(); show(next); }
    });
  });

  // ---- overview --------------------------------------------------------------------------
  function drawOverview() {
    const s = DATA.summary;
    const share = s.on_time_share === null ? "-" : `${(100 * s.on_time_share).toFixed(1)}%`;
    const cards = [["Orders", s.orders], ["Planned", s.planned], ["Unplanned", s.unplanned],
      ["Total cost", money(s.total_cost)], ["On time", share],
      ...(s.expected_on_time_share === null || s.expected_on_time_share === undefined ? [] : [["Expected on time", `${(100 * s.expected_on_time_share).toFixed(1)}%`]]), ["Shipments", s.shipments],
      ["Boxes", s.boxes], ["Fill rate", s.fill_rate === null ? "-" : `${(100 * s.fill_rate).toFixed(1)}%`],
      ["Consolidated orders", s.consolidated_orders], ["Freight shipments", s.freight_shipments],
      ["Van routes", s.own_fleet.routes], ["Van stops", s.own_fleet.stops]];
    const box = el("div", { class: "cards" });
    for (const [k, v] of cards) box.append(el("div", { class: "card", "data-key": k }, el("div", { class: "v", text: String(v) }), el("div", { class: "k", text: k })));
    const charts = el("div", { class: "charts" },
      bars("Cost by carrier", Object.entries(s.cost_by_carrier).map(([k, v]) => [k, Number(v)])),
      bars("Cost by service", Object.entries(s.cost_by_service).map(([k, v]) => [k, Number(v)])));
    const counts = {};
    for (const r of rows) if (r.status === "unplanned") counts[r.code || "other"] = (counts[r.code || "other"] || 0) + 1;
    const list = el("ul", { class: "reasons" });
    for (const [code, n] of Object.entries(counts).sort((a, b) => b[1] - a[1])) {
      const b = el("button", { text: `${code}: ${n} order(s)` });
      b.addEventListener("click", () => { $("f-status").value = "unplanned"; $("f-code").value = code; refilter(); show($("tab-orders")); });
      list.append(el("li", {}, b));
    }
    $("overview").append(el("h2", { text: `Plan (${DATA.plan.strategy})` }), box, charts,
      el("h2", { text: "Unplanned orders by reason" }), Object.keys(counts).length ? list : el("p", { text: "Every order is planned." }));
  }

  // ---- orders table ---------------------------------------------------------------------
  function headers() {
    const tr = el("tr");
    for (const [key, label, num] of COLUMNS) {
      const b = el("button", { text: label });
      b.addEventListener("click", () => { view.dir = view.sort === key ? -view.dir : 1; view.sort = key; sortRows(); render(); });
      const th = el("th", { scope: "col", class: num ? "num" : "" }, b);
      th.setAttribute("aria-sort", view.sort === key ? (view.dir > 0 ? "ascending" : "descending") : "none");
      tr.append(th);
    }
    $("order-table").tHead.replaceChildren(tr);
  }
  function sortRows() {
    const k = view.sort, d = view.dir;
    view.shown.sort((a, b) => (a[k] < b[k] ? -d : a[k] > b[k] ? d : 0));
    view.page = 0;
  }
  function refilter() {
    const q = $("search").value.trim().toLowerCase();
    const st = $("f-status").value, ca = $("f-carrier").value, co = $("f-code").value;
    view.shown = rows.filter((r) => (!st || r.status === st) && (!ca || r.carrier === ca) && (!co || r.code === co) &&
      (!q || `${r.order} ${r.carrier} ${r.service} ${r.reason} ${r.warehouse}`.toLowerCase().includes(q)));
    sortRows();
    render();
  }
  function render() {
    headers();
    const pages = Math.max(1, Math.ceil(view.shown.length / PAGE));
    view.page = Math.min(view.page, pages - 1);
    const body = document.createDocumentFragment();
    for (const r of view.shown.slice(view.page * PAGE, (view.page + 1) * PAGE)) {
      const tr = el("tr", { class: r.status });
      for (const [key, , num] of COLUMNS) {
        let text = key === "cost" ? (r.status === "planned" ? money(r.cost) : "") : String(r[key] ?? "");
        const td = el("td", { class: (num ? "num " : "") + (key === "on_time" && r.on_time === "no" ? "late" : "") }, text);
        if (key === "order" && r.shipment && r.shipment.layout.length) {
          const a = el("a", { href: "#boxes", text });
          a.addEventListener("click", (e) => { e.preventDefault(); showBox(r.order); });
          td.replaceChildren(a);
        }
        tr.append(td);
      }
      body.append(tr);
    }
    $("order-table").tBodies[0].replaceChildren(body);
    $("count").textContent = `${view.shown.length} of ${rows.length} rows`;
    $("page").textContent = `page ${view.page + 1} of ${pages}`;
    $("prev").disabled = view.page === 0;
    $("next").disabled = view.page >= pages - 1;
  }
  function drawOrders() {
    const carriers = [...new Set(rows.map((r) => r.carrier).filter(Boolean))].sort();
    for (const c of carriers) $("f-carrier").append(el("option", { text: c }));
    const codes = [...new Set(rows.map((r) => r.code).filter(Boolean))].sort();
    for (const c of codes) $("f-code").append(el("option", { text: c }));
    let timer = 0;
    $("search").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refilter, 150); });
    for (const id of ["f-status", "f-carrier", "f-code"]) $(id).addEventListener("change", refilter);
    $("prev").addEventListener("click", () => { view.page -= 1; render(); });
    $("next").addEventListener("click", () => { view.page += 1; render(); });
    sortRows();
    render();
  }

  // ---- routes map -------------------------------------------------------------------------
  function drawMap() {
    const map = L.map("map", { zoomSnap: 0.25, attributionControl: Boolean(DATA.tile_url) });
    window.shipoptMap = map;
    const all = DATA.plan.routes.flatMap((r) => [[r.lat, r.lon], ...r.stops.map((s) => [s.lat, s.lon])]);
    if (all.length) map.fitBounds(all, { padding: [30, 30] }); else map.setView([39, -96], 4);
    if (DATA.tile_url) L.tileLayer(DATA.tile_url, { attribution: DATA.tile_attribution || "" }).addTo(map);
    if (STATES) L.geoJSON(STATES, { interactive: false, style: { color: "#7a8794", weight: 1, fillColor: "#fdfdfb", fillOpacity: 1 } }).addTo(map);
    const body = $("route-table").tBodies[0];
    DATA.plan.routes.forEach((r, k) => {
      const c = colour(k), path = [[r.lat, r.lon], ...r.stops.map((s) => [s.lat, s.lon]), [r.lat, r.lon]];
      L.polyline(path, { color: c, weight: 3, className: "route-line" }).addTo(map).bindTooltip(r.id);
      L.marker([r.lat, r.lon], { icon: L.divIcon({ className: "depot-icon", html: "D" }), title: `depot ${r.warehouse}` }).addTo(map)
        .bindPopup(`Depot ${r.warehouse}: leaves ${r.departure}, back ${r.return_time}`);
      r.stops.forEach((s, n) => {
        L.marker([s.lat, s.lon], { icon: L.divIcon({ className: "stop-icon", html: String(n + 1) }), title: `${r.id} stop ${n + 1}` })
          .addTo(map).bindPopup(`<b>${r.id} stop ${n + 1}</b><br>order ${s.order_id}<br>ETA ${s.arrival}, leaves ${s.departure}<br>window: any time<br>load ${s.weight}`);
      });
      const sw = el("span", { class: "swatch", style: `background:${c}` });
      body.append(el("tr", {}, el("td", {}, sw, ` ${r.id}`), el("td", { text: String(r.stops.length) }),
        el("td", { text: `${r.distance_km} km` }), el("td", { text: `${r.duration_minutes} min` }), el("td", { text: money(r.cost) })));
    });
    if (!DATA.plan.routes.length) body.append(el("tr", {}, el("td", { colspan: "5", text: "No own-fleet routes in this plan." })));
  }

  // ---- boxes in 3D (a painter's projection on a canvas) ----------------------------------
  const cam = { yaw: 0.7, pitch: 0.5, zoom: 1 };
  let current = null;
  const shipments = rows.filter((r) => r.shipment && r.shipment.layout.length);
  function showBox(order) {
    $("box-order").value = order;
    pickOrder();
    show($("tab-boxes"));
  }
  function pickOrder() {
    const units = (x) => x.shipment.layout.reduce((n, b) => n + b.units.length, 0);
    const busiest = () => shipments.reduce((a, b) => (units(b) > units(a) ? b : a), shipments[0]);
    const r = shipments.find((x) => x.order === $("box-order").value.trim()) || busiest();
    const pick = $("box-pick");
    pick.replaceChildren();
    if (!r) return;
    r.shipment.layout.forEach((b, k) => pick.append(el("option", { value: String(k), text: `${k + 1}: ${b.box}` })));
    current = r;
    paint();
  }
  function paint() {
    const canvas = $("box-canvas"), g = canvas.getContext("2d");
    g.fillStyle = "#fbfcfd"; g.fillRect(0, 0, canvas.width, canvas.height);
    if (!current) { g.fillStyle = "#505a66"; g.fillText("No packed shipment in this plan.", 20, 30); return; }
    const box = current.shipment.layout[Number($("box-pick").value) || 0];
    const [L0, W0, H0] = box.inner_mm.map(Number);
    const skus = [...new Set(box.units.map((u) => u[0]))];
    const cy = Math.cos(cam.yaw), sy = Math.sin(cam.yaw), cp = Math.cos(cam.pitch), sp = Math.sin(cam.pitch);
    const scale = cam.zoom * 0.55 * Math.min(canvas.width, canvas.height) / Math.max(L0, W0, H0);
    const project = ([x, y, z]) => {
      x -= L0 / 2; y -= W0 / 2; z -= H0 / 2;
      const rx = x * cy - y * sy, ry = x * sy + y * cy;
      return [canvas.width / 2 + rx * scale, canvas.height / 2 - (z * cp - ry * sp) * scale, ry * cp + z * sp];
    };
    const faces = (x, y, z, l, w, h) => {
      const p = (a, b, c) => [x + a * l, y + b * w, z + c * h];
      return [[p(0,0,0), p(1,0,0), p(1,1,0), p(0,1,0)], [p(0,0,1), p(1,0,1), p(1,1,1), p(0,1,1)],
        [p(0,0,0), p(1,0,0), p(1,0,1), p(0,0,1)], [p(0,1,0), p(1,1,0), p(1,1,1), p(0,1,1)],
        [p(0,0,0), p(0,1,0), p(0,1,1), p(0,0,1)], [p(1,0,0), p(1,1,0), p(1,1,1), p(1,0,1)]];
    };
    const polys = [];
    for (const u of box.units) {
      const [sku, x, y, z, l, w, h] = [u[0], ...u.slice(1).map(Number)];
      for (const f of faces(x, y, z, l, w, h)) {
        const pts = f.map(project);
        polys.push({ pts, depth: pts.reduce((s, q) => s + q[2], 0) / 4, fill: colour(skus.indexOf(sku)) });
      }
    }
    polys.sort((a, b) => a.depth - b.depth);
    for (const poly of polys) {
      g.beginPath();
      poly.pts.forEach(([px, py], k) => (k ? g.lineTo(px, py) : g.moveTo(px, py)));
      g.closePath(); g.fillStyle = poly.fill; g.globalAlpha = 0.85; g.fill(); g.globalAlpha = 1;
      g.strokeStyle = "#1b1f24"; g.lineWidth = 0.6; g.stroke();
    }
    g.strokeStyle = "#0b5cad"; g.lineWidth = 1.5;
    for (const f of faces(0, 0, 0, L0, W0, H0)) {
      g.beginPath(); f.map(project).forEach(([px, py], k) => (k ? g.lineTo(px, py) : g.moveTo(px, py))); g.closePath(); g.stroke();
    }
    $("legend").replaceChildren(...skus.map((s, k) => el("li", {}, el("span", { class: "swatch", style: `background:${colour(k)}` }), s)));
    $("load-order").replaceChildren(...box.units.map((u) => el("li", { text: `${u[0]} at (${u[1]}, ${u[2]}, ${u[3]}) mm` })));
    canvas.setAttribute("aria-label", `Box ${box.box}, ${L0} x ${W0} x ${H0} mm, ${box.units.length} unit(s) of ${skus.join(", ")}`);
  }
  function drawBoxes() {
    const list = $("box-orders");
    for (const r of shipments.slice(0, 2000)) list.append(el("option", { value: r.order }));
    $("box-order").addEventListener("change", pickOrder);
    $("box-pick").addEventListener("change", paint);
    const canvas = $("box-canvas");
    let drag = null;
    canvas.addEventListener("pointerdown", (e) => { drag = [e.clientX, e.clientY]; canvas.setPointerCapture(e.pointerId); });
    canvas.addEventListener("pointermove", (e) => {
      if (!drag) return;
      cam.yaw += (e.clientX - drag[0]) * 0.01; cam.pitch = Math.max(-1.5, Math.min(1.5, cam.pitch + (e.clientY - drag[1]) * 0.01));
      drag = [e.clientX, e.clientY]; paint();
    });
    canvas.addEventListener("pointerup", () => { drag = null; });
    canvas.addEventListener("wheel", (e) => { e.preventDefault(); cam.zoom = Math.max(0.3, Math.min(4, cam.zoom * (e.deltaY < 0 ? 1.1 : 0.9))); paint(); });
    canvas.addEventListener("keydown", (e) => {
      const keys = { ArrowLeft: () => (cam.yaw -= 0.1), ArrowRight: () => (cam.yaw += 0.1), ArrowUp: () => (cam.pitch -= 0.1),
        ArrowDown: () => (cam.pitch += 0.1), "+": () => (cam.zoom *= 1.1), "-": () => (cam.zoom /= 1.1) };
      if (keys[e.key]) { e.preventDefault(); keys[e.key](); paint(); }
    });
    if (!current) pickOrder();
  }

  // ---- compare ---------------------------------------------------------------------------
  function drawCompare() {
    compareView(DATA.compare, $("compare"));
  }

  document.getElementById("title").textContent = DATA.title || "shipopt plan";
  $("tabs").hidden = false;
  $("overview").hidden = false;
  drawOverview();
  drawOrders();
  performance.mark("shipopt-ready");  // the overview and the first page of orders are drawn
}

// ---- served by `shipopt serve` at /app: sign in with a key, pick or start a plan ----------
const KEY = "shipopt-key";
const byId = (id) => document.getElementById(id);

async function api(path, options = {}) {
  const headers = { Authorization: `Bearer ${sessionStorage.getItem(KEY)}`, "Content-Type": "application/json" };
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401 || response.status === 403) {
    sessionStorage.removeItem(KEY);
    throw new Error("This API key was refused.");
  }
  if (!response.ok) throw new Error(`${path}: ${response.status} ${(await response.text()).slice(0, 300)}`);
  return response.json();
}

function fail(where, error) {
  const box = byId(where);
  box.textContent = error.message;
  box.hidden = false;
}

async function listPlans() {
  byId("signin").hidden = true;
  byId("jobs").hidden = false;
  const page = await api("/v1/plans?limit=50");
  const body = byId("job-table").tBodies[0];
  body.replaceChildren();
  for (const job of page.jobs) {
    const tr = document.createElement("tr");
    for (const text of [job.id, job.status, `${Math.round(100 * job.progress)}%`, job.created_at]) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.append(td);
    }
    const td = document.createElement("td");
    if (job.status === "succeeded") {
      const b = document.createElement("button");
      b.textContent = "Open";
      b.setAttribute("aria-label", `Open plan ${job.id}`);
      b.addEventListener("click", () => openPlan(job.id));
      const pick = el("input", { type: "checkbox", class: "pick", value: job.id, "aria-label": `Compare plan ${job.id}` });
      td.append(b, " ", pick);
    }
    tr.append(td);
    body.append(tr);
  }
  if (!page.jobs.length) body.innerHTML = '<tr><td colspan="5">No plans yet: start one below.</td></tr>';
}

async function comparePlans() {
  const ids = Array.from(document.querySelectorAll("input.pick:checked")).map((c) => c.value);
  const rows = [];
  for (const id of ids) {
    const r = await api(`/v1/plans/${id}/result`);
    const s = r.summary;
    rows.push({ plan: `${id} (${r.plan.strategy})`, planned: s.planned, unplanned: s.unplanned,
      total_cost: Number(s.total_cost), on_time_share: s.on_time_share === null ? "" : Number(s.on_time_share.toFixed(4)),
      shipments: s.shipments, boxes: s.boxes, carriers: Object.keys(s.cost_by_carrier).length });
  }
  const section = byId("job-compare");
  section.replaceChildren();
  compareView(rows, section);
}

function openPlan(id) {
  location.hash = `plan=${id}`;
  location.reload();
}

async function replan(day) {
  const body = { ...day, strategy: byId("strategy").value };
  const job = await api("/v1/plans", { method: "POST", body: JSON.stringify(body) });
  const status = byId("job-status");
  for (;;) {
    const now = await api(`/v1/plans/${job.id}`);
    status.textContent = `plan ${job.id}: ${now.status}, ${Math.round(100 * now.progress)}% of shipments decided`;
    if (now.status === "succeeded") return openPlan(job.id);
    if (now.status === "failed" || now.status === "cancelled") throw new Error(`plan ${job.id} ${now.status}: ${now.error || ""}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function served() {
  const wanted = /^#plan=(.+)$/.exec(location.hash);
  byId("signin-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(KEY, byId("api-key").value.trim());
    listPlans().catch((err) => { byId("signin").hidden = false; byId("jobs").hidden = true; fail("signin-error", err); });
  });
  byId("sample").addEventListener("click", () =>
    fetch("/app/sample-day.json").then((r) => r.json()).then(replan).catch((err) => fail("job-error", err)));
  byId("upload").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    try { await replan(JSON.parse(await file.text())); } catch (err) { fail("job-error", err); }
  });
  byId("compare-picked").addEventListener("click", () => comparePlans().catch((err) => fail("job-error", err)));
  byId("to-plans").addEventListener("click", () => { location.hash = ""; location.reload(); });
  if (!sessionStorage.getItem(KEY)) { byId("signin").hidden = false; return; }
  if (wanted) {
    api(`/v1/plans/${wanted[1]}/result`)
      .then((r) => start({ title: `Plan ${wanted[1]} (${r.plan.strategy})`, plan: r.plan, summary: r.summary, compare: null,
        tile_url: CONFIG.tile_url || "", tile_attribution: CONFIG.tile_attribution || "" }))
      .catch((err) => { byId("signin").hidden = false; fail("signin-error", err); });
    byId("to-plans").hidden = false;
    return;
  }
  listPlans().catch((err) => { byId("signin").hidden = false; byId("jobs").hidden = true; fail("signin-error", err); });
}

const CONFIG = JSON.parse(byId("app-config").textContent || "{}");
const EMBEDDED = JSON.parse(byId("plan-data").textContent);
if (EMBEDDED) start(EMBEDDED); else served();
