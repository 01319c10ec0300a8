// The routine builder (templates/therapist/routine_builder.html): search the catalog embedded in
// the page (name, body part, kind of exercise) and add a row; move rows up and down; remove a
// row. Without JavaScript the same form works: the server renders the rows, an empty row to
// fill, Order numbers and Remove boxes. Nothing is saved until the one Save button.

const catalog = JSON.parse(document.getElementById('catalog-data').textContent);
const list = document.getElementById('builder-rows');
const template = document.getElementById('row-template');
const total = document.getElementById('id_rows-TOTAL_FORMS');
const search = document.querySelector('[data-catalog-search]');
const query = document.getElementById('catalog-q');
const results = document.getElementById('catalog-results');

const KINDS = {
  reps_on_angle: 'repetitions',
  hold_balance: 'balance hold',
  chair_stand: 'chair stand test',
  timed_up_and_go: 'timed walk test',
  four_stage_balance: 'balance test',
  rom_assessment: 'range of motion check',
};

function kind(entry) {
  return KINDS[entry.protocol] || entry.protocol.replace(/_/g, ' ');
}

function rows() {
  return Array.from(list.querySelectorAll('[data-row]')).filter((row) => !row.hidden);
}

function field(row, name) {
  return row.querySelector(`[name$="-${name}"]`);
}

function isEmpty(row) {
  const select = field(row, 'exercise');
  return !select || !select.value;
}

// Number the visible rows; only rows with an exercise get an Order (an untouched empty row
// stays untouched, so the server ignores it).
function renumber() {
  let n = 0;
  rows().forEach((row) => {
    n += 1;
    row.querySelector('[data-row-number]').textContent = String(n);
    const order = field(row, 'ORDER');
    if (order && !isEmpty(row)) order.value = String(n);
  });
}

function wire(row) {
  row.querySelectorAll('[data-move], [data-remove]').forEach((button) => {
    button.hidden = false;
  });
  row.querySelectorAll('.field-order, .field.checkbox').forEach((el) => {
    el.hidden = true;
  });
  field(row, 'exercise').addEventListener('change', renumber);
}

list.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (!button) return;
  const row = button.closest('[data-row]');
  if (button.dataset.move === 'up') {
    let prev = row.previousElementSibling;
    while (prev && prev.hidden) prev = prev.previousElementSibling;
    if (prev) list.insertBefore(row, prev);
    button.focus();
  } else if (button.dataset.move === 'down') {
    let next = row.nextElementSibling;
    while (next && next.hidden) next = next.nextElementSibling;
    if (next) list.insertBefore(next, row);
    button.focus();
  } else if ('remove' in button.dataset) {
    const box = field(row, 'DELETE');
    if (box) box.checked = true;
    row.hidden = true;
    query.focus();
  } else {
    return;
  }
  renumber();
});

function addRow(entry) {
  let row = rows().find(isEmpty);
  if (!row) {
    const index = Number(total.value);
    const html = template.innerHTML.replace(/__prefix__/g, String(index));
    list.insertAdjacentHTML('beforeend', html);
    total.value = String(index + 1);
    row = list.lastElementChild;
    wire(row);
  }
  field(row, 'exercise').value = entry.slug;
  field(row, 'sets').value = entry.sets || 1;
  field(row, 'reps').value = entry.reps || '';
  field(row, 'hold_seconds').value = entry.hold_seconds || '';
  list.appendChild(row); // a new exercise goes last
  renumber();
  field(row, 'sets').focus();
}

function show(text) {
  const words = text.toLowerCase().trim().split(/\s+/).filter(Boolean);
  const found = catalog.filter((entry) => {
    const hay = `${entry.name} ${entry.body_part} ${kind(entry)} ${entry.protocol}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  results.replaceChildren(
    ...found.slice(0, 12).map((entry) => {
      const li = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button';
      button.textContent = `Add ${entry.name}`;
      const detail = document.createElement('span');
      detail.className = 'muted';
      detail.textContent = ` ${entry.body_part || 'any'} · ${kind(entry)}`;
      button.addEventListener('click', () => addRow(entry));
      li.append(button, detail);
      return li;
    }),
  );
}

rows().forEach(wire);
list.querySelectorAll('[data-row]').forEach((row) => {
  const box = field(row, 'DELETE');
  if (box && box.checked) row.hidden = true;
});
document.querySelectorAll('[data-no-js-hint]').forEach((el) => {
  el.hidden = true;
});
search.hidden = false;
query.addEventListener('input', () => show(query.value));
query.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') event.preventDefault(); // Enter searches; it never saves the form
});
show('');
renumber();
