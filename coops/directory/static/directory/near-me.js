// "Near me" on the directory: asks the browser for its position, fills the hidden
// lat/lon fields and searches around it. Without JavaScript the button stays hidden
// and a town or postcode does the same.
(() => {
  const button = document.querySelector("[data-near-me]");
  if (!button || !("geolocation" in navigator)) return;
  const form = button.form;
  const status = document.getElementById("near-me-status");
  button.hidden = false;
  button.addEventListener("click", () => {
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(
      (position) => {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lon.value = position.coords.longitude.toFixed(5);
        form.elements.place.value = "";
        form.submit();
      },
      () => {
        button.disabled = false;
        if (status) status.textContent = button.dataset.error;
      },
      { timeout: 10000, maximumAge: 600000 },
    );
  });
})();
