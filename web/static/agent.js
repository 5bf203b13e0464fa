// Agent workspace: «Вставить в ответ» puts a help-center answer or a saved reply into the
// reply box in one click. Without JavaScript the texts stay visible to copy by hand.
(function () {
  "use strict";

  function insert(box, text) {
    var start = box.selectionStart || 0;
    var end = box.selectionEnd || 0;
    var before = box.value.slice(0, start);
    var after = box.value.slice(end);
    var gapBefore = before && !/\n\n$/.test(before) ? (/\n$/.test(before) ? "\n" : "\n\n") : "";
    var gapAfter = after && !/^\n/.test(after) ? "\n\n" : "";
    var piece = gapBefore + text.replace(/\s+$/, "") + gapAfter;
    box.value = before + piece + after;
    var caret = (before + piece).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert]");
    if (!button) return;
    var box = document.getElementById("message-body");
    if (!box) return;
    event.preventDefault();
    insert(box, button.getAttribute("data-insert"));
  });
})();
