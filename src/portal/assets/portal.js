// Portico member portal: small enhancements over forms that work without this script.
"use strict";

// The page's words for what this script writes, in the page's language (`data-words` on
// the body); English if a page has none.
var words = (function () {
  var fallback = { preview: "Preview the bio", strength: "Strength:", weak: "Weak", fair: "Fair", good: "Good",
    strong: "Strong", tags: "Your tags", addTag: "Add a tag", addTagHint: "Add a tag (press Enter)",
    removeTag: "Remove tag", findCountry: "Type to find a country", findCountryFor: "Find a country for",
    conflict: "Your profile was changed elsewhere since this page was loaded, so nothing was saved. What you typed is still here.",
    reload: "Reload the page" };
  try { return Object.assign(fallback, JSON.parse(document.body.getAttribute("data-words") || "{}")); }
  catch (e) { return fallback; }
})();

function focusOutcome(root) {
  var target = root.querySelector("[data-focus='true']") || root.querySelector(".saved");
  if (target) {
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  }
}

// A live, rough strength hint for a new password; the location's policy, checked by the
// server, is what decides.
function strengthHints(root) {
  root.querySelectorAll("input[data-strength]").forEach(function (input) {
    var hint = document.createElement("p");
    hint.className = "strength";
    hint.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", hint);
    input.addEventListener("input", function () {
      var value = input.value, kinds = 0;
      [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].forEach(function (re) { if (re.test(value)) { kinds++; } });
      var levels = ["", words.weak, words.fair, words.good, words.strong];
      var score = value.length === 0 ? 0 : Math.min(4, Math.floor(value.length / 6) + (kinds > 2 ? 1 : 0));
      hint.textContent = score ? words.strength + " " + levels[Math.max(1, score)] : "";
    });
  });
}

// The bio's preview, rendered and sanitised by the server exactly as the directory shows it.
function bioPreview(root) {
  var bio = root.querySelector("textarea[name='ProfileSummary']");
  if (!bio) { return; }
  var form = bio.form;
  var button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = words.preview;
  var preview = document.createElement("div");
  preview.className = "bio preview";
  preview.id = "bio-preview";
  preview.setAttribute("aria-live", "polite");
  bio.insertAdjacentElement("afterend", preview);
  bio.insertAdjacentElement("afterend", button);
  button.addEventListener("click", function () {
    var body = new URLSearchParams();
    body.append("_csrf", form.querySelector("input[name='_csrf']").value);
    body.append("ProfileSummary", bio.value);
    fetch("/profile/preview", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) { preview.innerHTML = html; });
  });
}

