// The "Print" button of the reports: shown only when JavaScript runs (the browser's
// own print command works without it).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
