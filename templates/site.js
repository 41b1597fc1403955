// irctl incident site: filters and sorting for the index's table. Without
// this script the table lists every incident, newest first, and the
// filters stay hidden. The filters live in the address's #fragment
// (#status=open&severity=SEV1), so that a filtered view can be shared.
"use strict";
(function () {
  const table = document.getElementById("incidents");
  const form = document.getElementById("filters");
  if (!table || !form) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const shown = document.getElementById("shown");
  const fields = ["status", "severity", "service", "q"];

  function matches(row, f) {
    if (f.status === "open" && row.dataset.open !== "1") return false;
    if (f.status && f.status !== "open" && row.dataset.status !== f.status) return false;
    if (f.severity && row.dataset.severity !== f.severity) return false;
    if (f.service && row.dataset.services.indexOf("|" + f.service + "|") < 0) return false;
    if (f.q && row.textContent.toLowerCase().indexOf(f.q.toLowerCase()) < 0) return false;
    return true;
  }

  function current() {
    const f = {};
    for (const name of fields) f[name] = form.elements[name].value.trim();
    return f;
  }

  function apply() {
    const f = current();
    let count = 0;
    for (const row of rows) {
      row.hidden = !matches(row, f);
      if (!row.hidden) count++;
    }
    shown.textContent = count + " of " + rows.length + " shown";
    const hash = fields.filter((n) => f[n]).map((n) => n + "=" + encodeURIComponent(f[n])).join("&");
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function fromHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const name of fields) {
      const value = params.get(name);
      if (value === null) continue;
      const field = form.elements[name];
      if (field.tagName === "SELECT" && !Array.from(field.options).some((o) => o.value === value)) continue;
      field.value = value;
    }
  }

  // Sorting: each column's cells sort by their data-value when they have
  // one (a status's rank, a severity's weight, seconds, an RFC 3339 time),
  // else by their text.
  function sortBy(th, index) {
    const descending = th.getAttribute("aria-sort") !== "descending";
    for (const other of table.tHead.rows[0].cells) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    const numeric = th.dataset.sort === "number";
    const key = (row) => {
      const cell = row.cells[index];
      const value = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
      return numeric ? Number(value) : value;
    };
    const sorted = rows.slice().sort((a, b) => {
      const x = key(a), y = key(b);
      const order = numeric ? x - y : String(x).localeCompare(String(y));
      return descending ? -order : order;
    });
    body.append(...sorted);
  }

  Array.from(table.tHead.rows[0].cells).forEach((th, index) => {
    const button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    button.addEventListener("click", () => sortBy(th, index));
    th.replaceChildren(button);
  });

  form.hidden = false;
  form.addEventListener("input", apply);
  form.addEventListener("submit", (e) => e.preventDefault());
  fromHash();
  apply();
})();
