// The builder's pages and their fields: pick one to configure, reorder by dragging or from the
// keyboard (the handle moves its field with the arrow keys, across pages too), add a field of
// any type to a page. Every move is announced.
import { useRef, useState } from 'preact/hooks';
import { FIELD_TYPES, typeName } from './builder';
import { fieldLabel } from './fill';
import type { FieldType, FormDocument } from './types';

export type Place = [number, number];

interface Props {
  doc: FormDocument;
  selected: Place | null;
  onSelect: (p: Place) => void;
  onMove: (from: Place, to: Place) => void;
  onAdd: (page: number, type: FieldType) => void;
  onPage: (page: number, change: { title?: string }) => void;
  onMovePage: (from: number, to: number) => void;
  onRemovePage: (page: number) => void;
  onAddPage: () => void;
}

export function FieldList({ doc, selected, onSelect, onMove, onAdd, onPage, onMovePage, onRemovePage, onAddPage }: Props) {
  const [said, setSaid] = useState('');
  const [adding, setAdding] = useState<FieldType>('text');
  const dragged = useRef<Place | null>(null);
  const [over, setOver] = useState<string | null>(null);
  const list = useRef<HTMLDivElement>(null);

  const total = (p: number) => doc.pages[p].fields.length;
  /** Says where a field went; `size` counts the fields of `from`'s page before the move. */
  const announce = (label: string, from: Place, to: Place) => {
    const size = to[0] === from[0] ? total(from[0]) : total(to[0]) + 1;
    setSaid(`${label} moved to position ${to[1] + 1} of ${size} on page ${to[0] + 1}.`);
  };

  const keyMove = (from: Place, e: KeyboardEvent) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    e.preventDefault();
    const [p, i] = from;
    let to: Place | null = null;
    if (e.key === 'ArrowUp') to = i > 0 ? [p, i - 1] : p > 0 ? [p - 1, total(p - 1)] : null;
    else to = i < total(p) - 1 ? [p, i + 1] : p < doc.pages.length - 1 ? [p + 1, 0] : null;
    if (!to) return;
    const label = fieldLabel(doc.pages[p].fields[i]);
    onMove(from, to);
    announce(label, from, to);
    // Keep the focus on the moved field's handle.
    const target = to;
    requestAnimationFrame(() => list.current?.querySelector<HTMLElement>(`[data-handle="${target[0]}-${target[1]}"]`)?.focus());
  };

  const drop = (to: Place) => {
    const from = dragged.current;
    dragged.current = null;
    setOver(null);
    if (!from || (from[0] === to[0] && from[1] === to[1])) return;
    const label = fieldLabel(doc.pages[from[0]].fields[from[1]]);
    // Dropped below itself on the same page: the place counts after its removal.
    const at: Place = from[0] === to[0] && to[1] > from[1] ? [to[0], to[1] - 1] : to;
    onMove(from, at);
    announce(label, from, at);
  };

  return (
    <div class="builder-pages" ref={list}>
      <p class="visually-hidden" role="status">
        {said}
      </p>
      <p class="field__hint" id="builder-move-help">
        Drag a field by its handle, or focus the handle and press the up and down arrow keys.
      </p>
      {doc.pages.map((page, p) => (
        <section class="panel builder-page" key={page.key} aria-label={`Page ${p + 1}`}>
          <div class="builder-page__head">
            <label class="builder-page__title">
              <span>Page {p + 1} title</span>
              <input value={page.title ?? ''} onInput={(e) => onPage(p, { title: e.currentTarget.value })} />
            </label>
            <div class="builder-page__tools">
              <button
                type="button"
                class="button button--secondary button--small"
                disabled={p === 0}
                onClick={() => onMovePage(p, p - 1)}
                aria-label={`Move page ${p + 1} up`}
              >
                ↑
              </button>
              <button
                type="button"
                class="button button--secondary button--small"
                disabled={p === doc.pages.length - 1}
                onClick={() => onMovePage(p, p + 1)}
                aria-label={`Move page ${p + 1} down`}
              >
                ↓
              </button>
              {doc.pages.length > 1 && page.fields.length === 0 && (
                <button type="button" class="button button--secondary button--small" onClick={() => onRemovePage(p)}>
                  Remove page
                </button>
              )}
            </div>
          </div>
          <ol
            class={`builder-fields${over === `${p}-end` ? ' builder-fields--over' : ''}`}
            onDragOver={(e) => {
              e.preventDefault();
              if (!page.fields.length) setOver(`${p}-end`);
            }}
            onDrop={(e) => {
              e.preventDefault();
              drop([p, page.fields.length]);
            }}
          >
            {page.fields.map((f, i) => {
              const chosen = selected?.[0] === p && selected[1] === i;
              return (
                <li
                  key={f.key}
                  class={`builder-field${chosen ? ' builder-field--selected' : ''}${over === `${p}-${i}` ? ' builder-field--over' : ''}`}
                  onDragOver={(e) => {
                    e.preventDefault();
                    e.stopPropagation();
                    setOver(`${p}-${i}`);
                  }}
                  onDrop={(e) => {
                    e.preventDefault();
                    e.stopPropagation();
                    drop([p, i]);
                  }}
                >
                  <button
                    type="button"
                    class="builder-field__handle"
                    draggable
                    data-handle={`${p}-${i}`}
                    aria-label={`Move ${fieldLabel(f)}`}
                    aria-describedby="builder-move-help"
                    onDragStart={(e) => {
                      dragged.current = [p, i];
                      e.dataTransfer?.setData('text/plain', f.key);
                    }}
                    onDragEnd={() => setOver(null)}
                    onKeyDown={(e) => keyMove([p, i], e)}
                  >
                    ⠿
                  </button>
                  <button type="button" class="builder-field__pick" aria-pressed={chosen} onClick={() => onSelect([p, i])}>
                    <span class="builder-field__label">
                      {fieldLabel(f)}
                      {f.required ? ' *' : ''}
                    </span>
                    <span class="builder-field__type">{typeName(f.type)}</span>
                  </button>
                </li>
              );
            })}
          </ol>
          <div class="builder-add">
            <label>
              <span class="visually-hidden">Type of field to add to page {p + 1}</span>
              <select value={adding} onChange={(e) => setAdding(e.currentTarget.value as FieldType)}>
                {FIELD_TYPES.map(([t, name]) => (
                  <option key={t} value={t}>
                    {name}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" class="button button--secondary" onClick={() => onAdd(p, adding)}>
              Add to page {p + 1}
            </button>
          </div>
        </section>
      ))}
      <button type="button" class="button button--secondary" onClick={onAddPage}>
        Add page
      </button>
    </div>
  );
}
