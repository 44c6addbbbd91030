/** The API reference page: static HTML, its styles inline (style-src allows them), its script same-origin. */
export const REFERENCE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Floorboard API reference</title>
<style>
  :root { color-scheme: light dark; --line: #8884; --muted: #888; }
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; }
  header { position: sticky; top: 0; background: Canvas; border-bottom: 1px solid var(--line); padding: 0.6rem 1rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 1.1rem; margin: 0; }
  header input { flex: 1 1 16rem; padding: 0.3rem 0.5rem; font: inherit; }
  main { padding: 0 1rem 2rem; max-width: 70rem; }
  h2 { margin: 1.4rem 0 0.4rem; text-transform: capitalize; }
  details.op { border: 1px solid var(--line); border-radius: 0.4rem; margin: 0.35rem 0; }
  details.op > summary { cursor: pointer; padding: 0.4rem 0.6rem; display: flex; gap: 0.6rem; align-items: baseline; flex-wrap: wrap; }
  .m { font-weight: 700; font-family: ui-monospace, monospace; min-width: 4.2rem; display: inline-block; }
  .m.get { color: #2563eb; } .m.post { color: #16a34a; } .m.put { color: #d97706; } .m.patch { color: #9333ea; } .m.delete { color: #dc2626; }
  code, pre { font-family: ui-monospace, monospace; font-size: 12.5px; }
  .body { padding: 0 0.8rem 0.6rem; }
  .muted { color: var(--muted); }
  table { border-collapse: collapse; margin: 0.3rem 0; }
  th, td { border: 1px solid var(--line); padding: 0.15rem 0.5rem; text-align: left; vertical-align: top; }
  pre { background: #8881; padding: 0.5rem; overflow: auto; max-height: 24rem; }
</style>
<script src="/api/docs/reference.js" defer></script>
</head>
<body>
<header><h1>Floorboard API</h1><span id="version" class="muted"></span><input id="filter" type="search" placeholder="Filter by path or summary" aria-label="Filter operations"><a href="/api/v1/openapi.json">openapi.json</a></header>
<main id="ops"><p class="muted">Loading the OpenAPI document…</p></main>
</body>
</html>
`;

export const REFERENCE_JS = `'use strict';
(function () {
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) { if (k === 'text') e.textContent = attrs[k]; else e.setAttribute(k, attrs[k]); }
    (children || []).forEach(function (c) { if (c) e.appendChild(c); });
    return e;
  }
  function resolve(doc, s) {
    if (s && s.$ref) { var name = s.$ref.split('/').pop(); return { name: name, schema: doc.components.schemas[name] }; }
    return { name: null, schema: s };
  }
  function schemaBlock(doc, s) {
    var r = resolve(doc, s);
    var d = el('details', null, [el('summary', { text: r.name ? 'schema ' + r.name : 'schema' }), el('pre', { text: JSON.stringify(r.schema, null, 2) })]);
    return d;
  }
  function render(doc) {
    document.getElementById('version').textContent = 'OpenAPI ' + doc.openapi + ' · v' + doc.info.version;
    var main = document.getElementById('ops');
    main.textContent = '';
    main.appendChild(el('p', { text: doc.info.description }));
    var byTag = {};
    Object.keys(doc.paths).forEach(function (path) {
      Object.keys(doc.paths[path]).forEach(function (method) {
        var op = doc.paths[path][method];
        (byTag[op.tags[0]] = byTag[op.tags[0]] || []).push({ path: path, method: method, op: op });
      });
    });
    Object.keys(byTag).forEach(function (tag) {
      var section = el('section', { 'data-tag': tag }, [el('h2', { text: tag })]);
      byTag[tag].forEach(function (x) {
        var body = el('div', { class: 'body' }, [el('p', { text: x.op.description || '' })]);
        if (x.op.parameters && x.op.parameters.length) {
          var rows = x.op.parameters.map(function (p) {
            return el('tr', null, [el('td', null, [el('code', { text: p.name })]), el('td', { text: p.in }), el('td', { text: p.required ? 'required' : 'optional' }), el('td', null, [el('code', { text: JSON.stringify(p.schema) })])]);
          });
          body.appendChild(el('table', null, [el('thead', null, [el('tr', null, ['name', 'in', '', 'schema'].map(function (h) { return el('th', { text: h }); }))]), el('tbody', null, rows)]));
        }
        if (x.op.requestBody) {
          Object.keys(x.op.requestBody.content).forEach(function (type) {
            body.appendChild(el('h4', { text: 'Request body (' + type + ')' }));
            body.appendChild(schemaBlock(doc, x.op.requestBody.content[type].schema));
          });
        }
        Object.keys(x.op.responses).forEach(function (status) {
          var resp = x.op.responses[status];
          body.appendChild(el('h4', { text: status + ' — ' + resp.description }));
          if (resp.content) Object.keys(resp.content).forEach(function (type) { body.appendChild(schemaBlock(doc, resp.content[type].schema)); });
        });
        var det = el('details', { class: 'op', 'data-search': (x.method + ' ' + x.path + ' ' + x.op.summary).toLowerCase() }, [
          el('summary', null, [el('span', { class: 'm ' + x.method, text: x.method.toUpperCase() }), el('code', { text: x.path }), el('span', { class: 'muted', text: x.op.summary })]),
          body,
        ]);
        section.appendChild(det);
      });
      main.appendChild(section);
    });
    var schemas = el('section', null, [el('h2', { text: 'schemas' })]);
    Object.keys(doc.components.schemas).forEach(function (name) { schemas.appendChild(el('details', { class: 'op' }, [el('summary', null, [el('code', { text: name })]), el('pre', { text: JSON.stringify(doc.components.schemas[name], null, 2) })])); });
    main.appendChild(schemas);
  }
  document.addEventListener('DOMContentLoaded', function () {
    document.getElementById('filter').addEventListener('input', function (e) {
      var q = e.target.value.toLowerCase();
      document.querySelectorAll('details.op[data-search]').forEach(function (d) { d.hidden = q !== '' && d.getAttribute('data-search').indexOf(q) === -1; });
    });
    fetch('/api/v1/openapi.json').then(function (r) { return r.json(); }).then(render).catch(function (err) {
      document.getElementById('ops').textContent = 'Could not load the OpenAPI document: ' + err;
    });
  });
})();
`;
