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

    // The image widget's preview: the upload button goes once the picture shows.
    function uploadButton(img) {
        var box = img.closest(".image-input");
        return box && box.querySelector("[id^='upload_button_']");
    }
    document.addEventListener("load", function (event) {
        var img = event.target;
        if (img.matches && img.matches("img[data-image-preview]") && uploadButton(img)) {
            uploadButton(img).style.display = "none";
        }
    }, true);
    document.addEventListener("error", function (event) {
        var img = event.target;
        if (img.matches && img.matches("img[data-image-preview]") && img.getAttribute("src")) {
            if (uploadButton(img)) {
                uploadButton(img).style.display = "";
            }
            window.alert(img.getAttribute("data-error"));
        }
    }, true);
})();
