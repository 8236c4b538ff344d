// The worker's page: fill the position from the phone's location, share it while
// online (at most once a minute), and count down the time left to answer an offer.
// Without JavaScript the page works the same, with the position typed by hand. The
// dispatch page loads it too, for the countdowns of the offers waiting for an answer.
(() => {
  const SHARE_EVERY_MS = 60000;

  function csrfToken() {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function fill(form, coords) {
    form.querySelector("input[name=lat]").value = coords.latitude.toFixed(6);
    form.querySelector("input[name=lon]").value = coords.longitude.toFixed(6);
  }

  function setupFill() {
    if (!("geolocation" in navigator)) return;
    document.querySelectorAll("[data-geo-form]").forEach((form) => {
      const button = form.querySelector("[data-geo-fill]");
      if (!button) return;
      button.hidden = false;
      button.addEventListener("click", () => {
        navigator.geolocation.getCurrentPosition(
          (position) => fill(form, position.coords),
          () => { button.disabled = true; },
          { enableHighAccuracy: true, timeout: 15000 },
        );
      });
    });
  }

  function setupSharing() {
    const section = document.querySelector("[data-position-url]");
    if (!section || !("geolocation" in navigator)) return;
    const url = section.dataset.positionUrl;
    const status = section.querySelector("[data-geo-status]");
    let lastSent = 0;
    navigator.geolocation.watchPosition(
      (position) => {
        const now = Date.now();
        if (now - lastSent < SHARE_EVERY_MS) return;
        lastSent = now;
        fetch(url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
          body: JSON.stringify({ lat: position.coords.latitude, lon: position.coords.longitude }),
        }).then((response) => {
          if (status) status.textContent = response.ok ? "✓" : "";
        }).catch(() => {});
      },
      () => {},
      { enableHighAccuracy: true, maximumAge: 30000 },
    );
  }

  function tick() {
    document.querySelectorAll("[data-expires]").forEach((el) => {
      const left = Math.max(0, Math.round((Date.parse(el.dataset.expires) - Date.now()) / 1000));
      const minutes = Math.floor(left / 60);
      const seconds = String(left % 60).padStart(2, "0");
      el.textContent = `${minutes}:${seconds}`;
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setupFill();
    setupSharing();
    tick();
    setInterval(tick, 1000);
  });
})();
