(function () {
  "use strict";
  // Sorting: a header click sorts the ranking by that column; cells carry
  // the value they sort by in data-v, and empty values stay last.
  var table = document.getElementById("ranking");
  if (table && table.tHead) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener("click", function () { sortBy(col, th); });
    });
  }
  function isNumber(s) { return s !== "" && !isNaN(Number(s)); }
  function key(row, col) {
    var td = row.cells[col];
    return td.hasAttribute("data-v") ? td.getAttribute("data-v") : td.textContent;
  }
  function sortBy(col, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var kind = th.getAttribute("data-kind");
    if (kind === "auto") {
      kind = rows.every(function (r) { var v = key(r, col); return v === "" || isNumber(v); }) ? "num" : "text";
    }
    var asc = !th.classList.contains("asc");
    Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.classList.remove("asc", "desc"); });
    th.classList.add(asc ? "asc" : "desc");
    rows.sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      if (x === "" || y === "") { return (x === "") - (y === ""); }
      var c = kind === "num" ? Number(x) - Number(y) : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  }
  // Highlighting: hovering a trial anywhere (row, line, dot, name) marks
  // every element of that trial; in a plot a tooltip names it (the text is
  // the table row's data-tip, so the plots need not repeat it).
  var current = null;
  var tip = document.createElement("div");
  tip.className = "tooltip";
  document.body.appendChild(tip);
  document.addEventListener("mousemove", function (e) {
    if (tip.style.display === "block") {
      tip.style.left = (e.pageX + 14) + "px";
      tip.style.top = (e.pageY + 14) + "px";
    }
  });
  function mark(t, on) {
    document.querySelectorAll('[data-t="' + t + '"]').forEach(function (el) { el.classList.toggle("hl", on); });
  }
  document.addEventListener("mouseover", function (e) {
    var el = e.target.closest ? e.target.closest("[data-t]") : null;
    var t = el ? el.getAttribute("data-t") : null;
    if (t === current) { return; }
    if (current !== null) { mark(current, false); }
    current = t;
    document.body.classList.toggle("hovering", t !== null);
    var row = t !== null && el.tagName !== "TR" ? document.querySelector('tr[data-t="' + t + '"]') : null;
    tip.textContent = row ? row.getAttribute("data-tip") : "";
    tip.style.display = row ? "block" : "none";
    if (t !== null) { mark(t, true); }
  });
})();
