// Lets NHS.UK frontend styles know scripts run; kept in a file because the CSP forbids inline scripts.
document.documentElement.className += " js-enabled";
document.addEventListener("DOMContentLoaded", function () {
  document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
});
