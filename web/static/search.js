/* Spravka help center: answers as you type, click and vote recording. No dependencies. */
(function () {
  "use strict";

  var DEBOUNCE_MS = 100;
  var KIND_LABELS = { article: "статья", faq: "вопрос" };
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = meta ? meta.getAttribute("content") : "";

  function postJSON(url, data) {
    // keepalive lets the request finish when the click that sent it leaves the page.
    return fetch(url, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(data),
    });
  }

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

  function recordClick(link, query) {
    var position = parseInt(link.getAttribute("data-position"), 10);
    if (!query || !position) return;
    postJSON("/api/click", {
      entry_id: link.getAttribute("data-entry"),
      query: query,
      position: position,
    }).catch(function () {});
  }

  /* ---- instant search ------------------------------------------------------ */
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
    this.active = -1;
    this.options = [];
    this.query = region.getAttribute("data-rendered-query") || "";
    this.setUpCombobox();
    this.bind();
    this.collectOptions();
    if (this.input.value.trim() && this.input.value.trim() !== this.query) this.run();
  }

  function readJSON(id) {
    var node = document.getElementById(id);
    try {
      return node ? JSON.parse(node.textContent) : {};
    } catch (e) {
      return {};
    }
  }

  InstantSearch.prototype.setUpCombobox = function () {
    var input = this.input;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", "instant-body");
    input.setAttribute("aria-expanded", this.region.hidden ? "false" : "true");
  };

  InstantSearch.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("input", function () {
      performance.clearMarks("spravka:input");
      performance.mark("spravka:input");
      clearTimeout(self.timer);
      self.timer = setTimeout(function () { self.run(); }, DEBOUNCE_MS);
    });
    this.input.addEventListener("keydown", function (event) { self.onKey(event); });
    this.region.addEventListener("click", function (event) {
      var link = event.target.closest("a[data-entry]");
      if (link) recordClick(link, self.query);
    });
  };

  InstantSearch.prototype.onKey = function (event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!this.options.length) return;
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = this.active + step;
      if (next >= this.options.length) next = 0;
      if (next < -1) next = this.options.length - 1;
      this.setActive(next);
    } else if (event.key === "Enter" && this.active >= 0) {
      event.preventDefault();
      var link = this.options[this.active].querySelector("a[data-entry]");
      recordClick(link, this.query);
      window.location.assign(link.href);
    } else if (event.key === "Escape") {
      event.preventDefault();
      if (this.active >= 0) this.setActive(-1);
      else if (!this.region.hidden && !this.onSearchPage) this.show(false);
      else this.input.value = "";
    }
  };

  InstantSearch.prototype.setActive = function (index) {
    this.options.forEach(function (option, i) {
      option.classList.toggle("is-active", i === index);
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    this.active = index;
    if (index >= 0) {
      this.input.setAttribute("aria-activedescendant", this.options[index].id);
      this.options[index].scrollIntoView({ block: "nearest" });
    } else {
      this.input.removeAttribute("aria-activedescendant");
    }
  };

  InstantSearch.prototype.collectOptions = function () {
    this.options = Array.prototype.slice.call(this.body.querySelectorAll("[data-option]"));
    this.options.forEach(function (option, i) {
      option.id = "instant-option-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
    });
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
  };

  InstantSearch.prototype.show = function (visible) {
    this.region.hidden = !visible;
    this.input.setAttribute("aria-expanded", visible ? "true" : "false");
    this.hideOnSearch.forEach(function (node) { node.hidden = visible; });
    if (!visible) this.setActive(-1);
  };

  InstantSearch.prototype.run = function () {
    var self = this;
    var query = this.input.value.trim();
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
    this.region.setAttribute("aria-busy", "true");
    var params = new URLSearchParams({ q: query, source: "instant" });
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
      .then(function (pair) {
        if (controller.signal.aborted) return;
        self.render(query, pair[0], pair[1]);
        self.painted(query);
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

  /* Marks "results painted" after the next frame, for the keystroke-to-results figure. */
  InstantSearch.prototype.painted = function (query) {
    var region = this.region;
    requestAnimationFrame(function () {
      setTimeout(function () {
        performance.clearMarks("spravka:painted");
        performance.mark("spravka:painted");
        try {
          performance.measure("spravka:results", "spravka:input", "spravka:painted");
        } catch (e) {
          /* no keystroke mark: the search ran on load */
        }
        region.setAttribute("data-rendered-query", query);
      }, 0);
    });
  };

  InstantSearch.prototype.render = function (query, data, answer) {
    var body = this.body;
    var fragment = document.createDocumentFragment();
    this.query = query;
    var hits = data.results.filter(function (hit) { return !answer || hit.id !== answer.id; });
    var total = data.results.length;
    this.status.textContent = total
      ? "Найдено " + total + " " + pluralRu(total, "ответ", "ответа", "ответов")
      : "Ничего не найдено";
    if (data.used_query) fragment.appendChild(correctedLine(query, data.used_query));
    if (answer) fragment.appendChild(bestCard(answer));
    if (hits.length) fragment.appendChild(this.resultList(hits, answer ? 2 : 1, query));
    if (data.handoff) fragment.appendChild(handoffBox(data, query));
    if (total) {
      var all = el("p", "results__all");
      var link = el("a", null, "Все результаты на отдельной странице");
      link.href = "/search?" + new URLSearchParams({ q: query });
      all.appendChild(link);
      fragment.appendChild(all);
    }
    body.replaceChildren(fragment);
    this.region.removeAttribute("aria-busy");
    this.collectOptions();
    this.show(true);
  };

  InstantSearch.prototype.renderError = function (query) {
    this.region.removeAttribute("aria-busy");
    this.status.textContent = "Поиск временно недоступен. Нажмите Enter, чтобы повторить.";
    this.query = query;
    this.show(true);
  };

  InstantSearch.prototype.resultList = function (hits, firstPosition, query) {
    var names = this.categoryNames;
    var list = el("ol", "results");
    list.setAttribute("data-query", query);
    hits.forEach(function (hit, i) {
      var item = el("li", "result");
      item.setAttribute("data-option", "");
      var link = el("a", "result__link");
      link.href = hit.url;
      link.setAttribute("data-entry", hit.id);
      link.setAttribute("data-position", String(firstPosition + i));
      link.tabIndex = -1;
      var head = el("span", "result__head");
      head.appendChild(el("span", "kind kind--" + hit.kind, KIND_LABELS[hit.kind] || hit.kind));
      head.appendChild(el("span", "result__title", hit.title));
      link.appendChild(head);
      link.appendChild(snippetNode(hit.snippet));
      if (names[hit.category]) link.appendChild(el("span", "result__meta", names[hit.category]));
      item.appendChild(link);
      list.appendChild(item);
    });
    return list;
  };

  function correctedLine(query, usedQuery) {
    var line = el("p", "corrected");
    line.appendChild(document.createTextNode("Показаны результаты по запросу «"));
    line.appendChild(el("strong", null, usedQuery));
    line.appendChild(document.createTextNode("». "));
    var exact = el("a", null, "Искать «" + query + "» как написано");
    exact.href = "/search?" + new URLSearchParams({ q: query, exact: "1" });
    line.appendChild(exact);
    return line;
  }

  function bestCard(answer) {
    var card = el("article", "best");
    card.setAttribute("data-option", "");
    card.appendChild(el("p", "best__label", "Лучший ответ · " + answer.kind_label));
    var title = el("h2", "best__title");
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

  function handoffBox(data, query) {
    var box = el("div", "handoff");
    box.setAttribute("data-handoff", "");
    if (data.match === "none") {
      box.appendChild(el("p", "handoff__none", "По запросу «" + query + "» готового ответа нет."));
    }
    var text = el("p", "handoff__text", "Не нашли ответ? ");
    var link = el("a", "button handoff__link", "Написать в поддержку");
    link.href = data.handoff.url;
    text.appendChild(link);
    box.appendChild(text);
    return box;
  }

  /* ---- «Был ли ответ полезен?» ---------------------------------------------- */
  function Feedback(section) {
    this.section = section;
    this.entryId = section.getAttribute("data-entry-id");
    this.buttons = section.querySelector("[data-feedback-buttons]");
    this.more = section.querySelector("[data-feedback-more]");
    this.comment = section.querySelector("textarea");
    this.handoff = section.querySelector("[data-feedback-handoff]");
    this.thanks = section.querySelector("[data-feedback-thanks]");
    this.pending = false;
    section.hidden = false;
    if (sessionStorage.getItem("spravka-voted:" + this.entryId)) {
      this.buttons.hidden = true;
      this.thanks.textContent = "Спасибо, вы уже оценили этот ответ.";
    }
    this.bind();
  }

  Feedback.prototype.bind = function () {
    var self = this;
    this.section.addEventListener("click", function (event) {
      var button = event.target.closest("[data-vote]");
      if (!button) return;
      if (button.getAttribute("data-vote") === "yes") self.send(true, null);
      else self.askWhatWasMissing();
    });
    this.more.addEventListener("submit", function (event) {
      event.preventDefault();
      self.send(false, self.comment.value.trim() || null);
    });
    this.comment.addEventListener("input", function () {
      var url = new URL(self.handoff.href, window.location.href);
      url.searchParams.set("description", self.comment.value.trim());
      self.handoff.href = url.pathname + url.search;
    });
    // A «Нет» without a comment still counts when the seller simply leaves the page.
    window.addEventListener("pagehide", function () {
      if (self.pending) self.send(false, self.comment.value.trim() || null);
    });
  };

  Feedback.prototype.askWhatWasMissing = function () {
    this.pending = true;
    this.buttons.hidden = true;
    this.more.hidden = false;
    this.comment.focus();
  };

  Feedback.prototype.send = function (helpful, comment) {
    var self = this;
    this.pending = false;
    this.buttons.hidden = true;
    var submit = this.more.querySelector('button[type="submit"]');
    if (submit) submit.disabled = true;
    postJSON("/api/feedback", { entry_id: this.entryId, helpful: helpful, comment: comment })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        sessionStorage.setItem("spravka-voted:" + self.entryId, helpful ? "yes" : "no");
        if (helpful) {
          self.thanks.textContent = "Спасибо! Рады, что ответ помог.";
        } else {
          self.more.querySelector("label").hidden = true;
          self.comment.hidden = true;
          if (submit) submit.hidden = true;
          self.thanks.textContent = "Спасибо за отзыв — мы дополним ответ.";
        }
      })
      .catch(function () {
        self.thanks.textContent = "Не удалось отправить отзыв. Попробуйте ещё раз.";
        if (helpful) self.buttons.hidden = false;
        if (submit) submit.disabled = false;
        self.pending = !helpful;
      });
  };

  /* ---- start ---------------------------------------------------------------- */
  var region = document.querySelector("[data-instant]");
  var form = document.querySelector("[data-search-form]");
  if (region && form && window.fetch && window.AbortController) new InstantSearch(form, region);
  var feedback = document.querySelector("[data-feedback]");
  if (feedback) new Feedback(feedback);
})();
