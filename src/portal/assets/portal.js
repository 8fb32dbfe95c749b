// Portico member portal: small enhancements over forms that work without this script.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // After a failed save, take keyboard and screen-reader focus to the error summary.
  var summary = document.querySelector("[data-focus='true']");
  if (summary) { summary.focus(); }
  // A live, rough strength hint for a new password; the server's policy is what decides.
  document.querySelectorAll("input[data-strength]").forEach(function (input) {
    var hint = document.createElement("p");
    hint.className = "strength";
    hint.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", hint);
    input.addEventListener("input", function () {
      var value = input.value, kinds = 0;
      [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].forEach(function (re) { if (re.test(value)) { kinds++; } });
      var words = ["", "Weak", "Fair", "Good", "Strong"];
      var score = value.length === 0 ? 0 : Math.min(4, Math.floor(value.length / 6) + (kinds > 2 ? 1 : 0));
      hint.textContent = score ? "Strength: " + words[Math.max(1, score)] : "";
    });
  });
});
