// Editor: live Markdown preview, topics filtered by category, slug from title, YAML line jump.
(function () {
  "use strict";
  var token = document.querySelector('meta[name="csrf-token"]');
  token = token ? token.getAttribute("content") : "";

  function livePreview(source, target) {
    var timer = null;
    var sent = 0;
    function render() {
      var mine = ++sent;
      var body = new URLSearchParams();
      body.set("text", source.value);
      fetch("/editor/preview", {
        method: "POST",
        headers: { "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded" },
        body: body.toString(),
        credentials: "same-origin"
      }).then(function (r) {
        if (!r.ok) { throw new Error(r.status); }
        return r.text();
      }).then(function (html) {
        // Only the newest answer counts: an older, slower one must not overwrite it.
        if (mine === sent) { target.innerHTML = html; target.removeAttribute("data-stale"); }
      }).catch(function () { target.setAttribute("data-stale", "1"); });
    }
    source.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(render, 250);
    });
  }

  document.querySelectorAll("[data-preview-source]").forEach(function (source) {
    var box = source.closest(".markdown-editor");
    var target = box && box.querySelector("[data-preview]");
    if (target) { livePreview(source, target); }
  });

  var category = document.querySelector("[data-category]");
  function showTopics() {
    var current = category.value;
    document.querySelectorAll("[data-topics-of]").forEach(function (group) {
      var mine = group.getAttribute("data-topics-of") === current;
      group.hidden = !mine;
      group.disabled = !mine;
      if (!mine) {
        group.querySelectorAll("input:checked").forEach(function (i) { i.checked = false; });
        group.querySelectorAll("option:checked").forEach(function (o) { o.selected = false; });
      }
    });
    var prefix = document.querySelector("[data-slug-prefix]");
    if (prefix) { prefix.textContent = (current || "…") + "/"; }
  }
  if (category) { category.addEventListener("change", showTopics); showTopics(); }

  document.querySelectorAll("[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  document.querySelectorAll("[data-goto-line]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var area = document.querySelector("[data-yaml]");
      if (!area) { return; }
      event.preventDefault();
      var line = parseInt(link.getAttribute("data-goto-line"), 10);
      var lines = area.value.split("\n");
      var start = lines.slice(0, line - 1).join("\n").length + (line > 1 ? 1 : 0);
      var end = start + (lines[line - 1] || "").length;
      area.focus();
      area.setSelectionRange(start, end);
      var lineHeight = area.scrollHeight / Math.max(lines.length, 1);
      area.scrollTop = Math.max(0, (line - 5) * lineHeight);
    });
  });

  // Leaving a form with unsaved changes loses them; ask first.
  document.querySelectorAll("[data-entry-form], .editor-form").forEach(function (form) {
    var dirty = false;
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("submit", function () { dirty = false; });
    window.addEventListener("beforeunload", function (event) {
      if (dirty) { event.preventDefault(); event.returnValue = ""; }
    });
  });
})();
