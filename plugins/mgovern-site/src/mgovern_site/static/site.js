/* mgovern site: the search box. The index (assets/search-index.js) is a plain script,
   loaded on first use, so that the search works from a file share (file://) too. */
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";
  var form = document.querySelector("form.search");
  if (!form) return;
  var input = document.getElementById("q");
  var hits = document.getElementById("hits");
  window.MG = window.MG || { routes: {} };
  form.hidden = false;

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function load(done) {
    if (window.MG.search) return done();
    var script = document.createElement("script");
    script.src = root + "assets/search-index.js";
    script.onload = done;
    document.head.appendChild(script);
  }

  function show() {
    var terms = fold(input.value).split(/\s+/).filter(Boolean);
    hits.textContent = "";
    if (!terms.length) return;
    /* Best first: the title is what was typed (a category's name finds its matrix),
       then titles that start with it, then titles holding every word, then the rest;
       within a rank the index's order (by path). */
    var typed = terms.join(" ");
    function rank(entry) {
      var title = entry[3].split(/\s+/).filter(Boolean).join(" ");
      var words = title.split(/[\s\u2013,:]+/);
      if (title === typed || title.split(" \u2013 ")[0] === typed) return 0;
      if (title.indexOf(typed) === 0) return 1;
      if (terms.every(function (term) { return words.indexOf(term) >= 0; })) return 2;
      if (terms.every(function (term) { return title.indexOf(term) >= 0; })) return 3;
      return 4;
    }
    var found = window.MG.search.map(function (entry, i) {
      return { entry: entry, rank: rank(entry), i: i };
    }).filter(function (hit) {
      return terms.every(function (term) { return hit.entry[2].indexOf(term) >= 0; });
    }).sort(function (a, b) { return a.rank - b.rank || a.i - b.i; }).map(function (hit) {
      return hit.entry;
    });
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = input.getAttribute("data-none");
      hits.appendChild(none);
      return;
    }
    found.slice(0, 20).forEach(function (entry) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = root + entry[0];
      link.textContent = entry[1];
      item.appendChild(link);
      hits.appendChild(item);
    });
  }

  input.addEventListener("input", function () { load(show); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    load(function () {
      show();
      var first = hits.querySelector("a");
      if (first) window.location.href = first.href;
    });
  });
})();
