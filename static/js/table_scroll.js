// Data tables wider than a phone scroll inside their own box, never the page (WCAG 1.4.10 lets
// a data table keep its two-dimensional layout). A box that scrolls is made a named, focusable
// region so keyboard users can scroll it too; a table that fits is left alone.

function labelFor(table) {
  const caption = table.querySelector('caption');
  const labelled = table.getAttribute('aria-labelledby');
  const heading = labelled && document.getElementById(labelled.split(' ')[0]);
  const text = (caption && caption.textContent) || (heading && heading.textContent) || table.getAttribute('aria-label');
  return text ? `${text.trim()} (scrolls sideways)` : 'Table (scrolls sideways)';
}

function update(wrap) {
  const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
  if (scrolls && !wrap.hasAttribute('tabindex')) {
    wrap.tabIndex = 0;
    wrap.setAttribute('role', 'region');
    wrap.setAttribute('aria-label', labelFor(wrap.querySelector('table')));
  } else if (!scrolls && wrap.dataset.scrollRegion) {
    wrap.removeAttribute('tabindex');
    wrap.removeAttribute('role');
    wrap.removeAttribute('aria-label');
  }
  if (scrolls) wrap.dataset.scrollRegion = 'true';
  else delete wrap.dataset.scrollRegion;
}

export function wrapTables(root = document) {
  for (const table of root.querySelectorAll('table.data-table')) {
    if (table.parentElement.classList.contains('table-wrap')) continue;
    const wrap = document.createElement('div');
    wrap.className = 'table-wrap';
    table.replaceWith(wrap);
    wrap.append(table);
  }
  const wraps = [...root.querySelectorAll('.table-wrap')];
  const observer = new ResizeObserver((entries) => entries.forEach((e) => update(e.target)));
  wraps.forEach((wrap) => { update(wrap); observer.observe(wrap); });
}

wrapTables();
