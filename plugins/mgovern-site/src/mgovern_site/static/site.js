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
    var found = window.MG.search.filter(function (entry) {
      return terms.every(function (term) { return entry[2].indexOf(term) >= 0; });
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
