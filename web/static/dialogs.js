// Support dialog pages: category filter, live suggestions, answers opened in place,
// file checks before upload and the duplicate warning before «Начать диалог».
// Everything here is an enhancement: the forms work without JavaScript.
(function () {
  "use strict";

  var STEM_MIN = 4;

  function fold(text) {
    return (text || "").toLowerCase().replace(/ё/g, "е");
  }

  // The same stemming as web/dialog_content.py, so typing here filters like the server does.
  function stem(word) {
    return word.length <= STEM_MIN ? word : word.slice(0, Math.max(STEM_MIN, word.length - 2));
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) return meta.content;
    var input = document.querySelector('input[name="csrf_token"]');
    return input ? input.value : "";
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      node.setAttribute(key, attrs[key]);
    });
    if (text) node.textContent = text;
    return node;
  }

  // -- category and topic pickers -------------------------------------------------------
  function initPicker(form) {
    var find = form.querySelector("#category-find");
    var choices = Array.prototype.slice.call(form.querySelectorAll(".dlg-choice"));
    var count = form.querySelector("#category-count");
    var none = form.querySelector("#category-none");
    if (find) {
      var filter = function () {
        var stems = fold(find.value).split(/\s+/).filter(Boolean).map(stem);
        var shown = 0;
        choices.forEach(function (choice) {
          var haystack = choice.getAttribute("data-search") || "";
          var ok = stems.every(function (s) { return haystack.indexOf(s) !== -1; });
          choice.hidden = !ok;
          if (ok) shown += 1;
        });
        if (count) count.textContent = "Категорий: " + shown + " из " + choices.length;
        if (none) none.hidden = shown > 0;
      };
      find.addEventListener("input", filter);
      find.addEventListener("keydown", function (event) {
        // Enter in the filter box picks the only match instead of reloading the page.
        if (event.key !== "Enter") return;
        var visible = choices.filter(function (c) { return !c.hidden; });
        event.preventDefault();
        if (visible.length === 1) {
          visible[0].querySelector("input").checked = true;
          form.submit();
        }
      });
      filter();
    }
    // A click or tap on a choice moves on at once; arrow keys only move the selection
    // (they fire `change` too), and Enter or «Далее» moves on from the keyboard.
    var pointer = false;
    form.addEventListener("pointerdown", function () { pointer = true; });
    form.addEventListener("keydown", function () { pointer = false; });
    form.addEventListener("change", function (event) {
      if (event.target.type === "radio" && pointer) form.submit();
    });
  }

  // -- live suggestions ----------------------------------------------------------------
  function snippetNodes(html) {
    // The API escapes the snippet and adds only <mark>; rebuild it from text to be sure.
    var holder = document.createElement("template");
    holder.innerHTML = html || "";
    var out = document.createDocumentFragment();
    holder.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") out.appendChild(el("mark", {}, node.textContent));
      else out.appendChild(document.createTextNode(node.textContent));
    });
    return out;
  }

  // «Это решило мой вопрос»: submits #deflect-form (forms cannot nest in the dialog form).
  function solvedButton(hit) {
    return el("button", {
      type: "submit", form: "deflect-form", name: "entry_id", value: hit.id, formnovalidate: "",
      class: "button button--secondary dlg-solved",
    }, "Это решило мой вопрос");
  }

  function suggestionItem(hit) {
    var item = el("li", { class: "dlg-sugg", "data-id": hit.id });
    var head = el("div", { class: "dlg-sugg__head" });
    head.appendChild(el("a", { class: "dlg-sugg__title", href: hit.url, target: "_blank", rel: "noopener" }, hit.title));
    head.appendChild(el("button", { type: "button", class: "link-button dlg-sugg__open", "data-entry": hit.id, "aria-expanded": "false" }, "Показать ответ"));
    item.appendChild(head);
    var snippet = el("p", { class: "dlg-sugg__snippet" });
    snippet.appendChild(snippetNodes(hit.snippet));
    item.appendChild(snippet);
    var body = el("div", { class: "dlg-sugg__body prose" });
    body.hidden = true;
    item.appendChild(body);
    item.appendChild(solvedButton(hit));
    return item;
  }

  function openInPlace(button) {
    var item = button.closest(".dlg-sugg");
    var body = item.querySelector(".dlg-sugg__body");
    var expanded = button.getAttribute("aria-expanded") === "true";
    if (expanded) {
      body.hidden = true;
      button.setAttribute("aria-expanded", "false");
      button.textContent = "Показать ответ";
      return;
    }
    var show = function () {
      body.hidden = false;
      button.setAttribute("aria-expanded", "true");
      button.textContent = "Скрыть ответ";
    };
    if (body.getAttribute("data-loaded")) return show();
    button.disabled = true;
    fetch("/api/entries/" + encodeURI(button.getAttribute("data-entry")), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (entry) {
        body.innerHTML = entry.html; // sanitised on the server by render_markdown (nh3)
        body.setAttribute("data-loaded", "1");
        show();
      })
      .catch(function () {
        body.textContent = "Не удалось загрузить ответ. Откройте его по ссылке.";
        body.hidden = false;
      })
      .finally(function () { button.disabled = false; });
  }

  function initSuggestions(form, aside) {
    var textarea = form.querySelector("#description");
    var list = aside.querySelector("#suggestion-list");
    var status = aside.querySelector("#suggestions-status");
    var context = { category: aside.getAttribute("data-category"), topic: aside.getAttribute("data-topic") };
    var timer = null;
    var lastQuery = null;
    var seq = 0;

    function render(data, query) {
      list.textContent = "";
      context.query = query;
      (data.results || []).forEach(function (hit) {
        list.appendChild(suggestionItem(hit));
      });
      status.textContent = data.results && data.results.length
        ? "Посмотрите эти ответы — может быть, писать не придётся."
        : "Подходящих ответов в справке не нашлось — опишите ситуацию, поддержка поможет.";
    }

    function search() {
      var query = textarea.value.trim();
      if (query === lastQuery) return;
      lastQuery = query;
      if (query.length < 3) {
        list.textContent = "";
        status.textContent = "Начните описывать ситуацию — мы подскажем подходящие ответы из справки.";
        return;
      }
      var mine = ++seq;
      var params = new URLSearchParams({ q: query.slice(0, 300), category: context.category || "", source: "dialog-form", limit: "5" });
      fetch("/api/search?" + params.toString(), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { if (mine === seq) render(data, query); })
        .catch(function () { /* suggestions are a help, not a requirement */ });
    }

    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 400);
      // Keep the deflection forms' query in step with what is typed now.
      document.querySelectorAll('#deflect-form input[name="query"], .dlg-deflect input[name="query"]').forEach(function (input) { input.value = textarea.value.trim(); });
    });
    aside.addEventListener("click", function (event) {
      var button = event.target.closest(".dlg-sugg__open");
      if (button) openInPlace(button);
    });
    if (textarea.value.trim().length >= 3 && !list.children.length) search();
  }

  // -- files: check as they are picked ---------------------------------------------------
  // Sizes the way web/russian.py writes them; over the limit rounds up, so a file just
  // over 10 МБ never reads «10,0 МБ, а можно не больше 10 МБ».
  function sizeText(bytes, up) {
    if (bytes < 1048576) return Math.max(1, Math.round(bytes / 1024)) + " КБ";
    var mb = bytes / 1048576;
    mb = up ? Math.ceil(mb * 10) / 10 : Math.round(mb * 10) / 10;
    return mb.toFixed(1).replace(".", ",") + " МБ";
  }

  function initFiles(form) {
    var input = form.querySelector('input[type="file"]');
    var list = form.querySelector("#file-list");
    var none = form.querySelector("[data-files-none]");
    if (!input || !list || typeof DataTransfer === "undefined") return;
    // Limits come from the server (data-* on the input): the same numbers it checks.
    function limit(name, fallback) {
      return Number(input.getAttribute(name) || form.getAttribute(name) || fallback);
    }
    var maxBytes = limit("data-max-mb", 10) * 1048576;
    var maxFiles = limit("data-max-files", 10);
    var maxTotal = limit("data-max-total-mb", 30) * 1048576;
    var allowed = (input.getAttribute("accept") || "").split(",");
    var kept = [];

    function reason(file) {
      var dot = file.name.lastIndexOf(".");
      var ext = dot > 0 ? file.name.slice(dot).toLowerCase() : "";
      if (allowed.indexOf(ext) === -1) return "такой формат не принимается (можно: DOCX, XLS, XLSX, PDF, JPG, JPEG, ZIP, PNG)";
      if (file.size === 0) return "файл пустой";
      if (file.size > maxBytes) return "файл весит " + sizeText(file.size, true) + ", а можно не больше " + (maxBytes / 1048576) + " МБ";
      var already = form.querySelectorAll('input[name="kept"]:checked');
      if (kept.length + already.length >= maxFiles) return "можно прикрепить не больше " + maxFiles + " файлов";
      var total = file.size;
      kept.forEach(function (other) { total += other.size; });
      Array.prototype.forEach.call(already, function (box) { total += Number(box.getAttribute("data-size") || 0); });
      if (total > maxTotal) return "вместе файлы больше " + (maxTotal / 1048576) + " МБ";
      return null;
    }

    function sync(refused) {
      var transfer = new DataTransfer();
      kept.forEach(function (file) { transfer.items.add(file); });
      input.files = transfer.files;
      list.textContent = "";
      if (none) none.hidden = kept.length > 0;
      kept.forEach(function (file, index) {
        var item = el("li", { class: "is-kept" });
        item.appendChild(el("span", { class: "dlg-files__name" }, file.name));
        item.appendChild(el("span", { class: "muted" }, sizeText(file.size, false)));
        var remove = el("button", { type: "button", class: "link-button dlg-files__remove", "aria-label": "Убрать файл " + file.name }, "Убрать");
        remove.addEventListener("click", function () {
          kept.splice(index, 1);
          sync([]);
          input.focus();
        });
        item.appendChild(remove);
        list.appendChild(item);
      });
      refused.forEach(function (entry) {
        list.appendChild(el("li", { class: "is-refused" }, entry.name + " — не прикреплён: " + entry.reason));
      });
    }

    input.addEventListener("change", function () {
      var refused = [];
      Array.prototype.forEach.call(input.files, function (file) {
        if (kept.some(function (k) { return k.name === file.name && k.size === file.size; })) return;
        var why = reason(file);
        if (why) refused.push({ name: file.name, reason: why });
        else kept.push(file);
      });
      sync(refused);
    });
  }

  // -- sending: one click sends once ------------------------------------------------------
  // After the submit event has run (the duplicate check may cancel it), the buttons are
  // disabled until the page changes; the server's form token catches what gets through.
  function initSending(form) {
    form.addEventListener("submit", function (event) {
      var submitter = event.submitter;
      setTimeout(function () {
        if (event.defaultPrevented) return;
        form.querySelectorAll('button[type="submit"], button:not([type])').forEach(function (button) {
          button.disabled = true;
          button.setAttribute("aria-disabled", "true");
        });
        if (submitter) submitter.textContent = "Отправляется…";
      }, 0);
    });
    // Back to a page from the cache: the buttons must work again.
    window.addEventListener("pageshow", function () {
      form.querySelectorAll("button[disabled]").forEach(function (button) {
        button.disabled = false;
        button.removeAttribute("aria-disabled");
      });
    });
  }

  // -- barcode: the server's rule (web/dialogs/forms.py parse_barcode), checked as typed ---
  function eanOk(digits) {
    var body = digits.slice(0, -1).split("").reverse();
    var total = body.reduce(function (sum, d, i) { return sum + Number(d) * (i % 2 === 0 ? 3 : 1); }, 0);
    return (10 - total % 10) % 10 === Number(digits.slice(-1));
  }

  function barcodeProblem(raw) {
    var value = raw.replace(/[\s-]/g, "");
    if (!value) return null;
    if (!/^[0-9]+$/.test(value)) return "Штрихкод — только цифры, без букв и других знаков.";
    if (value.length < 8 || value.length > 14) {
      return "В штрихкоде должно быть от 8 до 14 цифр, а введено " + value.length + ".";
    }
    if ((value.length === 8 || value.length === 13) && !eanOk(value)) {
      return "Штрихкод EAN-" + value.length + " набран с ошибкой: не сходится контрольная (последняя) цифра. Сверьте цифры с этикеткой товара.";
    }
    return null;
  }

  function initBarcode(form) {
    var input = form.querySelector("#barcode");
    var message = form.querySelector("#barcode-error");
    if (!input || !message) return;
    var touched = false;
    function check(final) {
      var problem = barcodeProblem(input.value);
      // While typing, a number that is still too short is not an error yet.
      var digits = input.value.replace(/[\s-]/g, "");
      if (problem && !final && !touched && /^[0-9]*$/.test(digits) && digits.length < 8) problem = null;
      message.textContent = problem || "";
      message.hidden = !problem;
      if (problem) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
    input.addEventListener("input", function () { check(false); });
    input.addEventListener("blur", function () {
      if (input.value) touched = true;
      check(true);
    });
  }

  // -- duplicates: warn before the form is sent -----------------------------------------
  function initDuplicates(form) {
    var panel = form.querySelector("#duplicates");
    var confirmBox = form.querySelector("#confirm-new");
    var checked = false;
    if (!panel || !confirmBox) return;
    form.addEventListener("submit", function (event) {
      if (checked || confirmBox.checked || event.submitter && event.submitter.hasAttribute("formaction")) return;
      event.preventDefault();
      var params = new URLSearchParams({
        category: form.querySelector('input[name="category"]').value,
        topic: form.querySelector('input[name="topic"]').value,
        description: form.querySelector("#description").value,
        barcode: form.querySelector("#barcode").value,
      });
      fetch("/api/dialogs/duplicates?" + params.toString(), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { duplicates: [] }; })
        .catch(function () { return { duplicates: [] }; })
        .then(function (data) {
          checked = true;
          if (!data.duplicates || !data.duplicates.length) return form.requestSubmit(event.submitter);
          showDuplicates(panel, data.duplicates);
        });
    });
  }

  function showDuplicates(panel, duplicates) {
    var list = panel.querySelector("#duplicate-list");
    list.textContent = "";
    duplicates.forEach(function (d) {
      var item = el("li");
      item.appendChild(el("a", { href: d.url }, "№ " + d.number));
      item.appendChild(document.createTextNode(" от " + d.created + (d.barcode ? ", штрихкод " + d.barcode : "")));
      item.appendChild(el("q", {}, d.description));
      var add = el("button", { type: "submit", class: "button button--secondary", formnovalidate: "", formaction: "/dialogs/" + d.number + "/messages" }, "Добавить сообщение в № " + d.number);
      item.appendChild(add);
      list.appendChild(item);
    });
    panel.hidden = false;
    panel.scrollIntoView({ behavior: "smooth", block: "center" });
    panel.querySelector("h2").setAttribute("tabindex", "-1");
    panel.querySelector("h2").focus();
  }

  document.addEventListener("DOMContentLoaded", function () {
    // After a failed submit the summary of what to fix takes the focus (and is announced).
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
    document.querySelectorAll("#dialog-form").forEach(initBarcode);
    document.querySelectorAll("#category-picker, #topic-picker").forEach(initPicker);
    var form = document.querySelector("#dialog-form");
    var aside = document.querySelector("#suggestions");
    if (form && aside) initSuggestions(form, aside);
    if (form) initDuplicates(form);
    document.querySelectorAll("#dialog-form, #message-form, #reply-form").forEach(initFiles);
    document.querySelectorAll("#dialog-form, #message-form, #reply-form").forEach(initSending);
  });
})();
