// The service map: who calls whom in the time range, drawn with Cytoscape.js and laid out in
// ranks by dagre (callers left of callees; top to bottom on a narrow screen). Both libraries are
// loaded when the map is first shown, from vendor/ on the same server: no network beyond it.
// Below the drawing, the same calls as a table (readable without the canvas, by screen readers).

import { h, replace } from '../dom.js';
import { formatCount, formatDuration, plural } from '../format.js';

const BLUE = '#5b7bd5';
const RED = '#d2362b';
const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

let cytoscapeModule = null;
let dagrePromise = null;

function loadCytoscape() {
  if (!cytoscapeModule) {
    cytoscapeModule = import('../../vendor/cytoscape/cytoscape.esm.min.js').then((m) => m.default).catch((e) => {
      cytoscapeModule = null;
      throw new Error(`Could not load the map library (vendor/cytoscape): ${e.message}`);
    });
  }
  return cytoscapeModule;
}

/** dagre ships as a classic script that defines window.dagre. */
function loadDagre() {
  if (window.dagre) return Promise.resolve(window.dagre);
  if (!dagrePromise) {
    dagrePromise = new Promise((resolve, reject) => {
      const script = h('script', { src: new URL('../../vendor/dagre/dagre.min.js', import.meta.url).href });
      script.addEventListener('load', () => (window.dagre ? resolve(window.dagre) : reject(new Error('dagre did not load'))));
      script.addEventListener('error', () => {
        dagrePromise = null;
        script.remove();
        reject(new Error('Could not load the map layout (vendor/dagre)'));
      });
      document.head.append(script);
    });
  }
  return dagrePromise;
}

let measureContext = null;

function textWidth(text) {
  if (!measureContext) measureContext = document.createElement('canvas').getContext('2d');
  measureContext.font = FONT;
  return measureContext.measureText(text).width;
}

function nodeLabel(s) {
  return `${s.name}\n${plural(s.span_count, 'span')} · ${plural(s.error_count, 'error')}`;
}

function edgeLabel(e) {
  return `${plural(e.call_count, 'call')} · p95 ${formatDuration(e.p95_duration_nano ?? null)}`
    + (e.error_count ? ` · ${plural(e.error_count, 'error')}` : '');
}

/** The services of the answer plus any service an edge names that the list lacks. */
function servicesOf(data) {
  const byName = new Map((data.services || []).map((s) => [s.name, s]));
  for (const e of data.edges || []) {
    for (const name of [e.parent, e.child]) {
      if (!byName.has(name)) byName.set(name, { name, span_count: 0, error_count: 0 });
    }
  }
  return [...byName.values()];
}

/** Node positions from dagre: ranks follow the calls. */
function layout(dagre, services, edges, sizes, rankdir) {
  // Left to right, a call's label sits between two ranks: leave it room.
  const longest = Math.max(0, ...edges.map((e) => (textWidth(edgeLabel(e)) * 10.5) / 12));
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir, nodesep: 40, ranksep: rankdir === 'LR' ? Math.max(120, longest + 48) : 90, edgesep: 24, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const s of services) g.setNode(s.name, sizes.get(s.name));
  for (const e of edges) g.setEdge(e.parent, e.child);
  dagre.layout(g);
  return new Map(services.map((s) => [s.name, { x: g.node(s.name).x, y: g.node(s.name).y }]));
}

/**
 * onOpenService(name): a node was clicked; onOpenEdge(edge): an edge was clicked;
 * edgeHref(edge) and serviceHref(name): where the table's rows lead.
 */
