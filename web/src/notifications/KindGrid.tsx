// The grid of notification kinds (rows) by channel (columns), with each kind's email delivery
// and whose choice applies. A table on wide screens; on a phone each kind is a card with its
// controls labelled in view. Every control is named for screen readers ("Replies by email").
import type { KindEditor } from './useKindEditor';
import { CHANNELS, channelName, DELIVERY_OPTIONS, deliveryName, rowsOf, type Channel, type Row, type Scope } from './preferences';
import { isOption } from '../ui/options';
import './preferences.css';

interface Props {
  editor: KindEditor;
  scope: Scope;
  caption: string;
  /** Ids of notes about a channel (texts go to…, no browser has push…), read with its checkboxes. */
  notes?: Partial<Record<Channel, string>>;
}

export function KindGrid({ editor, scope, caption, notes = {} }: Props) {
  const rows = rowsOf(editor.kinds, scope);
  return (
    <div class="table-wrap kind-grid">
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Notification</th>
            {CHANNELS.slice(0, 2).map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
            <th scope="col">Email delivery</th>
            {CHANNELS.slice(2).map((c) => (
              <th key={c.key} scope="col">
                {c.label}
              </th>
            ))}
            <th scope="col">Set by</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <KindRow key={row.kind} row={row} editor={editor} notes={notes} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function KindRow({ row, editor, notes }: { row: Row; editor: KindEditor; notes: Partial<Record<Channel, string>> }) {
  const error = editor.errors[row.kind];
  const errorId = `kind-error-${row.kind}`;
  const described = (channel?: Channel) => [channel && notes[channel], error && errorId].filter(Boolean).join(' ') || undefined;
  const check = (channel: Channel) => {
    const c = CHANNELS.find((x) => x.key === channel)!;
    return (
      <td class="kind-grid__channel">
        <label class="kind-grid__check">
          <input
            type="checkbox"
            aria-label={channelName(row.kind, channel)}
            aria-describedby={described(channel)}
            checked={row.setting[channel]}
            onChange={(e) => void editor.edit(row.kind, { channel, on: e.currentTarget.checked })}
          />
          <span class="kind-grid__check-text">{c.label}</span>
        </label>
      </td>
    );
  };
  return (
    <tr class={error ? 'kind-grid__row kind-grid__row--invalid' : 'kind-grid__row'}>
      <th scope="row" class="kind-grid__kind">
        {row.label}
        {error && (
          <p class="field__error" id={errorId}>
            {error}
          </p>
        )}
      </th>
      {check('in_app')}
      {check('email')}
      <td class="kind-grid__delivery">
        <label class="kind-grid__select">
          <span class="kind-grid__check-text">Email delivery</span>
          <select
            aria-label={deliveryName(row.kind)}
            aria-describedby={described()}
            value={row.setting.delivery}
            onChange={(e) => {
              const delivery = e.currentTarget.value;
              if (isOption(DELIVERY_OPTIONS, delivery)) void editor.edit(row.kind, { delivery });
            }}
          >
            {DELIVERY_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
      </td>
      {check('sms')}
      {check('push')}
      <td class="kind-grid__source">
        <span class={row.own ? 'badge badge--own' : 'badge'}>{row.badge}</span>
        {row.resetLabel && (
          <button
            type="button"
            class="button button--secondary button--small"
            aria-label={`${row.resetLabel} for ${row.label}`}
            onClick={() => void editor.reset(row.kind)}
          >
            {row.resetLabel}
          </button>
        )}
      </td>
    </tr>
  );
}
