// Course management pages (web/authoring_manage.go). Everything here improves a page that
// works without it: the lesson order has its up/down buttons, the question editor its
// "check without saving" button.
(function () {
  'use strict';

  // Lesson order: drag a lesson to its new place; on drop the new order is posted as
  // repeated "order" fields (the form's base_id guards against a concurrent save).
  var list = document.getElementById('lesson-order');
  var orderForm = document.getElementById('lesson-order-form');
  if (list && orderForm) {
    var dragged = null;
    var items = list.querySelectorAll('li[data-lesson]');
    var start = Array.prototype.map.call(items, function (li) { return li.dataset.lesson; }).join('\n');
    list.classList.add('draggable-list');
    items.forEach(function (li) {
      li.setAttribute('draggable', 'true');
      li.addEventListener('dragstart', function (e) {
        dragged = li;
        li.classList.add('dragging');
        e.dataTransfer.effectAllowed = 'move';
        e.dataTransfer.setData('text/plain', li.dataset.lesson);
      });
      li.addEventListener('dragend', function () {
        li.classList.remove('dragging');
        dragged = null;
      });
    });
    list.addEventListener('dragover', function (e) {
      if (!dragged) { return; }
      e.preventDefault();
      var over = e.target.closest ? e.target.closest('li[data-lesson]') : null;
      if (!over || over === dragged) { return; }
      var box = over.getBoundingClientRect();
      if (e.clientY > box.top + box.height / 2) {
        over.after(dragged);
      } else {
        over.before(dragged);
      }
    });
    list.addEventListener('drop', function (e) {
      e.preventDefault();
      var order = Array.prototype.map.call(list.querySelectorAll('li[data-lesson]'), function (li) { return li.dataset.lesson; });
      if (order.join('\n') === start) { return; }
      order.forEach(function (name) {
        var input = document.createElement('input');
        input.type = 'hidden';
        input.name = 'order';
        input.value = name;
        orderForm.appendChild(input);
      });
      list.setAttribute('aria-busy', 'true');
      orderForm.submit();
    });
  }

  // Question editor: the content check runs again a moment after the author stops typing,
  // and its findings replace the "content check rules" section. (The form's buttons are named
  // "action", which hides form.action: the address is read from the attribute.)
  var form = document.getElementById('question-form');
  var section = document.getElementById('question-check');
  if (form && section && window.fetch && window.DOMParser) {
    var timer = null;
    var seq = 0;
    var check = function () {
      var data = new URLSearchParams(new FormData(form));
      data.set('action', 'check');
      var mine = ++seq;
      fetch(form.getAttribute('action'), { method: 'POST', body: data, credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
        .then(function (r) { return r.text(); })
        .then(function (html) {
          if (mine !== seq) { return; }
          var doc = new DOMParser().parseFromString(html, 'text/html');
          var fresh = doc.getElementById('question-check');
          if (fresh) { section.innerHTML = fresh.innerHTML; }
        })
        .catch(function () { /* the button still works */ });
    };
    var later = function () {
      clearTimeout(timer);
      timer = setTimeout(check, 900);
    };
    form.addEventListener('input', later);
    form.addEventListener('change', later);
  }
})();
