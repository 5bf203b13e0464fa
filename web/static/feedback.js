/* Spravka answer pages: «Был ли ответ полезен?» votes and the comment. Posts through
   SpravkaApi.postJSON (site.js, loaded before it on every page). */
(function () {
  "use strict";

  var api = window.SpravkaApi;

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
    api.postJSON("/api/feedback", { entry_id: this.entryId, helpful: helpful, comment: comment })
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

  var feedback = document.querySelector("[data-feedback]");
  if (feedback && api) new Feedback(feedback);  // without site.js the vote stays hidden
})();
