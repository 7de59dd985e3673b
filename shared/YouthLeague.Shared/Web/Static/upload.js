// The step form's one script (served as a static file: the Content-Security-Policy allows no inline script).
// Without it the form is a plain multipart POST and works; with it the upload shows a progress bar, large photos
// are shrunk in the browser first (to save mobile data: the server re-encodes them anyway), a draft is saved
// without sending the files, and a dropped connection leaves the form as it was, so pressing 提交 again resends
// the same form token (one submission).
(function () {
  var form = document.querySelector('form[data-upload]');
  if (!form || !window.FormData || !window.XMLHttpRequest || !window.Promise) return;
  var bar = document.getElementById('upload-progress'), status = document.getElementById('upload-status');
  var buttons = form.querySelectorAll('button');
  // Limits come from the page (data-*), so the server's numbers live in one place.
  var SHRINK = +form.getAttribute('data-shrink-above'), EDGE = +form.getAttribute('data-max-edge'), LIMIT = +form.getAttribute('data-max-total');
  function busy(on) { for (var i = 0; i < buttons.length; i++) buttons[i].disabled = on; bar.hidden = !on; }
  function shrink(file) {
    var photo = /^image\/(jpeg|png|webp)$/.test(file.type);
    if (!photo || file.size <= SHRINK || !form.hasAttribute('data-jpeg') || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: 'from-image' }).then(function (img) {
      var scale = Math.min(1, EDGE / Math.max(img.width, img.height));
      var c = document.createElement('canvas');
      c.width = Math.round(img.width * scale); c.height = Math.round(img.height * scale);
      var g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height);
      g.drawImage(img, 0, 0, c.width, c.height);
      return new Promise(function (done) { c.toBlob(done, 'image/jpeg', 0.85); });
    }).then(function (blob) {
      return blob && blob.size < file.size ? new File([blob], file.name.replace(/\.[^.]*$/, '') + '.jpg', { type: 'image/jpeg' }) : file;
    }, function () { return file; });
  }
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var intent = ev.submitter && ev.submitter.value === 'draft' ? 'draft' : 'submit';
    var input = form.querySelector('input[type=file]');
    var files = intent === 'draft' || !input ? [] : Array.prototype.slice.call(input.files || []);
    busy(true);
    status.textContent = files.length ? '正在处理照片…' : '正在提交…';
    Promise.all(files.map(shrink)).then(function (ready) {
      var each = +form.getAttribute('data-max-bytes'), total = 0, big = ready.filter(function (f) { total += f.size; return f.size > each; });
      if (big.length || total > LIMIT) {
        busy(false);
        status.textContent = big.length ? '“' + big[0].name + '”太大：每个文件不超过 ' + Math.floor(each / 1048576) + ' MB。' : '文件合计太大，请少选几个。';
        return;
      }
      var data = new FormData(form);
      data.delete('evidence');
      data.set('intent', intent);
      ready.forEach(function (f) { data.append('evidence', f, f.name); });
      var x = new XMLHttpRequest();
      x.open('POST', form.action);
      x.upload.onprogress = function (e) {
        if (!e.lengthComputable) return;
        bar.value = Math.round(e.loaded * 100 / e.total);
        status.textContent = '正在上传 ' + bar.value + '%（' + (e.loaded / 1048576).toFixed(1) + ' / ' + (e.total / 1048576).toFixed(1) + ' MB）';
      };
      x.onload = function () {
        var done = x.status < 300 && x.responseURL && new URL(x.responseURL).pathname !== new URL(form.action, location.href).pathname;
        if (done || (intent === 'draft' && x.status < 300)) { location.href = x.responseURL; return; }
        document.open(); document.write(x.responseText); document.close();
      };
      x.onerror = x.ontimeout = function () {
        busy(false);
        status.textContent = '网络中断，没有提交成功。填写的内容还在，请检查网络后再点“提交”（不会重复提交）。';
      };
      x.send(data);
    });
  });
})();