export function createServiceMap({ onOpenService, onOpenEdge, serviceHref, edgeHref }) {
  const canvasBox = h('div', { class: 'map-canvas', id: 'service-map', role: 'img', 'aria-label': 'Service map' });
  const details = h('p', { class: 'map-details', id: 'map-details', 'aria-live': 'polite' });
  const zoom = (factor) => {
    if (!cy) return;
    cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  };
  const controls = h('div', { class: 'map-controls' },
    h('button', { type: 'button', class: 'btn btn-small', title: 'Zoom in', 'aria-label': 'Zoom in', onClick: () => zoom(1.25) }, '+'),
    h('button', { type: 'button', class: 'btn btn-small', title: 'Zoom out', 'aria-label': 'Zoom out', onClick: () => zoom(0.8) }, '−'),
    h('button', { type: 'button', class: 'btn btn-small', onClick: () => fit() }, 'Fit'));
  const frame = h('div', { class: 'map-frame' }, canvasBox, controls);
  const calls = h('div', { class: 'map-calls' });
  const el = h('div', { class: 'service-map' }, frame, details, calls);
  let cy = null;
  let observer = null;
  let shown = null;
  let rankdir = null;
  let generation = 0;

  function fit() {
    if (!cy) return;
    cy.fit(undefined, 24);
    if (cy.zoom() > 1.25) {
      cy.zoom(1.25);
      cy.center();
    }
  }

  function destroyGraph() {
    if (observer) observer.disconnect();
    observer = null;
    if (cy) cy.destroy();
    cy = null;
    canvasBox.cy = null;
  }

  function describe(target) {
    if (!target) {
      details.textContent = 'Point at a service or a call for its figures; click one to open its traces.';
      return;
    }
    replace(details, ...target);
  }

  async function draw(data, highlight) {
    const mine = ++generation;
    const [cytoscape, dagre] = await Promise.all([loadCytoscape(), loadDagre()]);
    if (mine !== generation) return;
    destroyGraph();
    const services = servicesOf(data);
    const edges = data.edges || [];
    const sizes = new Map(services.map((s) => {
      const lines = nodeLabel(s).split('\n');
      return [s.name, { width: Math.ceil(Math.max(...lines.map(textWidth))) + 28, height: 46 }];
    }));
    rankdir = canvasBox.clientWidth && canvasBox.clientWidth < 640 ? 'TB' : 'LR';
    const positions = layout(dagre, services, edges, sizes, rankdir);
    const maxCalls = Math.max(1, ...edges.map((e) => e.call_count));
    const elements = [
      ...services.map((s) => ({
        group: 'nodes',
        data: { id: s.name, label: nodeLabel(s), w: sizes.get(s.name).width, h: sizes.get(s.name).height, service: s },
        position: positions.get(s.name),
        classes: [s.error_count > 0 ? 'errors' : '', s.name === highlight ? 'highlight' : ''].join(' ').trim(),
      })),
      ...edges.map((e) => ({
        group: 'edges',
        data: {
          id: `${e.parent}\u2192${e.child}`, source: e.parent, target: e.child, label: edgeLabel(e),
          width: 1.5 + (4.5 * Math.log1p(e.call_count)) / Math.log1p(maxCalls), edge: e,
        },
        classes: e.error_count > 0 ? 'errors' : '',
      })),
    ];
    cy = cytoscape({
      container: canvasBox,
      elements,
      layout: { name: 'preset' },
      minZoom: 0.2,
      maxZoom: 3,
      userZoomingEnabled: false, // the wheel scrolls the page; the buttons zoom
      boxSelectionEnabled: false,
      autoungrabify: false,
      style: [
        {
          selector: 'node',
          style: {
            shape: 'round-rectangle', width: 'data(w)', height: 'data(h)', 'background-color': '#fff',
            'border-width': 2, 'border-color': BLUE, label: 'data(label)', 'text-wrap': 'wrap',
            'text-valign': 'center', 'text-halign': 'center', 'font-size': 12, 'font-family': 'system-ui, sans-serif',
            color: '#1d2030', 'line-height': 1.35,
          },
        },
        { selector: 'node.errors', style: { 'border-color': RED, 'border-width': 3 } },
        { selector: 'node.highlight', style: { 'background-color': '#e7ecfc' } },
        {
          selector: 'edge',
          style: {
            width: 'data(width)', 'line-color': '#9aa3b8', 'target-arrow-color': '#9aa3b8', 'target-arrow-shape': 'triangle',
            'curve-style': 'bezier', 'arrow-scale': 0.9, label: 'data(label)', 'font-size': 10.5,
            'font-family': 'system-ui, sans-serif', color: '#3c4255', 'text-background-color': '#fff',
            'text-background-opacity': 0.9, 'text-background-padding': 2, 'text-background-shape': 'round-rectangle',
          },
        },
        { selector: 'edge.errors', style: { 'line-color': RED, 'target-arrow-color': RED, color: '#a8231a' } },
        { selector: '.hover', style: { 'overlay-color': BLUE, 'overlay-opacity': 0.12, 'overlay-padding': 4 } },
      ],
    });
    canvasBox.cy = cy; // for the browser tests: what is drawn, not just what was asked for
    cy.on('tap', 'node', (e) => onOpenService(e.target.id()));
    cy.on('tap', 'edge', (e) => onOpenEdge(e.target.data('edge')));
    cy.on('mouseover', 'node, edge', (e) => {
      e.target.addClass('hover');
      canvasBox.style.cursor = 'pointer';
      describe(e.target.isNode() ? serviceFigures(e.target.data('service')) : edgeFigures(e.target.data('edge')));
    });
    cy.on('mouseout', 'node, edge', (e) => {
      e.target.removeClass('hover');
      canvasBox.style.cursor = '';
    });
    fit();
    observer = new ResizeObserver(() => {
      if (!cy || canvasBox.clientWidth === 0) return; // the map's tab is hidden
      const next = canvasBox.clientWidth < 640 ? 'TB' : 'LR';
      if (next !== rankdir && shown) {
        draw(shown.data, shown.highlight);
        return;
      }
      cy.resize();
      fit();
    });
    observer.observe(canvasBox);
    el.dataset.state = 'ready';
  }

  function serviceFigures(s) {
    return [h('strong', {}, s.name), `: ${plural(s.span_count, 'span')}, ${plural(s.error_count, 'error')}. Click for its traces.`];
  }

  function edgeFigures(e) {
    return [h('strong', {}, `${e.parent} → ${e.child}`),
      `: ${plural(e.call_count, 'call')}, ${plural(e.error_count, 'error')}, p50 ${formatDuration(e.p50_duration_nano ?? null)}, `
      + `p95 ${formatDuration(e.p95_duration_nano ?? null)}. Click for the traces of ${e.child}.`];
  }

  function callsTable(data) {
    const edges = (data.edges || []).slice().sort((a, b) => b.call_count - a.call_count
      || a.parent.localeCompare(b.parent) || a.child.localeCompare(b.child));
    if (!edges.length) {
      return h('p', { class: 'muted', id: 'map-no-calls' }, 'No calls between services in this time range: '
        + 'each service’s spans have parents in the same service, or none.');
    }
    return h('div', { class: 'table-scroll' }, h('table', { class: 'services-table calls-table', id: 'calls-table' },
      h('caption', {}, 'Calls between services'),
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col', class: 'c-call' }, 'Caller → callee'),
        h('th', { scope: 'col', class: 'c-num' }, 'Calls'),
        h('th', { scope: 'col', class: 'c-num' }, 'Errors'),
        h('th', { scope: 'col', class: 'c-num c-p50' }, 'p50'),
        h('th', { scope: 'col', class: 'c-num' }, 'p95'))),
      h('tbody', {}, edges.map((e) => h('tr', { class: e.error_count ? 'has-errors' : '', dataset: { parent: e.parent, child: e.child } },
        h('th', { scope: 'row', class: 'c-call' },
          h('a', { href: serviceHref(e.parent), class: 'svc-link' }, e.parent), ' → ',
          h('a', { href: edgeHref(e), class: 'svc-link', title: `Traces of ${e.child}` }, e.child)),
        h('td', { class: 'c-num mono' }, formatCount(e.call_count)),
        h('td', { class: `c-num mono${e.error_count ? ' bad' : ''}` }, formatCount(e.error_count)),
        h('td', { class: 'c-num c-p50 mono' }, formatDuration(e.p50_duration_nano ?? null)),
        h('td', { class: 'c-num mono' }, formatDuration(e.p95_duration_nano ?? null)))))));
  }

  return {
    el,
    /** Draws an answer of the map route; highlight: a service to mark. Resolves once drawn. */
    async show(data, highlight) {
      shown = { data, highlight };
      el.dataset.state = 'loading';
      el.hidden = false;
      canvasBox.setAttribute('aria-label', `Service map: ${plural(servicesOf(data).length, 'service')}, `
        + `${plural((data.edges || []).length, 'call path')}; the same calls are in the table below`);
      describe(null);
      replace(calls, callsTable(data));
      await draw(data, highlight);
    },
    destroy() {
      generation++;
      destroyGraph();
    },
  };
}
