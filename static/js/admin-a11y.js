/* Accessible names for the admin's autocomplete fields (select2, which Django's admin
   ships): select2 hides the labelled <select> and shows a combobox named only by the
   current choice, which is empty until something is chosen. Each combobox here is named
   by the field's label and its choice; the read-only box showing a single choice and the
   search box of a multiple choice field by the label; and the "clear" cross that select2
   puts inside its <ul> moves next to it, so the list holds list items only. Runs again
   whenever select2 redraws or an inline row is added. Loaded on every admin page by
   templates/admin/base_site.html. */
(function () {
  "use strict";

  function labelFor(select) {
    if (!select.id) { return null; }
    var label = document.querySelector('label[for="' + select.id + '"]');
    if (label && !label.id) { label.id = select.id + "-label"; }
    return label;
  }

  function moveClear(selection) {
    // select2 redraws the <ul> on every change and puts a new cross in it (when
    // something is chosen): keep that one, outside the list, and drop any earlier one.
    var inside = selection.querySelector("ul.select2-selection__rendered > .select2-selection__clear");
    var chosen = selection.querySelector(".select2-selection__choice");
    Array.prototype.slice.call(selection.children).forEach(function (child) {
      if (child.classList.contains("select2-selection__clear") && (inside || !chosen)) {
        child.remove();
      }
    });
    if (inside) { selection.insertBefore(inside, selection.firstChild); }
  }

  function fix() {
    var selects = document.querySelectorAll("select.admin-autocomplete");
    Array.prototype.forEach.call(selects, function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) { return; }
      var label = labelFor(select);
      var combobox = container.querySelector(".select2-selection");
      if (label && combobox) {
        var rendered = container.querySelector(".select2-selection__rendered");
        var ids = label.id + (rendered && rendered.id ? " " + rendered.id : "");
        if (combobox.getAttribute("aria-labelledby") !== ids) {
          combobox.setAttribute("aria-labelledby", ids);
        }
        // A single choice is shown in a read-only "textbox" of its own: name it too.
        if (rendered && rendered.getAttribute("role") === "textbox" &&
            rendered.getAttribute("aria-labelledby") !== label.id) {
          rendered.setAttribute("aria-labelledby", label.id);
        }
      }
      var search = container.querySelector(".select2-search--inline .select2-search__field");
      if (label && search && search.getAttribute("aria-labelledby") !== label.id) {
        search.setAttribute("aria-labelledby", label.id);
      }
      var multiple = container.querySelector(".select2-selection--multiple");
      if (multiple) { moveClear(multiple); }
    });
  }

  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; fix(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    fix();
    new MutationObserver(schedule).observe(document.body, { childList: true, subtree: true });
  });
})();
