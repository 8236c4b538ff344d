// The directory's maps, with Leaflet (coops/static/vendor/leaflet, from npm).
// - [data-directory-map]: the map of a search (and the embedded widget). After each move
//   it asks the server for the visible box: clusters (a count per grid cell; activating
//   one zooms in) or points (a marker per place, its popup links to the actor's page).
//   The view is kept in the address (#zoom/lat/lon) so it can be shared.
// - [data-actor-map]: one marker on an actor's page.
// Everything comes from data- attributes (strict CSP: no inline script). Without
// JavaScript the containers keep their message and their link to the list.
(() => {
  if (!window.L) return;
  const MAX_ZOOM = 19;

  function addTiles(map, data) {
    L.tileLayer(data.tiles, {
      attribution: data.attribution,
      maxZoom: MAX_ZOOM,
      // The site's own policy (same-origin) would send no Referer: tile servers want one.
      referrerPolicy: "strict-origin-when-cross-origin",
    }).addTo(map);
  }

  function actorMap(container) {
    const data = container.dataset;
    const position = [Number(data.lat), Number(data.lon)];
    const map = L.map(container, { scrollWheelZoom: false }).setView(position, 15);
    addTiles(map, data);
    L.marker(position, { title: data.name, alt: data.name, keyboard: false }).addTo(map);
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function searchMap(container) {
    const data = container.dataset;
    const status = document.getElementById(data.status);
    const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
    const say = (text) => { if (status) status.textContent = text; };
    const fill = (template, n) => template.replace("{n}", numbers.format(n));

    container.querySelector(".map-fallback")?.remove();
    const map = L.map(container, { maxZoom: MAX_ZOOM, scrollWheelZoom: !data.target });
    addTiles(map, data);
    const layer = L.layerGroup().addTo(map);

    const hash = /^#(\d{1,2})\/(-?[\d.]+)\/(-?[\d.]+)$/.exec(window.location.hash);
    if (hash) {
      map.setView([Number(hash[2]), Number(hash[3])], Number(hash[1]));
    } else {
      const [south, west, north, east] = data.bounds.split(",").map(Number);
      map.fitBounds([[south, west], [north, east]], { maxZoom: 14, padding: [16, 16] });
    }
    if (data.circle) {
      const [lat, lon, km] = data.circle.split(",").map(Number);
      L.circle([lat, lon], { radius: km * 1000, fill: false, interactive: false }).addTo(map);
    }

    function link(slug, name) {
      const anchor = element("a", "", name);
      anchor.href = data.actorUrl.replace("__slug__", encodeURIComponent(slug));
      if (data.target) {
        anchor.target = data.target;
        anchor.rel = "noopener";
      }
      return anchor;
    }

    function popup(actors, sectors) {
      const box = element(actors.length > 1 ? "ul" : "div", "map-popup");
      for (const [, , name, slug, city, ids] of actors) {
        const item = element(actors.length > 1 ? "li" : "div");
        const title = element("strong");
        title.append(link(slug, name));
        item.append(title);
        const labels = ids.map((id) => sectors[id]).filter(Boolean).join(" · ");
        for (const line of [city, labels]) if (line) item.append(element("span", "meta", line));
        box.append(item);
      }
      return box;
    }

    // Actors at the very same place share a marker whose popup lists them all.
    function drawPoints(points, sectors) {
      const places = new Map();
      for (const point of points) {
        const key = `${point[0]},${point[1]}`;
        if (!places.has(key)) places.set(key, []);
        places.get(key).push(point);
      }
      for (const actors of places.values()) {
        const names = actors.map((actor) => actor[2]).join(", ");
        L.marker([actors[0][0], actors[0][1]], { title: names, alt: names })
          .bindPopup(() => popup(actors, sectors), { maxHeight: 260 })
          .addTo(layer);
      }
    }

    function openCluster(lat, lon, count) {
      if (map.getZoom() < map.getMaxZoom()) {
        map.setView([lat, lon], Math.min(map.getZoom() + 2, map.getMaxZoom()));
        return;
      }
      // As close as the map goes: the list of the actors around this place instead.
      const url = new URL(data.listUrl, window.location.href);
      url.searchParams.delete("place");
      url.searchParams.set("lat", lat.toFixed(5));
      url.searchParams.set("lon", lon.toFixed(5));
      url.searchParams.set("radius", "1");
      const anchor = element("a", "", data.seeList);
      anchor.href = url.href;
      if (data.target) {
        anchor.target = data.target;
        anchor.rel = "noopener";
      }
      const box = element("div", "map-popup");
      const here = count === 1 ? data.hereOne : fill(data.here, count);
      box.append(element("strong", "", here), element("br"), anchor);
      L.popup().setLatLng([lat, lon]).setContent(box).openOn(map);
    }

    function drawClusters(clusters) {
      for (const [lat, lon, count] of clusters) {
        const size = count < 10 ? "s" : count < 100 ? "m" : count < 1000 ? "l" : "xl";
        const pixels = { s: 32, m: 38, l: 46, xl: 54 }[size];
        const label = count === 1 ? data.clusterOne : fill(data.cluster, count);
        const marker = L.marker([lat, lon], {
          icon: L.divIcon({
            className: `map-cluster map-cluster-${size}`,
            html: `<span aria-hidden="true">${numbers.format(count)}</span>`,
            iconSize: [pixels, pixels],
          }),
          title: label,
        });
        marker.on("click", () => openCluster(lat, lon, count));
        marker.on("keypress", (event) => {
          if (event.originalEvent.key === "Enter" || event.originalEvent.key === " ") {
            event.originalEvent.preventDefault();
            openCluster(lat, lon, count);
          }
        });
        marker.addTo(layer);
        marker.getElement()?.setAttribute("aria-label", label);
      }
    }

    let controller = null;
    let timer = null;
    async function load() {
      controller?.abort();
      const mine = new AbortController();
      controller = mine;
      const bounds = map.getBounds();
      const clamp = (value, limit) => Math.max(-limit, Math.min(limit, value)).toFixed(5);
      const bbox = [
        clamp(bounds.getWest(), 180),
        clamp(bounds.getSouth(), 90),
        clamp(bounds.getEast(), 180),
        clamp(bounds.getNorth(), 90),
      ].join(",");
      const url = new URL(data.url, window.location.href);
      url.searchParams.set("bbox", bbox);
      url.searchParams.set("zoom", String(map.getZoom()));
      container.setAttribute("aria-busy", "true");
      try {
        const response = await fetch(url, {
          signal: mine.signal,
          headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const result = await response.json();
        layer.clearLayers();
        drawClusters(result.clusters);
        drawPoints(result.points, result.sectors);
        const total = result.total;
        say(total === 0 ? data.none : total === 1 ? data.one : fill(data.many, total));
      } catch (error) {
        if (error.name !== "AbortError") say(data.error);
      } finally {
        if (controller === mine) container.removeAttribute("aria-busy");
      }
    }

    map.on("moveend", () => {
      const center = map.getCenter();
      const view = `#${map.getZoom()}/${center.lat.toFixed(5)}/${center.lng.toFixed(5)}`;
      window.history.replaceState(null, "", view);
      clearTimeout(timer);
      timer = setTimeout(load, 150);
    });
    load();
  }

  document.querySelectorAll("[data-actor-map]").forEach(actorMap);
  document.querySelectorAll("[data-directory-map]").forEach(searchMap);
})();
