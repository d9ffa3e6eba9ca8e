/* "Where does my matter go?": a table lookup in the partition mgovern check decides.
   assets/routes/<category>.js holds, per unit context, the cells (amount interval and
   flags) and what mgovern.route said for each; nothing here applies a rule.
   Amounts are read as mgovern route reads --amount (mgovern.bounds.parse_amount) and
   compared exactly, as decimal numbers (BigInt), never as floating point.
   The question is kept in the address (#category=...&amount=...): a link to it gives
   the same answer. */
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

  /* An exact decimal: {n: BigInt, s: scale}, the value n / 10^s. */
  var TEN = BigInt(10);
  function decimal(text) {  /* "5920000", "88800.5" as written by the site */
    var parts = text.split(".");
    return { n: BigInt(parts[0] + (parts[1] || "")), s: (parts[1] || "").length };
  }
  function compare(a, b) {
    var s = Math.max(a.s, b.s);
    var x = a.n * TEN ** BigInt(s - a.s), y = b.n * TEN ** BigInt(s - b.s);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  var MAX = { n: TEN ** BigInt(15), s: 0 };
  var SPACE = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f" +
    "\\u205f\\u3000]+";
  var SPACE_AROUND = new RegExp("^" + SPACE + "|" + SPACE + "$", "g");
  var SHAPE = /^[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+|[0-9]+(?:\.[0-9]*)?[eE][+-]?[0-9]{1,4})$/;

  /* mgovern.bounds.parse_amount: null for no amount, undefined for one route refuses. */
  function parseAmount(text) {
    /* Python's str.strip() (str.isspace), then the digit-group separators */
    var trimmed = text.replace(SPACE_AROUND, "");
    if (!trimmed) return null;  /* an empty field: no amount */
    var cleaned = trimmed.replace(/[ \u00a0\u202f\u2009_]/g, "");
    if (cleaned.length > 40 || !SHAPE.test(cleaned)) return undefined;
    var negative = cleaned[0] === "-";
    cleaned = cleaned.replace(/^[+-]/, "").replace(",", ".");
    var exponent = 0;
    var e = cleaned.search(/[eE]/);
    if (e >= 0) {
      exponent = Number(cleaned.slice(e + 1));
      cleaned = cleaned.slice(0, e);
    }
    var parts = cleaned.split(".");
    var digits = parts[0] + (parts[1] || "");
    var value = { n: BigInt(digits || "0"), s: (parts[1] || "").length - exponent };
    if (value.s < 0) value = { n: value.n * TEN ** BigInt(-value.s), s: 0 };
    while (value.s > 0 && value.n % TEN === BigInt(0)) value = { n: value.n / TEN, s: value.s - 1 };
    if (negative && value.n !== BigInt(0)) return undefined;
    if (compare(value, MAX) >= 0 || value.s > 6) return undefined;
    return value;
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

  function groupLink(parent, id, attrs) {
    var all = { "data-group": id, href: root + "groups/" + id + ".html" };
    Object.keys(attrs || {}).forEach(function (k) { all[k] = attrs[k]; });
    return add(parent, "a", data.groups[id].name, all);
  }

  function show(table, key, flags, amount, raised, link) {
    var context = table.contexts[key];
    var cls = table.classes[context[0]];
    var wanted = flags.filter(function (f) { return cls.m.indexOf(f) >= 0; }).sort().join(",");
    var row = cls.r.filter(function (r) {
      if (r[3] !== wanted) return false;
      if (amount === null) return r[0] === 0;
      return r[0] === 1 && compare(decimal(r[1]), amount) <= 0 &&
        (r[2] === null || compare(amount, decimal(r[2])) < 0);
    })[0];
    var result = table.results[context[1][row[4]]];
    var home = result[0], role = result[1], text = table.texts[result[2]], homes = result[3];
    answer.textContent = "";
    var list = add(answer, "dl", null, { "class": "answer" });
    add(list, "dt", data.words.home);
    var dd = add(list, "dd", null);
    if (home) {
      groupLink(dd, home, { id: "answer-home", "data-homes": "" });
      add(dd, "span", " – " + data.outcome[outcome(raised, home)], { "class": "muted" });
    } else if (homes.length) {
      var several = add(dd, "span", null, { id: "answer-home", "data-group": "",
        "data-homes": homes.join(" ") });
      add(several, "span", data.words.ambiguous + ": ", { "class": "warn" });
      homes.forEach(function (h, i) {
        if (i) add(several, "span", " " + data.words.or + " ");
        groupLink(several, h, { "class": "candidate" });
      });
      add(dd, "span", " – " + data.words.candidates, { "class": "muted" });
    } else {
      add(dd, "span", data.words.gap, { id: "answer-home", "data-group": "", "data-homes": "",
        "class": "warn" });
    }
    add(list, "dt", data.words.decided_by);
    add(list, "dd", role ? (data.roles[role] || role) : "–", { id: "answer-role",
      "data-role": role || "" });
    add(list, "dt", data.words.why);
    add(add(list, "dd", null), "p", text, { id: "answer-why", "class": "why" });
    add(add(answer, "p", null), "a", data.words.share, { id: "answer-link", href: link });
  }

  function selected(select) {
    return Array.prototype.map.call(select.selectedOptions, function (o) { return o.value; });
  }
  function flagBoxes() { return form.querySelectorAll("input[name=flags]"); }

  /* The question as an address fragment, and back. */
  function question() {
    var params = new URLSearchParams();
    params.set("category", form.category.value);
    if (form.amount.value.trim()) params.set("amount", form.amount.value.trim());
    selected(form.units).forEach(function (u) { params.append("unit", u); });
    Array.prototype.forEach.call(flagBoxes(), function (box) {
      if (box.checked) params.append("flag", box.value);
    });
    params.set("raised", form.raised.value);
    return params.toString();
  }
  function fill(params) {
    function pick(select, value) {
      return Array.prototype.some.call(select.options, function (o) { return o.value === value; });
    }
    var category = params.get("category"), raised = params.get("raised");
    if (!category || !pick(form.category, category) || !raised || !pick(form.raised, raised)) {
      return false;
    }
    form.category.value = category;
    form.raised.value = raised;
    form.amount.value = params.get("amount") || "";
    var units = params.getAll("unit"), flags = params.getAll("flag");
    Array.prototype.forEach.call(form.units.options, function (o) {
      o.selected = units.indexOf(o.value) >= 0;
    });
    Array.prototype.forEach.call(flagBoxes(), function (box) {
      box.checked = flags.indexOf(box.value) >= 0;
    });
    return true;
  }

  function ask() {
    var amount = parseAmount(form.amount.value);
    var state = question();
    var link = "#" + state;
    if (window.location.hash !== link) history.replaceState(null, "", link);
    if (amount === undefined) {
      answer.textContent = "";
      add(answer, "p", data.words.bad_amount, { "class": "warn", role: "alert",
        id: "answer-refused" });
      return;
    }
    var units = selected(form.units);
    var flags = Array.prototype.filter.call(flagBoxes(),
      function (box) { return box.checked; }).map(function (box) { return box.value; });
    var category = form.category.value;
    var raised = form.raised.value;
    load(category, function (table) {
      show(table, contextKey(units), flags, amount, raised, link);
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    ask();
  });
  function fromAddress() {
    var hash = window.location.hash.replace(/^#/, "");
    if (hash && fill(new URLSearchParams(hash))) ask();
  }
  window.addEventListener("hashchange", fromAddress);
  fromAddress();
})();
