// The landing page's search box and province picker: a filter over the JSON list embedded in the
// page (reports, provinces, units); no request leaves the page.
(function () {
  "use strict";
  var items = JSON.parse(document.getElementById("egov-search-data").textContent);
  var input = document.getElementById("egov-search");
  var hits = document.getElementById("hits");
  function fold(s) {
    return s.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }
  function show() {
    var words = fold(input.value).split(" ").filter(Boolean);
    hits.textContent = "";
    if (!words.length) return;
    var found = items.filter(function (item) {
      return words.every(function (w) { return item.s.indexOf(w) >= 0; });
    }).slice(0, 12);
    found.forEach(function (item) {
      var li = document.createElement("li");
      var label = item.h ? document.createElement("a") : document.createElement("span");
      if (item.h) label.href = item.h;
      label.textContent = item.t;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = item.k;
      li.appendChild(label);
      li.appendChild(kind);
      hits.appendChild(li);
    });
    if (!found.length) {
      var none = document.createElement("li");
      none.textContent = hits.getAttribute("data-none") || "";
      hits.appendChild(none);
    }
  }
  input.addEventListener("input", show);
  // index.html?q=da+nang opens with that search (a link can point to a search)
  var asked = new URLSearchParams(window.location.search).get("q");
  if (asked) { input.value = asked; show(); }
  input.addEventListener("keydown", function (event) {
    var first = hits.querySelector("a");
    if (event.key === "Enter" && first) window.location.href = first.getAttribute("href");
  });
  var picker = document.getElementById("egov-profile");
  if (picker) picker.addEventListener("change", function () {
    if (picker.value) window.location.href = picker.value;
  });
})();
