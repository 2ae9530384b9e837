// The all-restaurants map (portal/map/): fills the folium map's cluster layer
// with one circle marker per restaurant, coloured by stage, each opening a
// popup that names the restaurant and its stage and links to its page.
// Names come from the platform: they are set as text, never as HTML.
(function () {
  "use strict";

  // A row is [latitude, longitude, stage, id, name, location]; the id is the
  // GUID as the database keeps it (32 hex digits, or dashed), dashed here for
  // the restaurant's address.
  function guid(row) {
    return String(row[3]).replace(/-/g, "")
      .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
  }

  function label(row) {
    return [row[4], row[5]].filter(Boolean).join(" \u2013 ") || "Restaurant " + guid(row);
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function popup(row, stages) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/restaurants/" + encodeURIComponent(guid(row)) + "/";
    link.target = "_top";
    link.textContent = label(row);
    var stage = document.createElement("div");
    stage.textContent = "Stage: " + (stages[row[2]] || [row[2]])[0];
    box.appendChild(link);
    box.appendChild(stage);
    return box;
  }

  window.portalRestaurantsMap = function (map, cluster, url) {
    fetch(url, { credentials: "same-origin" })
      .then(function (answer) {
        if (!answer.ok) throw new Error("markers: HTTP " + answer.status);
        return answer.json();
      })
      .then(function (data) {
        var markers = data.restaurants.map(function (row) {
          var colour = (data.stages[row[2]] || [null, "#3b7dd8"])[1];
          var marker = L.circleMarker([row[0], row[1]], {
            radius: 7, weight: 2, color: "#ffffff", fillColor: colour, fillOpacity: 0.95,
          });
          marker.bindPopup(function () { return popup(row, data.stages); });
          // Leaflet puts a string into the tooltip as HTML: a node keeps it text.
          marker.bindTooltip(function () { return text(label(row)); });
          return marker;
        });
        cluster.addLayers(markers);
        if (markers.length) map.fitBounds(cluster.getBounds(), { maxZoom: 12, padding: [20, 20] });
        document.body.setAttribute("data-markers", String(markers.length));
      })
      .catch(function (error) {
        document.body.setAttribute("data-markers", "error");
        console.warn(error);
      });
  };
})();
