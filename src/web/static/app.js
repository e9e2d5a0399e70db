// patchdx web client: upload with progress (drag and drop, files or a folder), analysis progress over
// Server-Sent Events with cancel, copy buttons. Plain script, no build step, nothing from the Internet.
/* global document, navigator, location, fetch, setTimeout, getSelection, FormData, XMLHttpRequest, DOMParser, EventSource */
'use strict';

(function () {
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || '';

  function $(id) {
    return document.getElementById(id);
  }

  // ---- upload
  var zone = $('dropzone');
  if (zone) {
    var maxBytes = Number(zone.dataset.maxBytes);
    var maxFiles = Number(zone.dataset.maxFiles);
    var showError = function (msg) {
      var e = $('upload-error');
      e.textContent = msg;
      e.hidden = false;
      $('upload-progress').hidden = true;
    };
    var send = function (files) {
      if (!files.length) return;
      var total = 0;
      for (var i = 0; i < files.length; i++) total += files[i].file.size;
      if (files.length > maxFiles) return showError('> ' + maxFiles + ' files (limit)');
      if (total > maxBytes) return showError('> ' + Math.round(maxBytes / 1048576) + ' MB (limit)');
      var form = new FormData();
      files.forEach(function (f) {
        form.append('file', f.file, f.name);
      });
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/upload');
      xhr.setRequestHeader('x-csrf-token', csrf);
      xhr.setRequestHeader('accept', 'application/json');
      $('upload-progress').hidden = false;
      $('upload-error').hidden = true;
      xhr.upload.onprogress = function (ev) {
        if (!ev.lengthComputable) return;
        var pct = Math.round((ev.loaded / ev.total) * 100);
        $('upload-bar').value = pct;
        $('upload-pct').textContent = pct + ' %';
      };
      xhr.onload = function () {
        if (xhr.status === 200) {
          var r = JSON.parse(xhr.responseText);
          location.href = r.url;
        } else {
          var doc = new DOMParser().parseFromString(xhr.responseText, 'text/html');
          var m = doc.querySelector('.message');
          showError(xhr.status + ': ' + (m ? m.textContent : xhr.responseText));
        }
      };
      xhr.onerror = function () {
        showError('upload failed');
      };
      xhr.send(form);
    };
    var fromInput = function (input) {
      var out = [];
      for (var i = 0; i < input.files.length; i++) {
        var f = input.files[i];
        out.push({ file: f, name: f.webkitRelativePath || f.name });
      }
      return out;
    };
    $('pick-files').addEventListener('change', function () {
      send(fromInput(this));
    });
    $('pick-folder').addEventListener('change', function () {
      send(fromInput(this));
    });
    // A dropped folder is walked through the entries API.
    var walk = function (entry, path, out) {
      return new Promise(function (resolve) {
        if (entry.isFile) {
          entry.file(
            function (f) {
              out.push({ file: f, name: path + f.name });
              resolve();
            },
            function () {
              resolve();
            },
          );
        } else if (entry.isDirectory) {
          var reader = entry.createReader();
          var all = [];
          var more = function () {
            reader.readEntries(function (batch) {
              if (!batch.length) {
                Promise.all(
                  all.map(function (e) {
                    return walk(e, path + entry.name + '/', out);
                  }),
                ).then(resolve);
              } else {
                all = all.concat(Array.prototype.slice.call(batch));
                more();
              }
            }, resolve);
          };
          more();
        } else resolve();
      });
    };
    ['dragenter', 'dragover'].forEach(function (t) {
      zone.addEventListener(t, function (ev) {
        ev.preventDefault();
        zone.classList.add('over');
      });
    });
    zone.addEventListener('dragleave', function () {
      zone.classList.remove('over');
    });
    zone.addEventListener('drop', function (ev) {
      ev.preventDefault();
      zone.classList.remove('over');
      var items = ev.dataTransfer.items;
      var out = [];
      var waits = [];
      var plain = function () {
        var fs = ev.dataTransfer.files;
        for (var k = 0; k < fs.length; k++) out.push({ file: fs[k], name: fs[k].name });
        send(out);
      };
      if (items && items.length && items[0].webkitGetAsEntry) {
        for (var i = 0; i < items.length; i++) {
          var e = items[i].webkitGetAsEntry();
          if (e) waits.push(walk(e, '', out));
        }
        // Files put in by a script (or a browser without entries) have no entry: take them as files.
        if (!waits.length) return plain();
        Promise.all(waits).then(function () {
          send(out);
        });
      } else plain();
    });
  }

  // ---- analysis progress
  var job = $('job');
  if (job && ['queued', 'running', 'uploading'].indexOf(job.dataset.state) >= 0) {
    var id = job.dataset.job;
    var es = new EventSource('/u/' + encodeURIComponent(id) + '/events');
    es.addEventListener('status', function (ev) {
      var s = JSON.parse(ev.data);
      var stage = $('job-stage');
      if (s.state === 'queued' && s.position) stage.textContent = job.dataset.wordQueued + ' ' + s.position;
      else stage.textContent = s.stage;
      if (s.percent !== null) {
        $('job-bar').value = s.percent;
        $('job-pct').textContent = s.percent + ' %';
      }
      if (s.state === 'done') {
        es.close();
        location.reload();
      } else if (s.state === 'failed' || s.state === 'cancelled') {
        es.close();
        var err = $('job-error');
        err.textContent =
          s.state === 'failed' ? job.dataset.wordFailed + ': ' + (s.error || '') : job.dataset.wordCancelled;
        err.hidden = false;
        var b = $('job-cancel');
        if (b) b.hidden = true;
      }
    });
    var cancel = $('job-cancel');
    if (cancel)
      cancel.addEventListener('click', function () {
        cancel.disabled = true;
        fetch('/u/' + encodeURIComponent(id) + '/cancel', {
          method: 'POST',
          headers: { 'x-csrf-token': csrf },
        });
      });
  }

  // ---- copy buttons
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest && ev.target.closest('button.copy');
    if (!b) return;
    var src = $(b.dataset.copy);
    if (!src) return;
    var text = src.textContent;
    var done = function () {
      var was = b.textContent;
      b.textContent = b.dataset.done;
      setTimeout(function () {
        b.textContent = was;
      }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText)
      navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
    function fallback() {
      var r = document.createRange();
      r.selectNodeContents(src);
      var sel = getSelection();
      sel.removeAllRanges();
      sel.addRange(r);
      document.execCommand('copy');
      done();
    }
  });

  // The highlighted line of the viewer in view.
  var hit = $('hit');
  if (hit) hit.scrollIntoView({ block: 'center' });
})();
