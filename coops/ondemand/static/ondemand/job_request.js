// The job request form's map (Leaflet): place the pickup and the drop-off by clicking
// the map or dragging the pins, or use the browser's position as the pickup. The pins
// fill hidden lat/lon fields and ask for a new quote (the form's htmx "change").
// Everything comes from data- attributes (strict CSP). Without JavaScript the
// addresses are geocoded from the text.
(() => {
  const container = document.querySelector("[data-job-map]");
  const tools = document.querySelector("[data-job-map-tools]");
  if (!container || !tools || !window.L) return;
  const form = container.closest("form");
  const status = document.getElementById("job-map-status");
  const data = container.dataset;
  const pins = {};
  let active = null;

  container.hidden = false;
  tools.hidden = false;
  const map = L.map(container, { scrollWheelZoom: false }).setView(
    [Number(data.lat), Number(data.lon)], Number(data.zoom),
  );
  L.tileLayer(data.tiles, {
    attribution: data.attribution,
    maxZoom: 19,
    referrerPolicy: "strict-origin-when-cross-origin",
  }).addTo(map);

  function changed(input) {
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function fill(which, latlng) {
    form.elements[`${which}_lat`].value = latlng.lat.toFixed(6);
    form.elements[`${which}_lon`].value = latlng.lng.toFixed(6);
    changed(form.elements[`${which}_lat`]);
  }

  function place(which, latlng) {
    if (!pins[which]) {
      const label = which === "pickup" ? data.pickupLabel : data.dropoffLabel;
      pins[which] = L.marker(latlng, { draggable: true, title: label, alt: label }).addTo(map);
      pins[which].on("dragend", () => fill(which, pins[which].getLatLng()));
    } else {
      pins[which].setLatLng(latlng);
    }
    fill(which, latlng);
  }

  function clear(which) {
    if (pins[which]) { map.removeLayer(pins[which]); delete pins[which]; }
    form.elements[`${which}_lat`].value = "";
    form.elements[`${which}_lon`].value = "";
  }

  for (const which of ["pickup", "dropoff"]) {
    const lat = form.elements[`${which}_lat`].value;
    const lon = form.elements[`${which}_lon`].value;
    if (lat && lon) place(which, L.latLng(Number(lat), Number(lon)));
    // A new address typed replaces the pin placed before.
    form.elements[`${which}_address`].addEventListener("input", () => clear(which));
  }

  tools.querySelectorAll("[data-pin]").forEach((button) => {
    button.addEventListener("click", () => {
      active = button.dataset.pin;
      tools.querySelectorAll("[data-pin]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
      if (status) status.textContent = button.textContent;
    });
  });
  map.on("click", (event) => { if (active) place(active, event.latlng); });

  const locate = tools.querySelector("[data-locate]");
  if (locate && "geolocation" in navigator) {
    locate.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition(
        (position) => {
          const latlng = L.latLng(position.coords.latitude, position.coords.longitude);
          place("pickup", latlng);
          map.setView(latlng, 15);
        },
        () => { if (status) status.textContent = locate.dataset.error; },
        { timeout: 10000, maximumAge: 600000 },
      );
    });
  } else if (locate) {
    locate.hidden = true;
  }

  // A service happens at one address: no drop-off.
  const dropoff = form.querySelector("[data-dropoff]");
  function kindChanged() {
    const kind = form.querySelector("input[name=kind]:checked");
    const service = kind && kind.value === "service";
    if (dropoff) dropoff.hidden = service;
    tools.querySelector("[data-pin=dropoff]").hidden = service;
  }
  form.querySelectorAll("input[name=kind]").forEach((input) => input.addEventListener("change", kindChanged));
  kindChanged();
})();
