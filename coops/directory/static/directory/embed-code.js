// "Copy the code" on the embed page: copies the <iframe> code to the clipboard, or
// selects it when the browser refuses. Without JavaScript the button stays hidden and
// the code can be selected by hand.
(() => {
  const button = document.querySelector("[data-copy]");
  const code = button && document.getElementById(button.dataset.copy);
  if (!code) return;
  const status = document.getElementById("embed-copy-status");
  button.hidden = false;
  code.addEventListener("focus", () => code.select());
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(code.value);
      status.textContent = button.dataset.copied;
    } catch {
      code.focus();
      code.select();
      status.textContent = button.dataset.failed;
    }
  });
})();
