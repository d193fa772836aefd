// Loads Barrage's WebAssembly client (/static/app.wasm, run by the Go
// runtime glue in /static/wasm_exec.js) and, whatever happens to it, keeps
// the page readable: a failure shows a message in #boot-error instead of a
// silent, half-working page. It also wires the lobby's "open room" form,
// which must work even without the client.
(function () {
  'use strict';

  var WASM = '/static/app.wasm';

  function fail(message) {
    document.body.dataset.client = 'failed';
    var el = document.getElementById('boot-error');
    if (!el) {
      el = document.createElement('p');
      el.className = 'boot-error';
      el.setAttribute('role', 'alert');
      (document.querySelector('main') || document.body).prepend(el);
    }
    el.textContent = message;
    el.hidden = false;
  }

  function wireRoomForm() {
    var form = document.getElementById('go-room');
    var input = document.getElementById('go-room-id');
    if (!form || !input) {
      return;
    }
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var id = input.value.trim();
      if (/^[A-Za-z0-9_-]{1,64}$/.test(id)) {
        location.href = '/rooms/' + encodeURIComponent(id);
      }
    });
  }

  function fetchWasm() {
    return fetch(WASM).then(function (response) {
      if (!response.ok) {
        throw new Error('HTTP ' + response.status + ' for ' + WASM);
      }
      return response;
    });
  }

  // instantiateStreaming needs the application/wasm type; a server that
  // sends another type still works through the slower path.
  function instantiate(go) {
    if (WebAssembly.instantiateStreaming) {
      return WebAssembly.instantiateStreaming(fetchWasm(), go.importObject)
        .catch(function () {
          return instantiateBuffer(go);
        });
    }
    return instantiateBuffer(go);
  }

  function instantiateBuffer(go) {
    return fetchWasm()
      .then(function (response) { return response.arrayBuffer(); })
      .then(function (bytes) { return WebAssembly.instantiate(bytes, go.importObject); });
  }

  function start() {
    wireRoomForm();
    if (typeof WebAssembly !== 'object' || typeof Go !== 'function') {
      fail('This browser cannot run the live client (WebAssembly is missing or ' +
        'wasm_exec.js did not load). The page shows what the server sent; reload to retry.');
      return;
    }
    var go = new Go();
    document.body.dataset.client = 'loading';
    instantiate(go).then(function (result) {
      return go.run(result.instance).then(function () {
        // The client returns only on pages without live parts.
        if (document.body.dataset.client !== 'idle' && document.body.dataset.client !== 'failed') {
          fail('The live client stopped. Reload the page to reconnect.');
        }
      });
    }).catch(function (err) {
      fail('The live client could not be loaded (' + err.message + '). ' +
        'The page shows what the server sent; reload to retry.');
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
