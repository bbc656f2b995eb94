// Live view of a subscription: new matches arrive over Server-Sent Events
// and are put at the top of the list. Everything a crawled page supplied
// (title, URL, snippet) goes in as text: textContent and text nodes only,
// never innerHTML, so markup in a title is shown, not run.
(function () {
  "use strict";
  var list = document.getElementById("live");
  var status = document.getElementById("live-status");
  if (!list || !window.EventSource) {
    return;
  }
  var entities = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": "\"", "&#34;": "\"", "&#39;": "'" };
  function unescape(s) {
    return s.replace(/&(lt|gt|amp|quot|#34|#39);/g, function (m) { return entities[m]; });
  }
  // A snippet is escaped text with <mark> around the matches: build it
  // from text nodes and <mark> elements.
  function snippet(p, s) {
    var parts = s.split(/(<\/?mark>)/);
    var into = p;
    for (var i = 0; i < parts.length; i++) {
      if (parts[i] === "<mark>") {
        into = document.createElement("mark");
        p.appendChild(into);
      } else if (parts[i] === "</mark>") {
        into = p;
      } else if (parts[i] !== "") {
        into.appendChild(document.createTextNode(unescape(parts[i])));
      }
    }
  }
  function safeURL(u) {
    return /^https?:\/\//i.test(u || "") ? u : "#";
  }
  function add(m) {
    var art = document.createElement("article");
    art.className = "hit live";
    art.setAttribute("data-id", m.id);
    var h3 = document.createElement("h3");
    var a = document.createElement("a");
    a.href = safeURL(m.url);
    a.rel = "noopener noreferrer";
    a.textContent = m.title || m.url || m.id;
    h3.appendChild(a);
    art.appendChild(h3);
    var meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = "new · matched " + (m.matched || "") + (m.source ? " · " + m.source : "");
    art.appendChild(meta);
    var p = document.createElement("p");
    p.className = "snippet";
    snippet(p, m.snippet || "");
    art.appendChild(p);
    list.insertBefore(art, list.firstChild);
    var empty = document.getElementById("no-matches");
    if (empty) {
      empty.remove();
    }
  }
  var src = new EventSource(list.getAttribute("data-events") + "?after=" + encodeURIComponent(list.getAttribute("data-after")));
  src.addEventListener("open", function () {
    if (status) { status.textContent = "Live: new matches appear below as they are found."; }
  });
  src.addEventListener("error", function () {
    if (status) { status.textContent = "Live view disconnected; retrying…"; }
  });
  src.addEventListener("match", function (e) {
    try {
      add(JSON.parse(e.data));
    } catch (err) {
      // A malformed event is skipped, not shown.
    }
  });
}());
