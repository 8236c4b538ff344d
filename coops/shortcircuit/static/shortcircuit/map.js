// The hub's map on the short-circuit index (Leaflet, coops/static/vendor/leaflet):
// producers and pickup points from the page's JSON endpoint ([lat, lng, name, detail]
// rows). Also fills the "near me" form with the browser's position on request.
// Everything comes from data- attributes (strict CSP: no inline script); without
// JavaScript the list of pickup points above does the job.
(() => {
  function nearMe() {
    const form = document.querySelector("[data-near-form]");
    const button = form && form.querySelector("[data-locate]");
    if (!button || !navigator.geolocation) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.geolocation.getCurrentPosition((position) => {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lng.value = position.coords.longitude.toFixed(5);
        form.elements.place.value = "";
        form.submit();
      });
    });
  }

  function hubMap(container) {
    const data = container.dataset;
    fetch(data.url, { headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((payload) => {
        const rows = [
          ...payload.producers.map((row) => [...row, data.producerLabel, "sc-producer"]),
          ...payload.points.map((row) => [...row, data.pointLabel, "sc-point"]),
        ];
        if (!rows.length) return;
        container.querySelector(".map-fallback")?.remove();
        const map = L.map(container, { scrollWheelZoom: false });
        L.tileLayer(data.tiles, {
          attribution: data.attribution,
          maxZoom: 19,
          referrerPolicy: "strict-origin-when-cross-origin",
        }).addTo(map);
        const bounds = [];
        for (const [lat, lng, name, detail, kind, className] of rows) {
          const marker = L.circleMarker([lat, lng], { radius: 8, className }).addTo(map);
          const popup = document.createElement("div");
          const title = document.createElement("strong");
          title.textContent = name;
          popup.append(title, document.createElement("br"), `${kind}${detail ? " · " + detail : ""}`);
          marker.bindPopup(popup);
          bounds.push([lat, lng]);
        }
        map.fitBounds(bounds, { maxZoom: 14, padding: [24, 24] });
      })
      .catch(() => {});
  }

  nearMe();
  if (!window.L) return;
  document.querySelectorAll("[data-sc-map]").forEach(hubMap);
})();
