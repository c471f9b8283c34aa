// The newsletter signup box, answered inline. Without JavaScript the form posts
// and the server answers with a page; with it, the same answer appears in place.
(function () {
  "use strict";

  function show(form, text, isError) {
    var box = form.querySelector("[data-newsletter-message]");
    box.textContent = text;
    box.classList.toggle("text-danger", Boolean(isError));
    box.classList.toggle("text-success", !isError);
  }

  function errorText(data) {
    if (data.message) {
      return data.message;
    }
    var messages = [];
    Object.keys(data.errors || {}).forEach(function (field) {
      messages = messages.concat(data.errors[field]);
    });
    return messages.join(" ") || "Something went wrong. Please try again.";
  }

  function submit(event) {
    var form = event.target;
    if (!form.matches("[data-newsletter-signup]") || !window.fetch) {
      return;
    }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (response.ok) {
            show(form, data.message, false);
            form.reset();
          } else {
            show(form, errorText(data), true);
          }
        });
      })
      .catch(function () {
        show(form, "We could not reach the server. Please try again.", true);
      })
      .then(function () {
        button.disabled = false;
      });
  }

  document.addEventListener("submit", submit);
})();
