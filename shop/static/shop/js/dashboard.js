/* Oscar's dashboard, without inline handlers or missing functions.
 * Loaded deferred: it runs after Oscar's dashboard scripts and before the
 * page's start-up code (DOMContentLoaded). */
(function () {
    "use strict";
    var orders = window.oscar && oscar.dashboard && oscar.dashboard.orders;
    // Oscar's order page still calls initTable, which its dashboard.js no longer has.
    if (orders && !orders.initTable) {
        orders.initTable = function () {};
    }

    // The image widget's preview, made here rather than sent without a picture (an img
    // needs a src): hidden until Oscar's script gives it the chosen file. It is made
    // before Oscar copies the last, empty slot for the next image.
    document.querySelectorAll(".image-input[data-preview-alt]").forEach(function (box) {
        var img = document.createElement("img");
        img.alt = box.getAttribute("data-preview-alt");
        img.hidden = true;
        img.setAttribute("data-image-preview", "");
        img.setAttribute("data-error", box.getAttribute("data-error"));
        box.insertBefore(img, box.firstChild);
    });

    // The upload button goes once the picture shows.
    function uploadButton(img) {
        var box = img.closest(".image-input");
        return box && box.querySelector("[id^='upload_button_']");
    }
    document.addEventListener("load", function (event) {
        var img = event.target;
        if (img.matches && img.matches("img[data-image-preview]")) {
            img.hidden = false;
            if (uploadButton(img)) {
                uploadButton(img).style.display = "none";
            }
        }
    }, true);
    document.addEventListener("error", function (event) {
        var img = event.target;
        if (img.matches && img.matches("img[data-image-preview]") && img.getAttribute("src")) {
            if (uploadButton(img)) {
                uploadButton(img).style.display = "";
            }
            img.hidden = true;
            window.alert(img.getAttribute("data-error"));
        }
    }, true);

    // An image slot's re-order button is enabled once it has a file (Oscar's script
    // takes away the class that greys it).
    document.addEventListener("change", function (event) {
        var slot = event.target.type === "file" && event.target.closest(".sortable-handle");
        var reorder = slot && slot.querySelector(".btn-reorder");
        if (reorder) {
            reorder.removeAttribute("aria-disabled");
            reorder.removeAttribute("tabindex");
        }
    });

    // The product list's picture viewer names the picture in its h2 (Oscar's script
    // fills an h4, a heading level the page does not have).
    document.addEventListener("click", function (event) {
        var thumb = event.target.closest && event.target.closest(".sub-image");
        var title = document.getElementById("product-image-modal-title");
        if (thumb && title) {
            title.textContent = thumb.querySelector("img").getAttribute("alt");
        }
    });

    // When the page has loaded (after this script), Oscar's start-up code has put a
    // "select all" checkbox in the first column's header, and made searchable
    // selects (Select2) whose box is named by the value chosen, so nothing when
    // empty: the checkbox gets a name, and each box its select's label.
    document.addEventListener("DOMContentLoaded", function () {
        document.querySelectorAll("input[name='select_all']").forEach(function (box) {
            box.setAttribute("aria-label", box.getAttribute("aria-label") || "Select all");
        });
        document.querySelectorAll("select.select2-hidden-accessible").forEach(function (select) {
            var label = select.labels && select.labels[0];
            var next = select.nextElementSibling;
            if (!label || !next) {
                return;
            }
            label.id = label.id || select.id + "_label";
            // The box, and the read-only text inside it that shows the value.
            next.querySelectorAll("[role='combobox'], [role='textbox']").forEach(function (box) {
                box.setAttribute("aria-labelledby", label.id);
            });
        });
    });
})();
