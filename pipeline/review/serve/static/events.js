// pipeline serve: one event stream per browser, shared by every open tab.
// Browsers allow about six HTTP/1.1 connections per host; a stream per tab would use them
// all and leave the review panel's save waiting. Each tab connects to this SharedWorker,
// which holds the one EventSource and passes each change on.
"use strict";
const ports = new Set();
let source = null;

function connect() {
  source = new EventSource("/_serve/events");
  source.addEventListener("change", (ev) => {
    for (const port of ports) port.postMessage(ev.data);
  });
}

onconnect = (ev) => {
  const port = ev.ports[0];
  ports.add(port);
  port.onmessage = (msg) => { if (msg.data === "bye") ports.delete(port); };
  port.start();
  if (!source) connect();
};
