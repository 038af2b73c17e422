// A signature answer: drawn with a finger, pen or mouse on a pad, or typed (for keyboards and
// screen readers: the name is written on the pad in a handwriting face), then saved as a PNG
// image uploaded like any file; the answer names the upload.
import { useEffect, useRef, useState } from 'preact/hooks';
import { describeError } from '../tickets/uploads';
import type { FileHost } from './files';
import type { Field, Json } from './types';

interface Props {
  field: Field;
  value: Json | undefined;
  onValue: (value: Json | undefined) => void;
  host?: FileHost;
  inputId: string;
  describedBy?: string;
}

const WIDTH = 600;
const HEIGHT = 200;

export function SignaturePad({ field: f, value, onValue, host, inputId, describedBy }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [marked, setMarked] = useState(false);
  const [typed, setTyped] = useState('');
  const [state, setState] = useState<'empty' | 'saving' | 'saved' | 'failed'>(typeof value === 'string' ? 'saved' : 'empty');
  const [error, setError] = useState<string | null>(null);

  const ctx = () => {
    const c = canvas.current?.getContext('2d');
    if (c) {
      c.lineWidth = 3;
      c.lineCap = 'round';
      c.strokeStyle = '#0f172a';
    }
    return c;
  };
  const point = (e: PointerEvent) => {
    const r = canvas.current!.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * WIDTH, ((e.clientY - r.top) / r.height) * HEIGHT] as const;
  };
  const clear = () => {
    ctx()?.clearRect(0, 0, WIDTH, HEIGHT);
    setMarked(false);
  };
  useEffect(() => {
    if (!typed) return;
    const c = ctx();
    if (!c) return;
    c.clearRect(0, 0, WIDTH, HEIGHT);
    c.fillStyle = '#0f172a';
    c.font = 'italic 56px "Brush Script MT", "Segoe Script", cursive';
    c.textBaseline = 'middle';
    c.fillText(typed, 24, HEIGHT / 2, WIDTH - 48);
    setMarked(true);
  }, [typed]);

  const save = async () => {
    if (!host || !canvas.current || !marked) return;
    setState('saving');
    setError(null);
    try {
      const blob = await new Promise<Blob>((resolve, reject) =>
        canvas.current!.toBlob((b) => (b ? resolve(b) : reject(new Error('The signature could not be drawn.'))), 'image/png'),
      );
      const file = new File([blob], 'signature.png', { type: 'image/png' });
      const done = await host.upload(f.key, file, () => undefined);
      onValue(done.id);
      setState('saved');
    } catch (e) {
      setState('failed');
      setError(describeError(e, 'starting'));
    }
  };

  if (state === 'saved' && typeof value === 'string') {
    return (
      <div class="form-signature">
        <p class="field__hint" role="status">
          Your signature is saved.
        </p>
        <button
          type="button"
          class="button button--secondary button--small"
          onClick={() => {
            onValue(undefined);
            setState('empty');
            setTyped('');
            setMarked(false);
          }}
        >
          Sign again
        </button>
      </div>
    );
  }

  return (
    <div class="form-signature">
      <canvas
        ref={canvas}
        width={WIDTH}
        height={HEIGHT}
        class="form-signature__pad"
        role="img"
        aria-label="Signature pad: draw your signature here, or type your name below"
        onPointerDown={(e) => {
          const c = ctx();
          if (!c) return;
          drawing.current = true;
          (e.currentTarget as HTMLCanvasElement).setPointerCapture?.(e.pointerId);
          const [x, y] = point(e);
          c.beginPath();
          c.moveTo(x, y);
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          const c = ctx();
          const [x, y] = point(e);
          c?.lineTo(x, y);
          c?.stroke();
          setMarked(true);
        }}
        onPointerUp={() => {
          drawing.current = false;
        }}
      />
      <div class="field">
        <label for={inputId}>Or type your name to sign</label>
        <input id={inputId} value={typed} aria-describedby={describedBy} onInput={(e) => setTyped(e.currentTarget.value)} />
      </div>
      <div class="form-actions">
        <button
          type="button"
          class="button button--secondary button--small"
          onClick={() => {
            clear();
            setTyped('');
          }}
        >
          Clear
        </button>
        <button type="button" class="button button--small" disabled={!host || !marked || state === 'saving'} onClick={() => void save()}>
          {state === 'saving' ? 'Saving…' : 'Save signature'}
        </button>
      </div>
      {!host && <p class="field__hint">Signatures are saved when the form is filled in.</p>}
      {error && (
        <p class="field__error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
