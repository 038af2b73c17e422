// The answer of a file or image field: files chosen are uploaded at once (progress, errors in
// words, remove), and the answer names the uploaded ids. Files of a resumed draft are named
// again from the server. Without a host (the builder's preview) nothing is uploaded.
import { useEffect, useState } from 'preact/hooks';
import { describeError, formatSize } from '../tickets/uploads';
import type { FileHost } from './files';
import type { Field, Json } from './types';

interface Item {
  key: string;
  id?: string;
  filename: string;
  size: number;
  progress: number;
  error?: string;
}

interface Props {
  field: Field;
  value: Json | undefined;
  onValue: (value: Json | undefined) => void;
  host?: FileHost;
  inputId: string;
  describedBy?: string;
  invalid?: boolean;
}

const idsOf = (v: Json | undefined): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

export function FileAnswer({ field: f, value, onValue, host, inputId, describedBy, invalid }: Props) {
  const [items, setItems] = useState<Item[]>(() => idsOf(value).map((id) => ({ key: id, id, filename: 'File', size: 0, progress: 100 })));
  const single = f.max === '1';
  const accept = f.accept?.length ? f.accept.join(',') : f.type === 'image' ? 'image/*' : undefined;

  useEffect(() => {
    if (!host) return;
    for (const id of idsOf(value)) {
      host.describe(id).then(
        (d) => setItems((all) => all.map((i) => (i.id === id ? { ...i, filename: d.filename, size: d.size } : i))),
        () => undefined,
      );
    }
  }, []);

  const publish = (next: Item[]) => {
    const ids = next.filter((i) => i.id).map((i) => i.id!);
    onValue(ids.length ? ids : undefined);
  };

  const add = async (files: FileList | null) => {
    if (!host || !files) return;
    for (const file of Array.from(files)) {
      const key = `${file.name}-${Date.now()}-${Math.random()}`;
      setItems((all) => [...(single ? [] : all), { key, filename: file.name, size: file.size, progress: 0 }]);
      try {
        const done = await host.upload(f.key, file, (loaded, total) =>
          setItems((all) => all.map((i) => (i.key === key ? { ...i, progress: total ? Math.floor((loaded / total) * 100) : 0 } : i))),
        );
        setItems((all) => {
          const next = all.map((i) => (i.key === key ? { ...i, id: done.id, progress: 100 } : i));
          publish(next);
          return next;
        });
      } catch (e) {
        setItems((all) => all.map((i) => (i.key === key ? { ...i, error: describeError(e, 'starting') } : i)));
      }
    }
  };

  const remove = (key: string) =>
    setItems((all) => {
      const next = all.filter((i) => i.key !== key);
      publish(next);
      return next;
    });

  return (
    <div class="form-files">
      <input
        id={inputId}
        type="file"
        accept={accept}
        multiple={!single}
        disabled={!host}
        aria-describedby={describedBy}
        aria-invalid={invalid}
        onChange={(e) => {
          void add(e.currentTarget.files);
          e.currentTarget.value = '';
        }}
      />
      {!host && <p class="field__hint">Files are uploaded when the form is filled in.</p>}
      {items.length > 0 && (
        <ul class="form-files__list">
          {items.map((i) => (
            <li key={i.key}>
              <span class="form-files__name">
                {i.filename}
                {i.size ? ` (${formatSize(i.size)})` : ''}
              </span>
              {!i.id && !i.error && <progress max={100} value={i.progress} aria-label={`Upload of ${i.filename}`} />}
              {i.id && <span class="field__hint">Uploaded</span>}
              {i.error && (
                <span class="field__error" role="alert">
                  {i.error}
                </span>
              )}
              <button type="button" class="link-button" onClick={() => remove(i.key)}>
                Remove {i.filename}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