// Saves a section without reloading the page: the server's answer (the profile page after
// the save, or the page with the errors) replaces only that section, and every other form
// takes the new version so it is not refused as stale.
function saveInPlace(form) {
  if (form.hasAttribute("data-whole-page")) { return; }
  form.addEventListener("submit", function (event) {
    var section = form.closest("section");
    if (!section || !window.fetch || !window.DOMParser) { return; }
    event.preventDefault();
    // A second button (Draft with AI) posts the same form elsewhere. Only a button with its
    // own formaction: without one, formAction is the page's address, not the form's.
    var submitter = event.submitter;
    var action = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
    fetch(action, { method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin" })
      .then(function (response) { return response.text().then(function (html) { return [response, html]; }); })
      .then(function (answer) {
        if (answer[0].status === 412) { offerReload(section); return; }
        var page = new DOMParser().parseFromString(answer[1], "text/html");
        var fresh = page.getElementById(section.id);
        if (!fresh) { document.open(); document.write(answer[1]); document.close(); return; }
        section.replaceWith(fresh);
        var version = fresh.querySelector("input[name='_version']");
        if (version && answer[0].ok) {
          document.querySelectorAll("input[name='_version']").forEach(function (input) { input.value = version.value; });
        }
        enhance(fresh);
        focusOutcome(fresh);
      })
      .catch(function () { form.submit(); });
  });
}

// A tag editor over the comma-separated tags input, which stays the value the form sends:
// each tag a chip with a remove button, a field that adds a tag on Enter or comma.
function tagEditor(root) {
  var input = root.querySelector("input[name='ProfileTags']");
  if (!input) { return; }
  var editor = document.createElement("div");
  editor.className = "tags-editor";
  var chips = document.createElement("ul");
  chips.className = "chips";
  chips.setAttribute("aria-label", words.tags);
  var adder = document.createElement("input");
  adder.type = "text";
  adder.id = input.id + "-add";
  adder.setAttribute("aria-label", words.addTagHint);
  adder.placeholder = words.addTag;
  editor.appendChild(chips);
  editor.appendChild(adder);
  input.type = "hidden";
  input.insertAdjacentElement("afterend", editor);
  function tags() {
    return input.value.split(",").map(function (t) { return t.trim(); }).filter(function (t) { return t; });
  }
  function draw() {
    chips.textContent = "";
    tags().forEach(function (tag, index) {
      var chip = document.createElement("li");
      chip.textContent = tag + " ";
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "chip-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", words.removeTag + " " + tag);
      remove.addEventListener("click", function () {
        var rest = tags();
        rest.splice(index, 1);
        input.value = rest.join(", ");
        draw();
        adder.focus();
      });
      chip.appendChild(remove);
      chips.appendChild(chip);
    });
  }
  function add() {
    var tag = adder.value.replace(/,/g, " ").trim();
    var known = tags();
    var lower = known.map(function (t) { return t.toLowerCase(); });
    if (tag && lower.indexOf(tag.toLowerCase()) < 0) { known.push(tag); input.value = known.join(", "); }
    adder.value = "";
    draw();
  }
  adder.addEventListener("keydown", function (event) {
    if (event.key === "Enter" || event.key === ",") { event.preventDefault(); add(); }
  });
  adder.addEventListener("blur", function () { if (adder.value.trim()) { add(); } });
  draw();
}

// Live checks of what the browser can tell on its own (an e-mail's or a web address's
// shape) as the member leaves a field; the server's rules still decide on save.
function liveChecks(root) {
  root.querySelectorAll("section input[type=email], section input[type=url]").forEach(function (input) {
    var note = document.createElement("p");
    note.className = "error live";
    note.id = input.id + "-live";
    note.hidden = true;
    input.insertAdjacentElement("beforebegin", note);
    input.addEventListener("blur", function () {
      var bad = input.value !== "" && !input.validity.valid;
      note.hidden = !bad;
      note.textContent = bad ? input.validationMessage : "";
      if (bad) {
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", note.id);
      } else if (!document.getElementById(input.id + "-error")) {
        input.removeAttribute("aria-invalid");
        input.removeAttribute("aria-describedby");
      }
    });
  });
}

// The country pickers: a filter field over each country select, matching the names and
// ISO codes of /api/public/countries (the list the API documents), so "fr" or "fra" finds
// France. The select stays what the form sends.
function countryPickers(root) {
  var selects = root.querySelectorAll("select[name='CountryId'], select[name='BillingCountryId']");
  if (!selects.length) { return; }
  fetch("/api/public/countries", { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (list) {
      var codes = {};
      list.Countries.forEach(function (c) { codes[String(c.Id)] = (c.Name + " " + c.TwoDigitsCode).toLowerCase(); });
      selects.forEach(function (select) {
        var filter = document.createElement("input");
        filter.type = "search";
        filter.id = select.id + "-filter";
        filter.className = "country-filter";
        filter.placeholder = words.findCountry;
        filter.setAttribute("aria-label", words.findCountryFor + " " + select.labels[0].textContent);
        select.insertAdjacentElement("beforebegin", filter);
        filter.addEventListener("input", function () {
          var wanted = filter.value.trim().toLowerCase();
          var first = null;
          Array.prototype.forEach.call(select.options, function (option) {
            var text = codes[option.value] || "";
            var shown = !wanted || option.value === "" || text.indexOf(wanted) >= 0;
            option.hidden = !shown;
            if (shown && option.value !== "" && !first) { first = option; }
          });
          if (wanted && first) { select.value = first.value; }
        });
      });
    })
    .catch(function () { /* the plain select still works */ });
}

// The profile changed elsewhere since the page was loaded: nothing was saved; say so in
// the section, keep what was typed, and offer to reload.
function offerReload(section) {
  var old = section.querySelector(".conflict");
  if (old) { old.remove(); }
  var note = document.createElement("div");
  note.className = "summary conflict";
  note.setAttribute("role", "alert");
  note.setAttribute("tabindex", "-1");
  var text = document.createElement("p");
  text.textContent = words.conflict;
  var reload = document.createElement("button");
  reload.type = "button";
  reload.textContent = words.reload;
  reload.addEventListener("click", function () { window.location.href = "/profile#" + section.id; window.location.reload(); });
  note.appendChild(text);
  note.appendChild(reload);
  var heading = section.querySelector("summary") || section.querySelector("h2");
  heading.insertAdjacentElement("afterend", note);
  note.focus();
}

// The profile's sections fold on a phone: there they start folded, but for the one the
// address names and any with news (saved, refused); a link of the section list opens its
// section. On a wide screen every section stays open beside the sticky list.
function foldingSections(root) {
  var sections = root.querySelectorAll("section.card > details");
  if (!sections.length) { return; }
  var narrow = window.matchMedia && window.matchMedia("(max-width: 59.99rem)").matches;
  sections.forEach(function (details) {
    var section = details.parentElement;
    var named = window.location.hash === "#" + section.id;
    var news = details.querySelector(".saved, .summary, .has-error");
    if (narrow && !named && !news) { details.open = false; }
  });
  root.querySelectorAll("nav.contents a").forEach(function (link) {
    link.addEventListener("click", function () {
      var target = document.getElementById(link.hash.slice(1));
      var details = target && target.querySelector("details");
      if (details) { details.open = true; }
    });
  });
}

function openTarget() {
  var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
  var details = target && (target.querySelector("details") || target.closest("details"));
  if (details) { details.open = true; }
}

function enhance(root) {
  strengthHints(root);
  countryPickers(root);
  liveChecks(root);
  tagEditor(root);
  bioPreview(root);
  root.querySelectorAll("section form").forEach(saveInPlace);
  if (root.matches && root.matches("section")) { root.querySelectorAll("form").forEach(saveInPlace); }
}

document.addEventListener("DOMContentLoaded", function () {
  enhance(document);
  foldingSections(document);
  focusOutcome(document);
});
window.addEventListener("hashchange", openTarget);
