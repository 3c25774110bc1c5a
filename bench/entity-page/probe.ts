/**
 * bench/entity-page's probe, run in the page before any of the app's scripts
 * (Playwright's init script). It records, in milliseconds from the document's
 * navigation start (performance.now()), the first animation frame at which each
 * milestone is on screen: an element whose own text is exactly the milestone's
 * text (whitespace collapsed), matching its selector if it has one, inside a card
 * titled as the milestone says if it names one, and visible (checkVisibility with
 * opacity and visibility, and a non-empty box; below the fold counts). It checks
 * once per frame after the DOM changed, stops once every milestone is reached, and
 * keeps the largest contentful paint the browser reports.
 *
 * Plain JavaScript in a string: the page runs it as written, untouched by the
 * bench's own TypeScript transform.
 */

export interface Milestone {
  name: string;
  text: string;
  /** A CSS selector the element must match. */
  selector?: string;
  /** The exact title of the card (an InfoCard's or a Backstage UI card's header) it must be in. */
  card?: string;
}

/** What the probe leaves in window.__entityPageBench. */
export interface ProbeResult {
  marks: Record<string, number>;
  /** The largest contentful paint's startTime, 0 if none was reported. */
  lcp: number;
}

const SOURCE = `(function (milestones) {
  var bench = { marks: {}, lcp: 0 };
  window.__entityPageBench = bench;
  performance.setResourceTimingBufferSize(2000);
  function withText(root, text) {
    var found = document.evaluate('.//*[text()[normalize-space(.)="' + text + '"]]', root, null,
      XPathResult.ORDERED_NODE_SNAPSHOT_TYPE, null);
    var list = [];
    for (var i = 0; i < found.snapshotLength; i++) list.push(found.snapshotItem(i));
    return list;
  }
  function shown(el) {
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    var box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  }
  function cardsTitled(title) {
    return withText(document, title).filter(shown)
      .map(function (el) { return el.closest('article, .MuiCard-root'); })
      .filter(Boolean);
  }
  function reached(m) {
    var roots = m.card ? cardsTitled(m.card) : [document];
    return roots.some(function (root) {
      return withText(root, m.text).some(function (el) {
        return (!m.selector || el.matches(m.selector)) && shown(el);
      });
    });
  }
  var observer = new MutationObserver(schedule);
  var pending = false;
  function check() {
    pending = false;
    var now = performance.now();
    var left = 0;
    milestones.forEach(function (m) {
      if (bench.marks[m.name] !== undefined) return;
      if (reached(m)) bench.marks[m.name] = now;
      else left++;
    });
    if (!left) observer.disconnect();
  }
  function schedule() {
    if (!pending) { pending = true; requestAnimationFrame(check); }
  }
  observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  new PerformanceObserver(function (list) {
    list.getEntries().forEach(function (e) { bench.lcp = e.startTime; });
  }).observe({ type: 'largest-contentful-paint', buffered: true });
})`;

/** The probe's source for addInitScript, with its milestones. */
export function probeScript(milestones: Milestone[]): string {
  for (const m of milestones) {
    if (/["\\]/.test(m.text) || (m.card && /["\\]/.test(m.card))) {
      throw new Error(`milestone ${m.name}: its text and card title may not hold a double quote or backslash`);
    }
  }
  return `${SOURCE}(${JSON.stringify(milestones)});`;
}
