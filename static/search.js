// Search on /search/: runs only on that page, loads Pagefind's index only when a search is made,
// and leaves the page as it is (a list of everything) when scripts or the index are missing.
(function () {
  "use strict";
  var form = document.querySelector(".search-form");
  var box = document.getElementById("search-results");
  var all = document.getElementById("search-all");
  if (!form || !box || !all) return;
  var input = form.querySelector("input[name=q]");
  var loading = null;

  function pagefind() {
    if (!loading) {
      loading = import(box.dataset.pagefind).then(function (module) {
        return module.options({ baseUrl: box.dataset.base }).then(function () { return module; });
      });
    }
    return loading;
  }

  // Pagefind's excerpts are text with <mark> around the words found: keep exactly that.
  function excerpt(html) {
    var parsed = new DOMParser().parseFromString("<p>" + html + "</p>", "text/html");
    var out = document.createElement("p");
    parsed.body.firstChild.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function show(query, results, total) {
    box.replaceChildren();
    var heading = document.createElement("h2");
    heading.id = "search-count";
    heading.textContent = results.length === 0
      ? "Nothing found for “" + query + "”"
      : total + (total === 1 ? " result" : " results") + " for “" + query + "”" +
        (total > results.length ? ", the first " + results.length + " shown" : "");
    box.appendChild(heading);
    var list = document.createElement("ol");
    list.className = "search-hits";
    results.forEach(function (result) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = result.url;
      link.textContent = (result.meta && result.meta.title) || result.url;
      var title = document.createElement("h3");
      title.appendChild(link);
      item.appendChild(title);
      item.appendChild(excerpt(result.excerpt || ""));
      list.appendChild(item);
    });
    box.appendChild(list);
    box.hidden = false;
    all.hidden = true;
  }

  function run(query) {
    query = query.trim();
    if (!query) {
      box.hidden = true;
      all.hidden = false;
      return;
    }
    pagefind()
      .then(function (module) { return module.search(query); })
      .then(function (search) {
        var shown = search.results.slice(0, 30).map(function (r) { return r.data(); });
        return Promise.all(shown).then(function (results) {
          show(query, results, search.results.length);
        });
      })
      .catch(function () {
        document.getElementById("search-note").textContent =
          "Search is not available right now. Every explainer and actor is listed below.";
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
    run(input.value);
  });
  // A query in the address is searched at once. Without one, the box keeps whatever the reader
  // typed before this script ran: setting it to "" here would wipe those words.
  var initial = new URLSearchParams(window.location.search).get("q") || "";
  if (initial) {
    input.value = initial;
    run(initial);
  }
  // Without a search the note about JavaScript is beside the point once scripts run.
  document.getElementById("search-note").textContent =
    "Type a few words: a name, a place, something someone said.";
})();
