/**
 * The page's only script, served as /assets/live.js: it keeps the server-rendered sections
 * current from /events. Focus and open <details> survive a replaced section (matched by id), and
 * new entries of the change log are added one by one so screen readers announce only those.
 * Kept as text because the build compiles TypeScript for Node and copies nothing else.
 */
export const LIVE_CLIENT_JS = `'use strict';
(function () {
  var connection = document.getElementById('connection');
  var changes = document.getElementById('changes');
  var source = new EventSource('/events');
  source.addEventListener('open', function () {
    connection.textContent = 'Live: the page updates as the system changes.';
  });
  source.addEventListener('error', function () {
    connection.textContent = 'Connection lost: reconnecting…';
  });
  source.addEventListener('section', function (event) {
    var message = JSON.parse(event.data);
    var target = document.getElementById(message.id);
    if (!target) return;
    var active = document.activeElement;
    var focusId = active && active.id && target.contains(active) ? active.id : '';
    var open = Array.prototype.map.call(target.querySelectorAll('details[open]'), function (d) {
      return d.id;
    });
    target.innerHTML = message.html;
    open.forEach(function (id) {
      var details = id && document.getElementById(id);
      if (details) details.open = true;
    });
    if (focusId) {
      var again = document.getElementById(focusId);
      if (again) again.focus();
    }
  });
  source.addEventListener('change', function (event) {
    var message = JSON.parse(event.data);
    if (changes.querySelector('[data-seq="' + message.seq + '"]')) return;
    changes.insertAdjacentHTML('afterbegin', message.html);
    while (changes.children.length > 30) changes.removeChild(changes.lastElementChild);
  });
})();
`;
