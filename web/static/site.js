/* Every page: «/» or Ctrl+K jumps to the search box, recent searches on focus (kept only
   in this browser, localStorage) with a way to clear them, the box's clear button; and
   SpravkaApi.postJSON, through which search.js and feedback.js post JSON to the API. */
(function () {
  "use strict";

  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrfToken = meta ? meta.getAttribute("content") : "";

  /* POST `data` as JSON with the page's CSRF token. keepalive lets the request finish when
     the seller leaves the page right after (a click on a result, a vote, then away). */
  function postJSON(url, data) {
    return fetch(url, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken },
      body: JSON.stringify(data),
    });
  }

  window.SpravkaApi = { postJSON: postJSON };

  var KEY = "spravka:recent-searches";
  var KEEP = 6;

  function load() {
    try {
      var list = JSON.parse(localStorage.getItem(KEY) || "[]");
      return Array.isArray(list) ? list.filter(function (q) { return typeof q === "string"; }) : [];
    } catch (e) {
      return [];
    }
  }

  function save(list) {
    try {
      if (list.length) localStorage.setItem(KEY, JSON.stringify(list.slice(0, KEEP)));
      else localStorage.removeItem(KEY);
    } catch (e) {
      /* storage full or disabled: recent searches are a convenience */
    }
  }

  function remember(query) {
    query = (query || "").trim().replace(/\s+/g, " ");
    if (query.length < 2) return;
    var list = load().filter(function (q) { return q.toLowerCase() !== query.toLowerCase(); });
    list.unshift(query);
    save(list);
  }

  window.SpravkaRecent = { remember: remember, load: load };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = text;
    return node;
  }

  /* The panel of recent searches under one search box. */
  function Recent(form, input) {
    this.form = form;
    this.input = input;
    this.panel = el("div", "recent");
    this.panel.id = input.id + "-recent";
    this.panel.hidden = true;
    form.appendChild(this.panel);
    this.bind();
  }

  Recent.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("focus", function () { self.open(); });
    this.input.addEventListener("input", function () { self.open(); });
    this.input.addEventListener("keydown", function (event) {
      if (self.panel.hidden) return;
      if (event.key === "Escape") {
        event.preventDefault();
        self.close();
      } else if (event.key === "ArrowDown") {
        var first = self.panel.querySelector("a, button");
        if (!first) return;
        event.preventDefault();
        first.focus();
      }
    });
    this.panel.addEventListener("keydown", function (event) {
      var items = Array.prototype.slice.call(self.panel.querySelectorAll("a, button"));
      var at = items.indexOf(document.activeElement);
      if (event.key === "Escape") {
        event.preventDefault();
        self.input.focus();
        self.close();
      } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && at !== -1) {
        event.preventDefault();
        var next = at + (event.key === "ArrowDown" ? 1 : -1);
        if (next < 0) self.input.focus();
        else if (next < items.length) items[next].focus();
      }
    });
    this.form.addEventListener("focusout", function (event) {
      if (!self.form.contains(event.relatedTarget)) self.close();
    });
    this.form.addEventListener("submit", function () { remember(self.input.value); });
  };

  Recent.prototype.open = function () {
    var list = load();
    if (this.input.value.trim() || !list.length) return this.close();
    var self = this;
    var title = el("p", "recent__title", "Недавние запросы");
    title.id = this.panel.id + "-title";
    var ul = el("ul", "recent__list");
    ul.setAttribute("aria-labelledby", title.id);
    list.forEach(function (query) {
      var li = el("li");
      var link = el("a", "recent__link", query);
      link.href = "/search?" + new URLSearchParams({ q: query });
      li.appendChild(link);
      ul.appendChild(li);
    });
    var clear = el("button", "link-button recent__clear", "Очистить историю поиска");
    clear.type = "button";
    clear.addEventListener("click", function () {
      save([]);
      self.close();
      self.input.focus();
    });
    this.panel.replaceChildren(title, ul, clear);
    this.panel.hidden = false;
  };

  Recent.prototype.close = function () {
    this.panel.hidden = true;
  };

  /* The × inside the box: shown while there is text; the text never runs under it. */
  function clearButton(input) {
    var button = input.parentNode.querySelector("[data-search-clear]");
    if (!button) return;
    var sync = function () { button.hidden = !input.value; };
    input.addEventListener("input", sync);
    button.addEventListener("click", function () {
      input.value = "";
      sync();
      input.focus();
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    sync();
  }

  function typingInField(target) {
    if (!target || !target.tagName) return false;
    if (target.isContentEditable) return true;
    var tag = target.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") return true;
    if (tag !== "INPUT") return false;
    return ["button", "submit", "reset", "checkbox", "radio", "file", "image"].indexOf(target.type) === -1;
  }

  /* The box to jump to: the page's own search box when it has one, else the header's. */
  function searchBox() {
    return document.querySelector("[data-page-search]") || document.getElementById("site-q");
  }

  document.addEventListener("keydown", function (event) {
    var slash = event.key === "/" && !event.ctrlKey && !event.metaKey && !event.altKey;
    var ctrlK = (event.key === "k" || event.key === "K" || event.code === "KeyK") &&
      (event.ctrlKey || event.metaKey) && !event.altKey;
    if (!(slash || ctrlK) || event.defaultPrevented || typingInField(event.target)) return;
    var box = searchBox();
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  document.querySelectorAll("[data-search-input]").forEach(function (input) {
    clearButton(input);
    if (window.localStorage) new Recent(input.form, input);
  });
  var pageQuery = document.querySelector("[data-search-page][data-rendered-query]");
  if (pageQuery) remember(pageQuery.getAttribute("data-rendered-query"));
})();
