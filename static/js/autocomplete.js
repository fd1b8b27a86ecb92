// The picker of the code inputs (unions, regions, competitions, plans...): an input with
// data-autocomplete="<look-up address>" (apps.core.autocomplete.PickerInput) becomes an ARIA
// combobox. Typing part of a name or of a code asks the look-up (after a short pause); the
// suggestions are a listbox under the input, shown as "name（code）"; the arrow keys move in
// it, Enter or a click puts the record's code in the input (its id in the admin's raw-id
// inputs, data-autocomplete-fill="id"), Escape closes it. The value stays what the input
// always held: without this script it is the plain input it always was.
// Loaded as a file (the Content-Security-Policy allows no inline script), by base.html on
// every page and by the admin's form media: the guard below makes a second load a no-op.
(function () {
  "use strict";
  if (window.gonghuiPicker) { return; }
  var DELAY = 200; // ms of quiet typing before asking
  var serial = 0;

  // The words of the input's label (its first text: not the help or the errors inside it).
  function labelText(input) {
    var label = input.labels && input.labels.length ? input.labels[0] : null;
    if (!label) { return ""; }
    for (var node = label.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === Node.TEXT_NODE && node.textContent.trim()) {
        return node.textContent.replace(/[\s*:：]+$/, "").trim();
      }
    }
    return label.textContent.trim();
  }

  function Picker(input) {
    this.input = input;
    this.results = [];
    this.active = -1;
    this.timer = null;
    this.request = null;
    serial += 1;
    var base = input.id || ("picker-" + serial);
    // What the input takes of the chosen record: its code, or its id (the admin's raw-id inputs).
    this.fill = input.getAttribute("data-autocomplete-fill") || "code";
    // The list and the hint go after the <label> that wraps the input (on the pages), so
    // that they are not read as part of the input's name; in the admin, after the input and
    // its magnifier.
    var anchor = input.closest("label") || input;
    var next = anchor.nextElementSibling;
    if (next && next.classList.contains("related-lookup")) { anchor = next; }
    this.list = document.createElement("ul");
    this.list.id = base + "-listbox";
    this.list.className = "picker-list";
    this.list.setAttribute("role", "listbox");
    this.list.hidden = true;
    this.hint = document.createElement("small");
    this.hint.id = base + "-picker-hint";
    this.hint.className = "picker-hint";
    this.hint.setAttribute("role", "status");
    this.hint.setAttribute("aria-live", "polite");
    anchor.insertAdjacentElement("afterend", this.hint);
    anchor.insertAdjacentElement("afterend", this.list);
    var name = labelText(input);
    if (name) { this.list.setAttribute("aria-label", name); }
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + this.hint.id);
    input.setAttribute("autocomplete", "off");

    var self = this;
    this.follow = function () { self.place(); };
    input.addEventListener("input", function () { self.typed(); });
    input.addEventListener("keydown", function (event) { self.key(event); });
    input.addEventListener("blur", function () {
      window.clearTimeout(self.timer);
      self.close();
    });
    // a press on a suggestion keeps the focus in the input; the click then picks it
    this.list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    this.list.addEventListener("click", function (event) {
      var option = event.target.closest("[role=option]");
      if (option) { self.pick(Number(option.getAttribute("data-index"))); }
    });
    input.addEventListener("change", function () {
      // typed in by hand, or set by the admin's lookup window: name the record of a code
      if (input.value === self.chosen) { return; }
      self.hint.textContent = "";
      if (self.fill === "code" && input.value.trim()) { self.describe(input.value.trim()); }
    });
    this.chosen = input.value;
    var known = input.getAttribute("data-autocomplete-label");
    if (known) {
      this.hint.textContent = known;
    } else if (this.fill === "code" && input.value.trim()) {
      this.describe(input.value.trim());
    }
  }

  Picker.prototype.address = function (term) {
    var url = new URL(this.input.getAttribute("data-autocomplete"), window.location.href);
    url.searchParams.set("q", term);
    return url.toString();
  };

  Picker.prototype.ask = function (term, done) {
    if (this.request) { this.request.abort(); }
    var request = new AbortController();
    this.request = request;
    fetch(this.address(term), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: request.signal
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    }).then(function (body) {
      done(Array.isArray(body.results) ? body.results : []);
    }).catch(function () {
      if (!request.signal.aborted) { done(null); }
    });
  };

  Picker.prototype.typed = function () {
    var self = this;
    var term = this.input.value.trim();
    window.clearTimeout(this.timer);
    this.hint.textContent = "";
    this.chosen = null;
    if (!term) {
      if (this.request) { this.request.abort(); }
      this.close();
      return;
    }
    this.timer = window.setTimeout(function () {
      self.ask(term, function (results) {
        // typed on since (a newer answer comes), or gone to another field
        if (self.input.value.trim() !== term || document.activeElement !== self.input) { return; }
        self.show(results || []);
      });
    }, DELAY);
  };

  // The name of the record whose code is already in the input (a form opened for an edit).
  Picker.prototype.describe = function (code) {
    var self = this;
    this.ask(code, function (results) {
      var exact = (results || []).filter(function (r) { return r.code.toUpperCase() === code.toUpperCase(); })[0];
      if (exact && self.input.value.trim() === code) { self.hint.textContent = exact.label; }
    });
  };

  Picker.prototype.show = function (results) {
    var self = this;
    this.results = results;
    this.active = -1;
    this.list.textContent = "";
    results.forEach(function (result, index) {
      var option = document.createElement("li");
      option.id = self.list.id + "-" + index;
      option.className = "picker-option";
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-index", String(index));
      option.setAttribute("data-code", result.code);
      option.textContent = result.label;
      self.list.appendChild(option);
    });
    if (!results.length) {
      this.close();
      this.hint.textContent = this.input.getAttribute("data-autocomplete-none") || "";
      return;
    }
    var count = this.input.getAttribute("data-autocomplete-count") || "";
    this.hint.textContent = count.replace("%(count)s", String(results.length));
    this.open();
  };

  // Under the input, at least as wide as it, whatever the layout around it (the list is
  // fixed in the window, and follows the input when the page scrolls).
  Picker.prototype.place = function () {
    var box = this.input.getBoundingClientRect();
    this.list.style.left = box.left + "px";
    this.list.style.top = box.bottom + "px";
    this.list.style.minWidth = box.width + "px";
  };

  Picker.prototype.open = function () {
    this.place();
    if (this.list.hidden) {
      this.list.hidden = false;
      window.addEventListener("scroll", this.follow, true);
      window.addEventListener("resize", this.follow);
    }
    this.input.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    window.removeEventListener("scroll", this.follow, true);
    window.removeEventListener("resize", this.follow);
    this.list.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.active = -1;
  };

  Picker.prototype.isOpen = function () { return !this.list.hidden; };

  Picker.prototype.highlight = function (index) {
    var options = this.list.querySelectorAll("[role=option]");
    if (!options.length) { return; }
    index = (index + options.length) % options.length;
    for (var i = 0; i < options.length; i += 1) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
      options[i].classList.toggle("active", i === index);
    }
    this.active = index;
    this.input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  };

  Picker.prototype.pick = function (index) {
    var result = this.results[index];
    if (!result) { return; }
    window.clearTimeout(this.timer);
    this.input.value = String(result[this.fill]);
    this.chosen = this.input.value;
    this.close();
    this.hint.textContent = result.label;
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Picker.prototype.key = function (event) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (this.isOpen()) { this.highlight(this.active + 1); } else if (this.results.length) { this.open(); this.highlight(0); } else { this.typed(); }
        break;
      case "ArrowUp":
        event.preventDefault();
        if (this.isOpen()) { this.highlight(this.active - 1); } else if (this.results.length) { this.open(); this.highlight(this.results.length - 1); }
        break;
      case "Enter":
        // picking a suggestion does not submit the form; Enter without one does
        if (this.isOpen() && this.active >= 0) {
          event.preventDefault();
          this.pick(this.active);
        }
        break;
      case "Escape":
        if (this.isOpen()) {
          event.preventDefault();
          this.close();
          this.hint.textContent = "";
        }
        break;
      case "Tab":
        this.close();
        break;
      default:
        break;
    }
  };

  function setUp(input) {
    if (!input.pickerReady) {
      input.pickerReady = true;
      input.picker = new Picker(input);
    }
  }

  function setUpAll(root) {
    root.querySelectorAll("input[data-autocomplete]").forEach(setUp);
  }

  window.gonghuiPicker = { setUp: setUp };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUpAll(document); });
  } else {
    setUpAll(document);
  }
  // inputs added later (the admin's inline rows) are set up when they get the focus
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-autocomplete")) { setUp(target); }
  });
}());
