// "Ask for a page": send the box's form to the App, prefill it from ?need=, and offer it under
// Material's search when a search finds nothing. Without JavaScript the GitHub link still works.
(function () {
  // The words come from the site's catalogue, written above this script by the build.
  var WORDS = (window.KENNIS_MESSAGES || {}).ask || {};
  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return name in values ? values[name] : all; });
  }

  function siteRoot() {
    var script = document.querySelector('script[src*="assets/kennis/kennis-ask.js"]');
    return script ? script.src.split("assets/kennis/kennis-ask.js")[0] : "/";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form.kennis-ask-form");
    if (!form) return;
    event.preventDefault();
    var box = form.closest(".kennis-ask");
    var answer = form.querySelector(".kennis-ask-answer");
    var body = {};
    ["need", "purpose", "section"].forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value.trim()) body[name] = field.value.trim();
    });
    fetch(box.getAttribute("data-endpoint"), {
      method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (data) {
        answer.textContent = response.ok ? data.message : fill(WORDS.unsent, {error: data.error || response.status});
        if (response.ok) form.reset();
      });
    }).catch(function () { answer.textContent = WORDS.unreachable; });
  });

  function prefill() {
    var need = new URLSearchParams(window.location.search).get("need");
    if (!need) return;
    var field = document.querySelector(".kennis-ask-form textarea[name=need]");
    if (field) field.value = need;
    document.querySelectorAll("a.kennis-ask-github").forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("need", need);
      url.searchParams.set("title", "Request: " + need.slice(0, 100));  // the App reads this prefix
      link.href = url.toString();
    });
  }

  function offerOnEmptySearch() {
    var meta = document.querySelector(".md-search-result__meta");
    var input = document.querySelector("input.md-search__input");
    if (!meta || !input || typeof KENNIS_WANTED_URL !== "string" || !KENNIS_WANTED_URL) return;
    new MutationObserver(function () {
      var old = document.querySelector(".kennis-ask-search");
      if (old) old.remove();
      var query = input.value.trim();
      // Material's own "No matching documents", in the site's language.
      if (!query || meta.textContent.toLowerCase().indexOf((WORDS.none || "").toLowerCase()) < 0) return;
      var link = document.createElement("a");
      link.className = "kennis-ask-search md-button";
      link.href = siteRoot() + KENNIS_WANTED_URL + "?need=" + encodeURIComponent(query) + "#kennis-ask";
      link.textContent = fill(WORDS.about, {query: query});
      meta.insertAdjacentElement("afterend", link);
    }).observe(meta, {childList: true, characterData: true, subtree: true});
  }

  document.addEventListener("DOMContentLoaded", function () { prefill(); offerOnEmptySearch(); });
})();
