// Search of the site's reports, from the language's index (no server, no external service).
// Words are compared as the index stores them: stems for Russian and English, words for
// languages without a stemmer; forms of one word share their beginning.
(function () {
  "use strict";
  var box = document.querySelector(".search");
  if (!box) return;
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var index = null;

  function words(text) {
    return text.toLowerCase().replace(/ё/g, "е").replace(/['\u2018\u2019\u02bb\u02bc`]/g, "")
      .split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length >= 2; });
  }
  function common(a, b) {
    var n = Math.min(a.length, b.length), i = 0;
    while (i < n && a[i] === b[i]) i++;
    return i;
  }
  // A term of the index matches a word of the query when they share a long enough beginning.
  function matches(term, word) {
    var c = common(term, word);
    var shorter = Math.min(term.length, word.length);
    return c >= Math.min(shorter, Math.max(3, shorter - 3)) && c >= Math.min(4, shorter);
  }
  function plural(n) {
    var rules = new Intl.PluralRules(document.documentElement.lang);
    var cat = rules.select(n);
    var key = cat === "one" ? "one" : cat === "few" ? "few" : "many";
    return (status.dataset[key] || "").replace(/\d+/, String(n));
  }
  function run(query) {
    var qs = words(query);
    list.textContent = "";
    if (!qs.length) { status.textContent = ""; return; }
    var terms = Object.keys(index.terms);
    var hits = null;
    qs.forEach(function (w) {
      var docs = {};
      terms.forEach(function (t) {
        if (matches(t, w)) index.terms[t].forEach(function (d) { docs[d] = true; });
      });
      hits = hits === null ? docs : Object.keys(hits).reduce(function (acc, d) {
        if (docs[d]) acc[d] = true; return acc;
      }, {});
    });
    var ids = Object.keys(hits || {}).map(Number).sort(function (a, b) { return a - b; });
    status.textContent = ids.length ? plural(ids.length) : status.dataset.none;
    ids.slice(0, 50).forEach(function (id) {
      var d = index.docs[id];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = d[0]; a.textContent = d[1];
      var meta = document.createElement("p");
      meta.className = "meta"; meta.textContent = d[2];
      var p = document.createElement("p");
      p.textContent = d[3];
      li.appendChild(a); li.appendChild(meta); li.appendChild(p);
      list.appendChild(li);
    });
  }
  function load(then) {
    if (index) return then();
    fetch(box.dataset.index).then(function (r) { return r.json(); }).then(function (j) { index = j; then(); });
  }
  var form = box.querySelector("form");
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var q = input.value;
    history.replaceState(null, "", "?q=" + encodeURIComponent(q));
    load(function () { run(q); });
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) { input.value = initial; load(function () { run(initial); }); }
})();
