// Comment form helpers: answer a comment where it stands, and fill in the
// commenter's saved details (kept in a cookie only when they asked for it).
(function () {
    "use strict";
    var respond = document.getElementById("respond");
    if (!respond) { return; }
    var form = respond.querySelector("form");
    var parentInput = document.getElementById("comment-parent");
    var title = document.getElementById("reply-title");
    var cancel = document.getElementById("cancel-comment-reply-link");
    var home = document.createElement("div");
    respond.parentNode.insertBefore(home, respond);
    var defaultTitle = title.firstChild.textContent;

    function setTitle(text) { title.firstChild.textContent = text + " "; }

    document.addEventListener("click", function (event) {
        var link = event.target.closest(".comment-reply-link");
        if (!link) { return; }
        event.preventDefault();
        link.closest(".comment__inner").after(respond);
        parentInput.value = link.dataset.commentId;
        setTitle("Reply to " + link.dataset.author);
        cancel.classList.remove("d-none");
        form.querySelector("textarea").focus();
    });

    cancel.addEventListener("click", function (event) {
        event.preventDefault();
        home.after(respond);
        parentInput.value = "";
        setTitle(defaultTitle.trim());
        cancel.classList.add("d-none");
    });

    var saved = document.cookie.split("; ").find(function (c) { return c.indexOf("comment_author=") === 0; });
    if (saved) {
        var details = new URLSearchParams(decodeURIComponent(saved.slice("comment_author=".length)));
        [["name", "name"], ["email", "email"], ["url", "website"]].forEach(function (pair) {
            var input = form.elements[pair[1]];
            if (input && !input.value && details.get(pair[0])) { input.value = details.get(pair[0]); }
        });
        form.elements.remember.checked = true;
    }
}());
