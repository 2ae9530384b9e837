// The onboarding board: drag a card onto another column, or submit its Move form,
// and the server decides (stages.check). Without JavaScript the forms post and
// the page reloads; with it they post in the background and the card moves, or
// says why it cannot. "Show more" appends a column's next cards.
(function () {
  var status = document.getElementById("board-status");
  var dragged = null;

  function say(text, refused) {
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("refused", Boolean(refused));
  }

  function columnOf(stage) {
    return document.querySelector('.board-column[data-stage="' + stage + '"]');
  }

  function bump(column, by) {
    var badge = column && column.querySelector(".count");
    if (!badge) { return; }
    var count = parseInt(badge.dataset.count, 10) + by;
    badge.dataset.count = String(count);
    badge.textContent = count.toLocaleString("en-US");
  }

  function placeCard(card, stage) {
    var from = card.closest(".board-column");
    var to = columnOf(stage);
    card.dataset.stage = stage;
    card.querySelectorAll('select[name="to"] option').forEach(function (option) {
      option.disabled = option.value === stage;
    });
    if (to && to !== from) {
      to.querySelector(".cards").prepend(card);
      bump(from, -1);
      bump(to, 1);
    } else if (!to) {
      card.remove();  // a page of one column: the card left it
      bump(from, -1);
    }
  }

  function submitMove(form, stage) {
    var card = form.closest(".board-card");
    var error = card.querySelector(".move-error");
    var data = new FormData(form);
    if (stage) { data.set("to", stage); }
    error.hidden = true;
    fetch(form.action, { method: "POST", body: data, headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().catch(function () { return { ok: false, error: "The server answered " + response.status + "." }; });
      })
      .then(function (answer) {
        if (answer.ok) {
          placeCard(card, answer.stage);
          card.querySelector("details.move").open = false;
          form.reset();
          say(answer.message, false);
        } else {
          error.textContent = "Not moved: " + answer.error;
          error.hidden = false;
          card.querySelector("details.move").open = true;
          say(answer.error, true);
        }
      })
      .catch(function () { say("The move could not be sent; try again.", true); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("move-form")) { return; }
    event.preventDefault();
    submitMove(form, null);
  });

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board-card[draggable=true]");
    if (!card) { return; }
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.guid);
  });

  document.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    document.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    dragged = null;
  });

  document.querySelectorAll(".board-column").forEach(function (column) {
    column.addEventListener("dragover", function (event) {
      if (!dragged || dragged.closest(".board-column") === column) { return; }
      event.preventDefault();
      column.classList.add("drop-target");
    });
    column.addEventListener("dragleave", function (event) {
      if (!column.contains(event.relatedTarget)) { column.classList.remove("drop-target"); }
    });
    column.addEventListener("drop", function (event) {
      event.preventDefault();
      column.classList.remove("drop-target");
      var card = dragged;
      if (!card || card.closest(".board-column") === column) { return; }
      var form = card.querySelector(".move-form");
      if (form) { submitMove(form, column.dataset.stage); }
    });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-more]");
    if (!link) { return; }
    event.preventDefault();
    var item = link.closest(".more-item");
    var url = link.href + (link.href.indexOf("?") < 0 ? "?" : "&") + "fragment=1";
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        item.insertAdjacentHTML("beforebegin", html);  // the server's escaped cards
        item.remove();
      })
      .catch(function () { say("More cards could not be loaded; follow the link instead.", true); });
  });
})();
