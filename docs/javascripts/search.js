/* Claim Check search page (search/): Pagefind over the claims, with filters and sort.
 *
 * Runs only on the search page (it does nothing where #fc-search is absent), so
 * no other page fetches search data. Everything taken from the index is put
 * into the page with textContent and DOM APIs, never as HTML. No inline code,
 * no eval: works under a strict Content-Security-Policy that allows
 * 'wasm-unsafe-eval' for Pagefind's WebAssembly.
 */
(function () {
  "use strict";

  var root = document.getElementById("fc-search");
  if (!root) return;

  var FACETS = [
    ["rating", "Rating"],
    ["claimant", "Claimant"],
    ["tag", "Topic"],
    ["year", "Year of the claim"],
    ["publisher", "Publisher"],
  ];
  var RATINGS = ["Confirmed", "Supported", "Disputed", "Misleading", "False", "Unverified"];
  var STATUSES = ["confirmed", "supported", "disputed", "misleading", "false", "unverified"];
  var SORTS = { "date:desc": { date: "desc" }, "date:asc": { date: "asc" }, "reviewed:desc": { reviewed: "desc" } };
  var PAGE_SIZE = 10;
  var FACET_PREVIEW = 8;
  var CLAIM_URL = /^claims\/[a-z0-9]+(?:-[a-z0-9]+)*\/$/;

  var indexUrl = new URL(root.getAttribute("data-index") || "../pagefind/", document.baseURI);
  var siteBase = new URL("../", indexUrl);

  var form = document.getElementById("fc-search-form");
  var input = document.getElementById("fc-search-q");
  var app = document.getElementById("fc-search-app");
  var filtersBox = document.getElementById("fc-search-filters");
  var statusBox = document.getElementById("fc-search-status");
  var sortBox = document.getElementById("fc-search-sort");
  var list = document.getElementById("fc-search-results");
  var more = document.getElementById("fc-search-more");

  var state = readState();
  var current = null; // the latest Pagefind search response
  var shown = 0;
  var generation = 0; // drops answers to superseded searches
  var typingTimer = 0;
  var expanded = {}; // facet name -> showing all values
  var pagefindPromise = null;

  function readState() {
    var params = new URLSearchParams(window.location.search);
    var filters = {};
    FACETS.forEach(function (facet) {
      var values = params.getAll(facet[0]).filter(Boolean);
      if (values.length) filters[facet[0]] = values;
    });
    var sort = params.get("sort") || "";
    return { q: (params.get("q") || "").trim(), filters: filters, sort: SORTS[sort] ? sort : "" };
  }

  function writeState() {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    FACETS.forEach(function (facet) {
      (state.filters[facet[0]] || []).forEach(function (value) {
        params.append(facet[0], value);
      });
    });
    if (state.sort) params.set("sort", state.sort);
    var query = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
  }

  function loadPagefind() {
    if (!pagefindPromise) {
      pagefindPromise = import(new URL("pagefind.js", indexUrl).href).then(function (pagefind) {
        // Pagefind searches in its web worker (pagefind-worker.js): at 10,000 claims a query that
        // matches every claim ("Kyiv Post") takes about a second of work, which on the page's own
        // thread froze typing, scrolling and the filters. Pagefind falls back to the page's thread
        // by itself when a worker cannot start.
        return pagefind
          .options({ basePath: indexUrl.pathname, baseUrl: siteBase.pathname, excerptLength: 0 })
          .then(function () {
            return pagefind.init();
          })
          .then(function () {
            return pagefind;
          });
      });
    }
    return pagefindPromise;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function plural(n, one, many) {
    return n.toLocaleString("en") + " " + (n === 1 ? one : many);
  }

  var filtersLoaded = null;
  // The filter values and counts are fetched only once the reader opens a
  // filter (or arrives with one chosen): at 10,000 claims they weigh more than
  // the rest of a first search together.
  var facetsWanted = false;

  function renderFacetHeadings() {
    var nodes = [el("h2", "fc-facets__title", "Filters"), el("p", "fc-facets__hint", "Open a filter to see its values and how many claims have each.")];
    FACETS.forEach(function (facet) {
      var details = el("details", "fc-facet");
      details.setAttribute("data-facet", facet[0]);
      details.appendChild(el("summary", "fc-facet__summary", facet[1]));
      details.appendChild(el("p", "fc-facet__loading", "Loading\u2026"));
      details.addEventListener("toggle", function () {
        if (!details.open || facetsWanted) return;
        facetsWanted = true;
        var mine = generation;
        loadPagefind().then(function (pagefind) {
          return loadFacets(pagefind, mine);
        });
      });
      nodes.push(details);
    });
    filtersBox.replaceChildren.apply(filtersBox, nodes);
  }

  function searchOptions() {
    var options = { filters: state.filters };
    if (state.sort) options.sort = SORTS[state.sort];
    else if (!state.q) options.sort = SORTS["date:desc"]; // browsing: newest claims first
    return options;
  }

  // The facet counts need Pagefind's filter chunks; they load after the first
  // results are on screen, then the same search (now cached) gives the counts.
  function loadFacets(pagefind, mine) {
    if (!filtersLoaded) filtersLoaded = pagefind.filters();
    return filtersLoaded
      .then(function () {
        return mine === generation ? pagefind.search(state.q || null, searchOptions()) : null;
      })
      .then(function (response) {
        if (response && mine === generation) renderFacets(response);
      });
  }

  function run() {
    var mine = ++generation;
    var pagefind = null;
    setBusy(true);
    if (mine === 1 && window.performance && performance.mark) performance.mark("fc-search-start");
    return loadPagefind()
      .then(function (loaded) {
        pagefind = loaded;
        return pagefind.search(state.q || null, searchOptions());
      })
      .then(function (response) {
        if (mine !== generation || !response) return;
        current = response;
        shown = 0;
        list.replaceChildren();
        return showMore(mine).then(function () {
          if (mine !== generation) return;
          announce();
          markFirstResult(); // also when there is no result to show
          if (facetsWanted) return loadFacets(pagefind, mine);
          renderFacetHeadings();
        });
      })
      .catch(function (error) {
        if (mine !== generation) return;
        statusBox.textContent = "Search could not be loaded. Browse the claims from the Claims page instead.";
        if (window.console) window.console.error(error);
      })
      .then(function () {
        if (mine === generation) setBusy(false);
      });
  }

  function setBusy(busy) {
    root.setAttribute("aria-busy", busy ? "true" : "false");
  }

  function announce() {
    var total = current.results.length;
    var what = plural(total, "claim", "claims");
    var active = activeFilterCount();
    var text;
    if (state.q) text = what + " found for \u201c" + state.q + "\u201d";
    else text = active ? what + " match the filters" : "All " + what + " (no search words)";
    if (state.q && active) text += ", with " + plural(active, "filter", "filters");
    if (total > shown) text += "; showing " + shown.toLocaleString("en");
    statusBox.textContent = text + ".";
  }

  function activeFilterCount() {
    return Object.keys(state.filters).reduce(function (n, key) {
      return n + state.filters[key].length;
    }, 0);
  }

  // Fetches the next page of results all at once and shows each, in order, as soon as it and those
  // before it have arrived (the first result does not wait for the tenth).
  function showMore(mine) {
    var batch = current.results.slice(shown, shown + PAGE_SIZE);
    shown += batch.length;
    more.hidden = shown >= current.results.length;
    var pending = batch.map(function (result) {
      return result.data();
    });
    return pending.reduce(function (previous, next) {
      return previous.then(function () {
        return next.then(function (record) {
          if (mine !== generation) return;
          var item = renderResult(record);
          if (item) list.appendChild(item);
          markFirstResult();
        });
      });
    }, Promise.resolve());
  }

  // For measurements (searchindex.measure_search): when the first result of the first search is in
  // the page, and when it is on screen (after the next frame is painted).
  function markFirstResult() {
    if (!window.performance || !performance.mark || performance.getEntriesByName("fc-search-results").length) return;
    performance.mark("fc-search-results");
    window.requestAnimationFrame(function () {
      window.setTimeout(function () {
        performance.mark("fc-search-painted");
      }, 0);
    });
  }

  function renderResult(record) {
    var raw = (record.raw_url || "").replace(/^\//, "");
    if (!CLAIM_URL.test(raw)) return null; // only claim pages are ever shown
    var meta = record.meta || {};
    var status = STATUSES.indexOf(meta.status) >= 0 ? meta.status : "unverified";
    var li = el("li", "fc-result");
    var head = el("div", "fc-result__head");
    head.appendChild(el("span", "fc-badge fc-badge--" + status, meta.label || status));
    var title = el("h2", "fc-result__title");
    var link = el("a", null, meta.title || raw);
    link.href = new URL(raw, siteBase).href;
    title.appendChild(link);
    li.appendChild(head);
    li.appendChild(title);
    var line = el("p", "fc-result__meta");
    if (meta.claimant) line.appendChild(el("span", "fc-result__claimant", meta.claimant));
    if (meta.date) {
      if (meta.claimant) line.appendChild(document.createTextNode(" \u00b7 "));
      var time = el("time", null, meta.date);
      if (meta.iso_date) time.setAttribute("datetime", meta.iso_date);
      line.appendChild(time);
    }
    li.appendChild(line);
    if (meta.verdict) li.appendChild(el("p", "fc-result__verdict", meta.verdict));
    return li;
  }

  function facetValues(name, counts) {
    var chosen = state.filters[name] || [];
    var entries = Object.keys(counts || {}).map(function (value) {
      return [value, counts[value]];
    });
    chosen.forEach(function (value) {
      if (!(counts || {}).hasOwnProperty(value)) entries.push([value, 0]);
    });
    entries = entries.filter(function (entry) {
      return entry[1] > 0 || chosen.indexOf(entry[0]) >= 0;
    });
    entries.sort(function (a, b) {
      if (name === "rating") return RATINGS.indexOf(a[0]) - RATINGS.indexOf(b[0]);
      if (name === "year") return a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0;
      return b[1] - a[1] || a[0].localeCompare(b[0], "en");
    });
    return entries;
  }

  function renderFacets(response) {
    var narrow = window.matchMedia && window.matchMedia("(max-width: 59.984375em)").matches;
    var wasOpen = {};
    Array.prototype.forEach.call(filtersBox.querySelectorAll("details[data-facet]"), function (node) {
      wasOpen[node.getAttribute("data-facet")] = node.open;
    });
    var heading = el("h2", "fc-facets__title", "Filters");
    var nodes = [heading];
    if (activeFilterCount()) {
      var clear = el("button", "fc-facets__clear", "Clear all filters");
      clear.type = "button";
      clear.addEventListener("click", function () {
        state.filters = {};
        changed(true);
      });
      nodes.push(clear);
    }
    FACETS.forEach(function (facet, position) {
      var name = facet[0];
      var entries = facetValues(name, (response.filters || {})[name]);
      if (!entries.length) return;
      var details = el("details", "fc-facet");
      details.setAttribute("data-facet", name);
      var chosen = state.filters[name] || [];
      details.open = name in wasOpen ? wasOpen[name] : chosen.length > 0 || (!narrow && position < 3);
      var summary = el("summary", "fc-facet__summary", facet[1]);
      if (chosen.length) summary.appendChild(el("span", "fc-facet__chosen", " (" + chosen.length + " chosen)"));
      details.appendChild(summary);
      var fieldset = el("fieldset", "fc-facet__values");
      fieldset.appendChild(el("legend", "fc-visually-hidden", facet[1]));
      var limit = expanded[name] ? entries.length : Math.max(FACET_PREVIEW, chosen.length);
      entries.forEach(function (entry, i) {
        if (i >= limit && chosen.indexOf(entry[0]) < 0) return;
        fieldset.appendChild(checkbox(name, entry[0], entry[1], chosen.indexOf(entry[0]) >= 0));
      });
      details.appendChild(fieldset);
      if (entries.length > limit) {
        var all = el("button", "fc-facet__all", "Show all " + entries.length + " " + facet[1].toLowerCase() + " values");
        all.type = "button";
        all.addEventListener("click", function () {
          expanded[name] = true;
          renderFacets(current);
          var first = filtersBox.querySelector('details[data-facet="' + name + '"] input');
          if (first) first.focus();
        });
        details.appendChild(all);
      }
      nodes.push(details);
    });
    var focused = document.activeElement && filtersBox.contains(document.activeElement) ? document.activeElement.id : null;
    filtersBox.replaceChildren.apply(filtersBox, nodes);
    if (focused) {
      var again = document.getElementById(focused);
      if (again) again.focus();
    }
  }

  var idCounter = 0;
  var ids = {};
  function checkboxId(name, value) {
    var key = name + "\u0000" + value;
    if (!ids[key]) ids[key] = "fc-facet-" + name + "-" + ++idCounter;
    return ids[key];
  }

  function checkbox(name, value, count, checked) {
    var id = checkboxId(name, value);
    var row = el("div", "fc-facet__value");
    var box = el("input");
    box.type = "checkbox";
    box.id = id;
    box.checked = checked;
    box.value = value;
    box.addEventListener("change", function () {
      var values = (state.filters[name] || []).filter(function (v) {
        return v !== value;
      });
      if (box.checked) values.push(value);
      if (values.length) state.filters[name] = values;
      else delete state.filters[name];
      changed(false);
    });
    var label = el("label", null, value);
    label.htmlFor = id;
    label.appendChild(el("span", "fc-facet__count", count.toLocaleString("en")));
    row.appendChild(box);
    row.appendChild(label);
    return row;
  }

  function changed(focusInput) {
    writeState();
    run();
    if (focusInput) input.focus();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    window.clearTimeout(typingTimer);
    state.q = input.value.trim();
    changed(false);
  });
  input.addEventListener("input", function () {
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () {
      var q = input.value.trim();
      if (q === state.q) return;
      state.q = q;
      changed(false);
    }, 250);
  });
  sortBox.addEventListener("change", function () {
    state.sort = SORTS[sortBox.value] ? sortBox.value : "";
    changed(false);
  });
  more.addEventListener("click", function () {
    var before = shown;
    showMore(generation).then(function () {
      announce();
      var next = list.children[before];
      var link = next && next.querySelector("a");
      if (link) link.focus();
    });
  });

  input.value = state.q;
  sortBox.value = state.sort;
  facetsWanted = activeFilterCount() > 0;
  app.hidden = false;
  // Arriving from the header's search button with nothing typed (a phone shows only the button): type here.
  if (!state.q && new URLSearchParams(window.location.search).has("q")) input.focus();
  run();
})();
