/* Spravka help center: answers as you type, click recording. Posts through
   SpravkaApi.postJSON (site.js, loaded before it on every page). */
(function () {
  "use strict";

  // A keystroke this long after the previous one starts a new burst and is sent at once.
  var PAUSE_MS = 250;
  // Within a burst, wait this long for the next key (fast typists: ~40–60 ms between keys).
  var BURST_MS = 25;
  // When typing stops this long, the query is asked again with settled=1: ranked with
  // sentence similarity too, which costs more than a keystroke's budget on the server.
  var SETTLE_MS = 400;
  var KIND_LABELS = { article: "статья", faq: "вопрос" };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  function pluralRu(n, one, few, many) {
    var m10 = n % 10, m100 = n % 100;
    if (m10 === 1 && m100 !== 11) return one;
    if (m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14)) return few;
    return many;
  }

  /* The API's snippet is escaped text with <mark>; keep only text and <mark>, whatever comes. */
  function snippetNode(html) {
    var tpl = document.createElement("template");
    tpl.innerHTML = html || "";
    var out = el("span", "result__snippet");
    tpl.content.childNodes.forEach(function (node) {
      if (node.nodeType === Node.ELEMENT_NODE && node.tagName === "MARK") {
        out.appendChild(el("mark", null, node.textContent));
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function rememberSearch(query) {
    if (window.SpravkaRecent) window.SpravkaRecent.remember(query);
  }

  function recordClick(link, query) {
    var position = parseInt(link.getAttribute("data-position"), 10);
    if (!query || !position || !window.SpravkaApi) return;
    window.SpravkaApi.postJSON("/api/click", {
      entry_id: link.getAttribute("data-entry"),
      query: query,
      position: position,
    }).catch(function () {});
  }

  /* ---- instant search ------------------------------------------------------
     A plain list of links under a polite live status line (not a combobox): every result
     is a real link a screen reader lists and Tab reaches; ↓ from the box moves into it. */
  function InstantSearch(form, region) {
    this.form = form;
    this.region = region;
    this.input = form.querySelector('input[name="q"]');
    this.status = region.querySelector("#instant-status");
    this.body = region.querySelector("#instant-body");
    this.hideOnSearch = document.querySelectorAll("[data-hide-on-search]");
    this.onSearchPage = region.hasAttribute("data-search-page");
    this.categoryNames = readJSON("category-names");
    this.answers = new Map();
    this.controller = null;
    this.timer = 0;
    this.settleTimer = 0;
    this.shown = "";
    this.lastInput = 0;
    this.inFlight = false;
    this.query = region.getAttribute("data-rendered-query") || "";
    this.bind();
    if (this.input.value.trim() && this.input.value.trim() !== this.query) this.run(true);
  }

  function readJSON(id) {
    var node = document.getElementById(id);
    try {
      return node ? JSON.parse(node.textContent) : {};
    } catch (e) {
      return {};
    }
  }

  /* A keystroke is sent at once when typing resumes after a pause or nothing is on the
     way; keys typed in a burst while a request is out wait BURST_MS (the stale request is
     cancelled anyway), so a fast typist does not pile requests on the server. */
  InstantSearch.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("input", function () {
      performance.clearMarks("spravka:input");
      performance.mark("spravka:input");
      var now = performance.now();
      var delay = now - self.lastInput > PAUSE_MS || !self.inFlight ? 0 : BURST_MS;
      self.lastInput = now;
      clearTimeout(self.timer);
      clearTimeout(self.settleTimer);
      if (delay) self.timer = setTimeout(function () { self.run(); }, delay);
      else self.run();
      // Only a new key moves the settle timer: a keystroke run delayed within a burst
      // must not cancel the settled request that follows the last key.
      self.settleTimer = setTimeout(function () { self.run(true); }, SETTLE_MS);
    });
    this.input.addEventListener("keydown", function (event) { self.onKey(event); });
    this.body.addEventListener("keydown", function (event) { self.onListKey(event); });
    this.region.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-entry]");
      if (link) {
        recordClick(link, self.query);
        rememberSearch(self.query);
      }
    });
  };

  InstantSearch.prototype.links = function () {
    return Array.prototype.slice.call(this.body.querySelectorAll(".best__title a, .result__link"));
  };

  InstantSearch.prototype.onKey = function (event) {
    if (event.defaultPrevented) return;
    if (event.key === "ArrowDown") {
      var links = this.links();
      if (!links.length || this.region.hidden) return;
      event.preventDefault();
      links[0].focus();
    } else if (event.key === "Escape" && !this.onSearchPage && !this.region.hidden) {
      event.preventDefault();
      this.show(false);
    }
  };

  InstantSearch.prototype.onListKey = function (event) {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp" && event.key !== "Escape") return;
    var links = this.links();
    var at = links.indexOf(document.activeElement);
    if (at === -1) return;
    event.preventDefault();
    if (event.key === "Escape") return this.input.focus();
    var next = at + (event.key === "ArrowDown" ? 1 : -1);
    if (next < 0) this.input.focus();
    else if (next < links.length) links[next].focus();
  };

  InstantSearch.prototype.show = function (visible) {
    this.region.hidden = !visible;
    this.hideOnSearch.forEach(function (node) { node.hidden = visible; });
  };

  InstantSearch.prototype.run = function (settled) {
    var self = this;
    var query = this.input.value.trim();
    clearTimeout(this.timer);
    if (this.controller) this.controller.abort();
    if (this.onSearchPage) {
      var url = "/search" + (query ? "?" + new URLSearchParams({ q: query }) : "");
      history.replaceState(null, "", url);
    }
    if (!query) {
      this.controller = null;
      if (!this.onSearchPage) this.show(false);
      return;
    }
    var controller = new AbortController();
    this.controller = controller;
    this.inFlight = true;
    this.region.setAttribute("aria-busy", "true");
    var params = new URLSearchParams({ q: query, source: "instant" });
    if (settled) params.set("settled", "1");
    var category = this.region.getAttribute("data-category");
    if (category) params.set("category", category);
    fetch("/api/search?" + params, { signal: controller.signal, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        var top = data.match === "strong" && data.results.length ? data.results[0] : null;
        if (!top) return [data, null];
        return self.answer(top.id, controller.signal).then(
          function (answer) { return [data, answer]; },
          function (error) {
            if (error.name === "AbortError") throw error;
            return [data, null];
          }
        );
      })
      .finally(function () {
        if (self.controller === controller) self.inFlight = false;
      })
      .then(function (pair) {
        if (controller.signal.aborted) return;
        // The settled answer repaints only what changed: an unchanged list is not
        // announced again to a screen reader.
        var shown = JSON.stringify([query, pair[0].match, pair[0].results.map(function (r) { return r.id; })]);
        if (settled && shown === self.shown) return;
        self.shown = shown;
        self.render(query, pair[0], pair[1]);
        self.painted(query, !settled);
      })
      .catch(function (error) {
        if (error.name === "AbortError") return;
        self.renderError(query);
      });
  };

  InstantSearch.prototype.answer = function (id, signal) {
    var cached = this.answers.get(id);
    if (cached) return Promise.resolve(cached);
    var self = this;
    return fetch("/api/answer/" + id, { signal: signal, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (answer) {
        self.answers.set(id, answer);
        return answer;
      });
  };

  /* After the next frame: data-rendered-query says which question is on screen, and for a
     keystroke (`timed`) "results painted" is marked for the keystroke-to-results figure;
     a settled repaint is not a keystroke's and would skew it. */
  InstantSearch.prototype.painted = function (query, timed) {
    var region = this.region;
    requestAnimationFrame(function () {
      setTimeout(function () {
        if (timed) {
          performance.clearMarks("spravka:painted");
          performance.mark("spravka:painted");
          try {
            performance.measure("spravka:results", "spravka:input", "spravka:painted");
          } catch (e) {
            /* no keystroke mark: the search ran on load */
          }
        }
        region.setAttribute("data-rendered-query", query);
      }, 0);
    });
  };

  InstantSearch.prototype.render = function (query, data, answer) {
    this.query = query;
    var hits = data.results.filter(function (hit) { return !answer || hit.id !== answer.id; });
    var status = statusText(data.match, data.results.length);
    if (this.status.textContent !== status) this.status.textContent = status;
    var parts = [];
    if (data.used_query) parts.push(correctedLine(query, data.used_query));
    if (data.match === "none") parts.push(noAnswerLine(query));
    if (answer) parts.push(this.reuse(".best", answer.id) || bestCard(answer));
    if (hits.length) parts.push(this.resultList(hits, answer ? 2 : 1, query));
    if (data.handoff) parts.push(handoffBox(data));
    if (data.results.length) {
      var all = el("p", "results__all");
      var link = el("a", null, "Все результаты на отдельной странице");
      link.href = "/search?" + new URLSearchParams({ q: query });
      all.appendChild(link);
      parts.push(all);
    }
    patchChildren(this.body, parts);
    this.region.removeAttribute("aria-busy");
    this.show(true);
  };

  /* An element already on screen for the same entry, to keep instead of rebuilding. */
  InstantSearch.prototype.reuse = function (selector, id) {
    var node = this.body.querySelector(selector + '[data-id="' + CSS.escape(id) + '"]');
    return node && node.parentNode === this.body ? node : null;
  };

  InstantSearch.prototype.renderError = function (query) {
    this.region.removeAttribute("aria-busy");
    this.status.textContent = "Поиск временно недоступен. Нажмите Enter, чтобы повторить.";
    this.query = query;
    this.show(true);
  };

  /* The result list, keeping the <li> of every result that was already shown (render only
     what changed: typing one more letter usually reorders or refreshes a few snippets). */
  InstantSearch.prototype.resultList = function (hits, firstPosition, query) {
    var names = this.categoryNames;
    var list = this.body.querySelector(":scope > ol.results") || el("ol", "results");
    var old = new Map();
    Array.prototype.forEach.call(list.children, function (item) {
      old.set(item.getAttribute("data-id"), item);
    });
    list.setAttribute("data-query", query);
    var items = hits.map(function (hit, i) {
      var item = old.get(hit.id) || resultItem(hit, names);
      var link = item.firstChild;
      link.setAttribute("data-position", String(firstPosition + i));
      var snippet = snippetNode(hit.snippet);
      if (link.childNodes[1].innerHTML !== snippet.innerHTML) link.replaceChild(snippet, link.childNodes[1]);
      return item;
    });
    patchChildren(list, items);
    return list;
  };

  function resultItem(hit, names) {
    var item = el("li", "result");
    item.setAttribute("data-id", hit.id);
    var link = el("a", "result__link");
    link.href = hit.url;
    link.setAttribute("data-entry", hit.id);
    var head = el("span", "result__head");
    head.appendChild(el("span", "kind kind--" + hit.kind, KIND_LABELS[hit.kind] || hit.kind));
    head.appendChild(el("span", "result__title", hit.title));
    link.appendChild(head);
    link.appendChild(el("span", "result__snippet"));
    if (names[hit.category]) link.appendChild(el("span", "result__meta", names[hit.category]));
    item.appendChild(link);
    return item;
  }

  /* Make `parent`'s children exactly `nodes`, moving only what is out of place. */
  function patchChildren(parent, nodes) {
    nodes.forEach(function (node, i) {
      if (parent.childNodes[i] !== node) parent.insertBefore(node, parent.childNodes[i] || null);
    });
    while (parent.childNodes.length > nodes.length) parent.removeChild(parent.lastChild);
  }

  function statusText(match, total) {
    if (!total) return "Ничего не найдено";
    var count = total + " " + pluralRu(total, "ответ", "ответа", "ответов");
    return match === "strong" ? "Найдено " + count : "Возможно, подойдёт: " + count;
  }

  function correctedLine(query, usedQuery) {
    var line = el("p", "corrected");
    line.appendChild(document.createTextNode("Показаны результаты по запросу «"));
    line.appendChild(el("strong", null, usedQuery));
    line.appendChild(document.createTextNode("»"));
    line.appendChild(document.createElement("br"));
    var exact = el("a", null, "Искать «" + query + "» как написано");
    exact.href = "/search?" + new URLSearchParams({ q: query, exact: "1" });
    line.appendChild(exact);
    return line;
  }

  function noAnswerLine(query) {
    var line = el("p", "handoff__none", "По запросу «" + query + "» готового ответа нет.");
    line.setAttribute("data-no-answer", "");
    return line;
  }

  function bestCard(answer) {
    var card = el("article", "best");
    card.setAttribute("data-id", answer.id);
    card.setAttribute("aria-labelledby", "best-title");
    card.appendChild(el("p", "best__label", "Лучший ответ · " + answer.kind_label));
    var title = el("h2", "best__title");
    title.id = "best-title";
    var link = el("a", null, answer.title);
    link.href = answer.url;
    link.setAttribute("data-entry", answer.id);
    link.setAttribute("data-position", "1");
    title.appendChild(link);
    card.appendChild(title);
    var lead = el("div", "best__lead prose");
    lead.innerHTML = answer.lead_html; // sanitised on the server by render_markdown (nh3)
    card.appendChild(lead);
    var more = el("a", "best__more", "Читать ответ полностью");
    more.href = answer.url;
    more.setAttribute("data-entry", answer.id);
    more.setAttribute("data-position", "1");
    card.appendChild(more);
    return card;
  }

  function handoffBox(data) {
    var box = el("div", "handoff");
    box.setAttribute("data-handoff", "");
    var text = el("p", "handoff__text", "Не нашли ответ? ");
    var link = el("a", "button handoff__link", "Написать в поддержку");
    link.href = data.handoff.url;
    text.appendChild(link);
    box.appendChild(text);
    return box;
  }

  /* ---- start ---------------------------------------------------------------- */
  var region = document.querySelector("[data-instant]");
  var form = document.querySelector("[data-search-form]");
  if (region && form && window.fetch && window.AbortController) new InstantSearch(form, region);
})();
