// kennis: Material's "Was this page helpful?" widget, sent to the App's POST /feedback.
// After a thumbs-down the reader picks a reason and may add a comment; the reply names the owner.
(function () {
  "use strict";
  // The words come from the site's catalogue, written above this script by the build.
  var WORDS = (window.KENNIS_MESSAGES || {}).feedback || {};
  var REASONS = WORDS.reasons || [];

  function send(data, kind, comment, done) {
    var request = new XMLHttpRequest();
    request.open("POST", data.endpoint);
    request.setRequestHeader("Content-Type", "application/json");
    request.onload = function () {
      var answer = {};
      try { answer = JSON.parse(request.responseText); } catch (e) { answer = {}; }
      done(request.status === 202 ? (answer.message || WORDS.thanks) : (answer.error || WORDS.failed));
    };
    request.onerror = function () { done(WORDS.unsent); };
    request.send(JSON.stringify({ page: data.page, kind: kind, comment: comment }));
  }

  function say(note, text) {
    note.hidden = false;
    note.textContent = text;
  }

  function reasons(form, data, note) {
    var box = document.createElement("div");
    box.className = "kennis-feedback-reasons";
    REASONS.forEach(function (reason, index) {
      var label = document.createElement("label");
      var input = document.createElement("input");
      input.type = "radio"; input.name = "kennis-reason"; input.value = reason[0];
      input.checked = index === 0;
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + reason[1]));
      box.appendChild(label);
    });
    var comment = document.createElement("textarea");
    comment.name = "kennis-comment"; comment.maxLength = 2000;
    comment.placeholder = WORDS.comment;
    var button = document.createElement("button");
    button.type = "button"; button.className = "md-button"; button.textContent = WORDS.send;
    button.addEventListener("click", function () {
      var picked = box.querySelector("input:checked");
      button.disabled = true;
      send(data, picked ? picked.value : "not_helpful", comment.value, function (text) {
        box.remove();
        say(note, text);
      });
    });
    box.appendChild(comment);
    box.appendChild(button);
    // After the form, not in it: Material disables the form's fieldset once a rating is sent.
    form.parentNode.insertBefore(box, form.nextSibling);
  }

  function mount() {
    var form = document.forms.namedItem("feedback");
    var holder = document.querySelector("[data-kennis-feedback]");
    if (!form || !holder || !holder.dataset.endpoint) return;
    var data = holder.dataset;
    var fallback = document.querySelector(".kennis-feedback-fallback");
    if (fallback) fallback.hidden = true;
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = event.submitter ? event.submitter.getAttribute("data-md-value") : "1";
      form.firstElementChild.disabled = true;
      var note = form.querySelector(".md-feedback__note [data-md-value='" + value + "']");
      if (value === "1") {
        send(data, "helpful", "", function (text) { say(note, text); });
      } else {
        reasons(form, data, note);
      }
    });
  }

  if (typeof document$ !== "undefined") {
    document$.subscribe(mount);
  } else {
    document.addEventListener("DOMContentLoaded", mount);
  }
})();
