// The form's rules, each "when a field compares with a value, show or hide a field or a page,
// or skip from one page to another". Rules written another way (several tests, several
// actions: through the API) are kept as they are and may be removed.
import { ACTIONS, OPS, ruleOf, simpleOf, type SimpleRule } from './builder';
import { fieldLabel } from './fill';
import type { FormDocument, Rule } from './types';

interface Props {
  doc: FormDocument;
  errors: Record<number, string>;
  onChange: (rules: Rule[]) => void;
}

export function RulesEditor({ doc, errors, onChange }: Props) {
  const rules = doc.rules ?? [];
  const fields = doc.pages.flatMap((p) => p.fields).filter((f) => !['section', 'paragraph', 'divider'].includes(f.type));
  const pages = doc.pages.map((p, i) => ({ key: p.key, name: p.title || `Page ${i + 1}` }));
  const set = (i: number, s: SimpleRule) => onChange(rules.map((r, n) => (n === i ? ruleOf(s, doc) : r)));
  const add = () => {
    if (fields.length < 2) return;
    const s: SimpleRule = {
      field: fields[0].key,
      op: 'is_not_empty',
      value: '',
      action: 'show',
      target: fields[fields.length - 1].key,
      from: '',
    };
    onChange([...rules, ruleOf(s, doc)]);
  };
  return (
    <section class="panel builder-rules" aria-labelledby="builder-rules">
      <h2 id="builder-rules">Rules</h2>
      {!rules.length && <p class="field__hint">No rules: every field and page shows, in order.</p>}
      <ol class="builder-rule-list">
        {rules.map((r, i) => {
          const s = simpleOf(r);
          return (
            <li key={i} class="builder-rule">
              {s ? (
                <fieldset class="fieldset">
                  <legend>Rule {i + 1}</legend>
                  <div class="form--inline">
                    <label class="field">
                      <span>When</span>
                      <select value={s.field} onChange={(e) => set(i, { ...s, field: e.currentTarget.value })}>
                        {fields.map((f) => (
                          <option key={f.key} value={f.key}>
                            {fieldLabel(f)}
                          </option>
                        ))}
                      </select>
                    </label>
                    <label class="field">
                      <span>Test</span>
                      <select value={s.op} onChange={(e) => set(i, { ...s, op: e.currentTarget.value as SimpleRule['op'] })}>
                        {OPS.map(([op, words]) => (
                          <option key={op} value={op}>
                            {words}
                          </option>
                        ))}
                      </select>
                    </label>
                    {s.op !== 'is_empty' && s.op !== 'is_not_empty' && (
                      <label class="field">
                        <span>Value</span>
                        <input value={s.value} onInput={(e) => set(i, { ...s, value: e.currentTarget.value })} />
                      </label>
                    )}
                    <label class="field">
                      <span>Then</span>
                      <select
                        value={s.action}
                        onChange={(e) => {
                          const action = e.currentTarget.value as SimpleRule['action'];
                          const onPages = action !== 'show' && action !== 'hide';
                          const target = onPages ? pages[pages.length - 1].key : fields[fields.length - 1].key;
                          set(i, { ...s, action, target, from: action === 'skip_to' ? pages[0].key : '' });
                        }}
                      >
                        {ACTIONS.map(([a, words]) => (
                          <option key={a} value={a}>
                            {words}
                          </option>
                        ))}
                      </select>
                    </label>
                    {s.action === 'skip_to' && (
                      <label class="field">
                        <span>From page</span>
                        <select value={s.from} onChange={(e) => set(i, { ...s, from: e.currentTarget.value })}>
                          {pages.map((p) => (
                            <option key={p.key} value={p.key}>
                              {p.name}
                            </option>
                          ))}
                        </select>
                      </label>
                    )}
                    <label class="field">
                      <span>{s.action === 'show' || s.action === 'hide' ? 'Field' : 'Page'}</span>
                      <select value={s.target} onChange={(e) => set(i, { ...s, target: e.currentTarget.value })}>
                        {(s.action === 'show' || s.action === 'hide'
                          ? fields.map((f) => ({ key: f.key, name: fieldLabel(f) }))
                          : pages
                        ).map((t) => (
                          <option key={t.key} value={t.key}>
                            {t.name}
                          </option>
                        ))}
                      </select>
                    </label>
                  </div>
                  {errors[i] && <p class="field__error">{errors[i]}</p>}
                  <button type="button" class="link-button" onClick={() => onChange(rules.filter((_, n) => n !== i))}>
                    Remove rule {i + 1}
                  </button>
                </fieldset>
              ) : (
                <p>
                  Rule {i + 1} combines several tests or actions and is kept as written.{' '}
                  <button type="button" class="link-button" onClick={() => onChange(rules.filter((_, n) => n !== i))}>
                    Remove rule {i + 1}
                  </button>
                </p>
              )}
            </li>
          );
        })}
      </ol>
      <button type="button" class="button button--secondary" disabled={fields.length < 2} onClick={add}>
        Add rule
      </button>
    </section>
  );
}
