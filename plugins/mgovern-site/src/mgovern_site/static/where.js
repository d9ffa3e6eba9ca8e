/* "Where does my matter go?": a table lookup in the partition mgovern check decides.
   assets/routes/<category>.js holds, per unit context, the cells (amount interval and
   flags) and what mgovern.route said for each; nothing here applies a rule. */
(function () {
  "use strict";
  var MG = window.MG;
  var data = MG.where;
  var root = document.body.getAttribute("data-root") || "";
  var form = document.getElementById("where");
  var answer = document.getElementById("answer");

  function load(category, done) {
    if (MG.routes[category]) return done(MG.routes[category]);
    var script = document.createElement("script");
    script.src = root + "assets/routes/" + encodeURIComponent(category) + ".js";
    script.onload = function () { done(MG.routes[category]); };
    document.head.appendChild(script);
  }

  function chain(group) { return [group].concat(data.groups[group].up); }

  /* The unit context: where the units meet, and "*" when they lie in two or more
     branches there. */
  function contextKey(units) {
    if (!units.length) return "";
    var chains = units.map(chain);
    var common = chains[0].filter(function (g) {
      return chains.every(function (c) { return c.indexOf(g) >= 0; });
    });
    if (!common.length) return "";
    var where = common[0];
    var branches = {};
    chains.forEach(function (c) {
      var i = c.indexOf(where);
      if (i > 0) branches[c[i - 1]] = true;
    });
    return Object.keys(branches).length >= 2 ? where + "*" : where;
  }

  function parseAmount(text) {
    var cleaned = text.replace(/[\s\u00a0_]/g, "").replace(/kr$|sek$/i, "").replace(",", ".");
    if (!cleaned) return null;
    if (!/^\d+(\.\d+)?$/.test(cleaned)) return NaN;
    return Number(cleaned);
  }

  function outcome(raised, home) {
    if (home === raised) return "here";
    if (data.groups[home].up.indexOf(raised) >= 0) return "delegate";
    if (data.groups[raised].up.indexOf(home) >= 0) return "escalate";
    return "refer";
  }

  function add(parent, tag, text, attrs) {
    var node = document.createElement(tag);
    if (text !== null) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    parent.appendChild(node);
    return node;
  }

  function show(table, key, flags, amount, raised) {
    var context = table.contexts[key];
    var cls = table.classes[context[0]];
    var wanted = flags.filter(function (f) { return cls.m.indexOf(f) >= 0; }).sort().join(",");
    var row = cls.r.filter(function (r) {
      if (r[3] !== wanted) return false;
      if (amount === null) return r[0] === 0;
      return r[0] === 1 && r[1] <= amount && (r[2] === null || amount < r[2]);
    })[0];
    var result = table.results[context[1][row[4]]];
    var home = result[0], role = result[1], text = table.texts[result[2]];
    answer.textContent = "";
    var list = add(answer, "dl", null, { "class": "answer" });
    add(list, "dt", data.words.home);
    var dd = add(list, "dd", null);
    if (home) {
      add(dd, "a", data.groups[home].name, { id: "answer-home", "data-group": home,
        href: root + "groups/" + home + ".html" });
      add(dd, "span", " – " + data.outcome[outcome(raised, home)], { "class": "muted" });
    } else {
      add(dd, "span", data.words.gap, { id: "answer-home", "data-group": "", "class": "warn" });
    }
    add(list, "dt", data.words.decided_by);
    add(list, "dd", role ? (data.roles[role] || role) : "–", { id: "answer-role",
      "data-role": role || "" });
    add(list, "dt", data.words.why);
    add(add(list, "dd", null), "p", text, { id: "answer-why", "class": "why" });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var amount = parseAmount(form.amount.value);
    if (amount !== amount) {  /* NaN */
      answer.textContent = "";
      add(answer, "p", data.words.bad_amount, { "class": "warn", role: "alert" });
      return;
    }
    var units = Array.prototype.map.call(form.units.selectedOptions, function (o) { return o.value; });
    var flags = Array.prototype.filter.call(form.querySelectorAll("input[name=flags]"),
      function (box) { return box.checked; }).map(function (box) { return box.value; });
    var category = form.category.value;
    var raised = form.raised.value;
    load(category, function (table) { show(table, contextKey(units), flags, amount, raised); });
  });
})();
