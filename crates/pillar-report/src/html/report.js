// pillar HTML report: filters, search, paging and row details over the
// findings embedded as JSON. No library and no network.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pillar-data").textContent);
  var rules = data.rules, all = data.findings;
  var PAGE = 100, page = 0, shown = all, open = {};
  var SEV = ["critical", "high", "medium", "low", "info"];
  var ST = { fail: "failed", unknown: "not assessed", pass: "passed", baselined: "baselined", suppressed: "suppressed" };
  var SRC = { terraform: "Terraform", cloudformation: "CloudFormation", snapshot: "snapshot", aws: "live", logs: "logs", files: "files" };
  var $ = function (id) { return document.getElementById(id); };
  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }
  function distinct(key) {
    var seen = {};
    for (var i = 0; i < all.length; i++) seen[all[i][key]] = (seen[all[i][key]] || 0) + 1;
    return seen;
  }
  function fill(id, label, key, order, names, dflt) {
    var counts = distinct(key), keys = Object.keys(counts);
    keys.sort(function (a, b) {
      var ia = order ? order.indexOf(a) : -1, ib = order ? order.indexOf(b) : -1;
      return ia !== ib ? ia - ib : a < b ? -1 : a > b ? 1 : 0;
    });
    var html = '<option value="">' + esc(label) + ": all</option>";
    keys.forEach(function (k) {
      html += '<option value="' + esc(k) + '"' + (k === dflt ? " selected" : "") + ">" +
        esc(label) + ": " + esc(names && names[k] ? names[k] : k) + " (" + counts[k] + ")</option>";
    });
    $(id).innerHTML = html;
  }
  var hasFail = all.some(function (f) { return f.st === "fail"; });
  fill("f-status", "status", "st", ["fail", "unknown", "baselined", "suppressed", "pass"], ST, hasFail ? "fail" : "");
  fill("f-severity", "severity", "s", SEV);
  fill("f-domain", "domain", "d", ["identity-access", "detection", "infrastructure-protection", "data-protection", "incident-response"]);
  fill("f-service", "service", "sv");
  fill("f-source", "source", "src", null, SRC);
  var hay = null;
  function text(f) {
    return (f.r + " " + f.t + " " + f.res + " " + f.k + " " + (f.loc || "") + " " + f.m).toLowerCase();
  }
  function apply() {
    var q = $("q").value.trim().toLowerCase();
    var fs = { st: $("f-status").value, s: $("f-severity").value, d: $("f-domain").value, sv: $("f-service").value, src: $("f-source").value };
    if (q && !hay) hay = all.map(text);
    shown = [];
    for (var i = 0; i < all.length; i++) {
      var f = all[i];
      if ((fs.st && f.st !== fs.st) || (fs.s && f.s !== fs.s) || (fs.d && f.d !== fs.d) ||
          (fs.sv && f.sv !== fs.sv) || (fs.src && f.src !== fs.src)) continue;
      if (q && hay[i].indexOf(q) < 0) continue;
      shown.push(i);
    }
    page = 0; open = {};
    draw();
  }
  function fixOf(f) { return f.fix || (rules[f.r] && rules[f.r].fix) || null; }
  function block(title, body, copy) {
    if (!body) return "";
    return "<h4>" + esc(title) + '</h4><div class="fix"><pre>' + esc(body) + "</pre>" +
      (copy ? '<button type="button" class="copy" data-copy="1">copy</button>' : "") + "</div>";
  }
  function detail(f) {
    var rule = rules[f.r] || {}, fix = fixOf(f) || {};
    var h = '<tr class="detail"><td colspan="6"><div class="detail">';
    h += "<h4>What is wrong</h4><p>" + esc(f.m) + "</p>";
    if (f.sup) h += "<h4>Suppressed in the source</h4><p>" + esc(f.sup) + "</p>";
    if (rule.rationale) h += "<h4>Why it matters</h4><p>" + esc(rule.rationale) + "</p>";
    h += '<p class="muted">Rule <code>' + esc(f.r) + "</code>" + (rule.wa && rule.wa.length ? " · " + esc(rule.wa.join(", ")) : "") +
      " · resource <code>" + esc(f.res) + "</code> (" + esc(f.k) + ")" + (f.loc ? " · " + esc(f.loc) : "") +
      " · fingerprint <code>" + esc(f.fp) + "</code></p>";
    if (f.ev !== undefined) h += "<h4>Evidence</h4><pre>" + esc(JSON.stringify(f.ev, null, 2)) + "</pre>";
    if (f.st !== "pass") {
      h += block("Fix in the console", fix.console, false);
      h += block("Fix with the AWS CLI", fix.cli, true);
      h += block("Fix in Terraform", fix.terraform, true);
    }
    return h + "</div></td></tr>";
  }
  function row(i) {
    var f = all[i];
    return '<tr class="row" data-i="' + i + '" data-severity="' + f.s + '" data-status="' + f.st + '" data-domain="' + f.d +
      '" aria-expanded="' + (open[i] ? "true" : "false") + '"><td><span class="sev-' + f.s + '">' + f.s + '</span></td><td><span class="st-' + f.st + '">' +
      esc(ST[f.st] || f.st) + "</span></td><td><code>" + esc(f.r) + "</code></td><td>" + esc(f.res) + "</td><td>" +
      esc(SRC[f.src] || f.src) + '</td><td class="msg">' + esc(f.m) + "</td></tr>" + (open[i] ? detail(f) : "");
  }
  function draw(everything) {
    var from = everything ? 0 : page * PAGE, to = everything ? shown.length : Math.min(shown.length, from + PAGE);
    var h = [];
    for (var k = from; k < to; k++) h.push(row(shown[k]));
    if (!h.length) h.push('<tr><td colspan="6" class="muted">No finding matches these filters.</td></tr>');
    $("rows").innerHTML = h.join("");
    var pages = Math.max(1, Math.ceil(shown.length / PAGE));
    $("count").textContent = shown.length + " of " + all.length + " findings";
    $("page").textContent = "page " + (page + 1) + " of " + pages;
    $("prev").disabled = page === 0;
    $("next").disabled = page + 1 >= pages;
  }
  function copy(text, btn) {
    function done() { btn.textContent = "copied"; setTimeout(function () { btn.textContent = "copy"; }, 1200); }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { fallback(); });
    } else fallback();
    function fallback() {
      var t = document.createElement("textarea");
      t.value = text; document.body.appendChild(t); t.select();
      try { document.execCommand("copy"); done(); } catch (e) { btn.textContent = "select and copy"; }
      document.body.removeChild(t);
    }
  }
  $("rows").addEventListener("click", function (e) {
    var t = e.target;
    if (t.getAttribute && t.getAttribute("data-copy")) {
      var pre = t.parentNode.querySelector("pre");
      copy(pre ? pre.textContent : "", t);
      e.stopPropagation();
      return;
    }
    var tr = t.closest ? t.closest("tr.row") : null;
    if (!tr) return;
    var i = +tr.getAttribute("data-i");
    if (open[i]) delete open[i]; else open[i] = true;
    draw();
  });
  ["q"].forEach(function (id) {
    var timer;
    $(id).addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(apply, 120); });
  });
  ["f-status", "f-severity", "f-domain", "f-service", "f-source"].forEach(function (id) { $(id).addEventListener("change", apply); });
  $("prev").addEventListener("click", function () { if (page > 0) { page--; draw(); } });
  $("next").addEventListener("click", function () { if ((page + 1) * PAGE < shown.length) { page++; draw(); } });
  var root = document.documentElement;
  try { var saved = localStorage.getItem("pillar-theme"); if (saved) root.setAttribute("data-theme", saved); } catch (e) {}
  $("theme").addEventListener("click", function () {
    var dark = root.getAttribute("data-theme") ? root.getAttribute("data-theme") === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
    root.setAttribute("data-theme", dark ? "light" : "dark");
    try { localStorage.setItem("pillar-theme", root.getAttribute("data-theme")); } catch (e) {}
  });
  // Printing lists every filtered finding and opens the folded parts: on
  // the print events, and on the print media query (which also covers
  // printing to PDF from tools that send no events).
  var printing = false;
  function toPrint(on) {
    if (on === printing) return;
    printing = on;
    if (on) Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
    draw(on);
  }
  window.addEventListener("beforeprint", function () { toPrint(true); });
  window.addEventListener("afterprint", function () { toPrint(false); });
  if (window.matchMedia) {
    var mq = window.matchMedia("print");
    var onChange = function (e) { toPrint(e.matches); };
    if (mq.addEventListener) mq.addEventListener("change", onChange); else if (mq.addListener) mq.addListener(onChange);
  }
  apply();
  window.pillarReport = { shown: function () { return shown.length; }, total: all.length };
})();
