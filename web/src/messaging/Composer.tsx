// Writing in a conversation: Markdown with @mentions of members (a list to pick from as you
// type, by keyboard or pointer), files attached (uploaded as soon as they are picked), a reply
// to a thread, and "typing…" told to the others at most every three seconds.
import { useId, useRef, useState } from 'preact/hooks';
import { errorMessage } from '../api/problem';
import { user } from '../app/session';
import { live } from '../live/socket';
import { describeError, xhrSend } from '../tickets/uploads';
import { FormError, TextArea } from '../ui/Field';
import { useForm } from '../ui/useForm';
import { postMessage, uploadFile, type ChatFile, type ChatMessage, type Contact, type Conversation } from './api';
import { candidates, insertMention, mentionAt, mentioned, type MentionQuery } from './mentions';

const TYPING_EVERY_MS = 3000;
const MAX_FILES = 10;

interface Pending {
  key: string;
  name: string;
  file?: ChatFile;
  error?: string;
}

interface Props {
  tenantId: string;
  conversation: Conversation;
  replyTo: ChatMessage | null;
  onCancelReply: () => void;
  textarea: { current: HTMLTextAreaElement | null };
  onSent: () => Promise<void>;
  nameOf: (userId: string) => string;
}

export function Composer({ tenantId, conversation, replyTo, onCancelReply, textarea, onSent, nameOf }: Props) {
  const form = useForm({ body: '' });
  const [query, setQuery] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  const [picked, setPicked] = useState<Contact[]>([]);
  const [files, setFiles] = useState<Pending[]>([]);
  const lastTyping = useRef(0);
  const listId = useId();
  const me = user.value?.id;
  const people = (conversation.people ?? []).filter((p) => p.id !== me);
  const options = query ? candidates(people, query.text) : [];
  const open = options.length > 0;

  const submit = form.submit(async ({ body }) => {
    if (files.some((f) => !f.file && !f.error)) throw new Error('Wait until the files are uploaded.');
    const attachments = files.flatMap((f) => (f.file ? [f.file.id] : []));
    await postMessage(tenantId, conversation.id, body, { parent: replyTo?.seq, mentions: mentioned(body, picked), attachments });
    form.reset();
    setPicked([]);
    setFiles([]);
    setQuery(null);
    await onSent();
  });

  const typed = (value: string) => {
    form.set('body', value);
    const caret = textarea.current?.selectionStart ?? value.length;
    setQuery(mentionAt(value, caret));
    setActive(0);
    const now = Date.now();
    if (now - lastTyping.current > TYPING_EVERY_MS) {
      lastTyping.current = now;
      live().publish({ type: 'typing', topic: `conversation:${conversation.id}` });
    }
  };

  const choose = (person: Contact) => {
    if (!query) return;
    const caret = textarea.current?.selectionStart ?? form.values.body.length;
    const next = insertMention(form.values.body, query, caret, person.name);
    form.set('body', next.value);
    setPicked((p) => (p.some((x) => x.id === person.id) ? p : [...p, person]));
    setQuery(null);
    queueMicrotask(() => {
      textarea.current?.focus();
      textarea.current?.setSelectionRange(next.caret, next.caret);
    });
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (open) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((i) => (i + (e.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        choose(options[Math.min(active, options.length - 1)]);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        setQuery(null);
        return;
      }
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
  };

  const attach = async (picked: FileList | null) => {
    const list = [...(picked ?? [])].slice(0, Math.max(0, MAX_FILES - files.length));
    for (const file of list) {
      const key = `${file.name}-${Math.random().toString(36).slice(2)}`;
      setFiles((f) => [...f, { key, name: file.name }]);
      try {
        const done = await uploadFile(tenantId, conversation.id, file, (target, body) => xhrSend(target, body, () => undefined));
        setFiles((f) => f.map((x) => (x.key === key ? { ...x, file: done } : x)));
      } catch (e) {
        setFiles((f) => f.map((x) => (x.key === key ? { ...x, error: describeError(e, 'starting') || errorMessage(e) } : x)));
      }
    }
  };

  return (
    <form class="form panel chat__composer" onSubmit={submit} ref={form.formRef} noValidate>
      <FormError message={form.formError} />
      {replyTo && (
        <p class="chat__replying">
          Replying to {nameOf(replyTo.author_id)}.{' '}
          <button type="button" class="link-button" onClick={onCancelReply}>
            Cancel reply
          </button>
        </p>
      )}
      <div class="chat__compose">
        <TextArea
          label={replyTo ? 'Reply' : 'Message'}
          name="body"
          rows={3}
          value={form.values.body}
          onValue={typed}
          error={form.errors.body ?? form.errors.mentions}
          hint="Markdown works. Type @ to mention someone. Ctrl+Enter (⌘+Enter) sends."
          inputRef={textarea}
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open ? `${listId}-${Math.min(active, options.length - 1)}` : undefined}
          onKeyDown={onKeyDown}
        />
        <ul id={listId} role="listbox" aria-label="People to mention" class="chat__mentions" hidden={!open}>
          {options.map((p, i) => (
            <li
              key={p.id}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === Math.min(active, options.length - 1)}
              class={i === active ? 'chat__mention chat__mention--active' : 'chat__mention'}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(p);
              }}
            >
              {p.name}
            </li>
          ))}
        </ul>
      </div>
      {files.length > 0 && (
        <ul class="list chat__files" aria-label="Files to send">
          {files.map((f) => (
            <li key={f.key}>
              {f.name} <span class="muted">· {f.error ? '' : f.file ? 'ready' : 'uploading…'}</span>
              {f.error && <span class="field__error"> {f.error}</span>}{' '}
              <button type="button" class="link-button" onClick={() => setFiles((all) => all.filter((x) => x.key !== f.key))}>
                Remove<span class="visually-hidden"> {f.name}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="actions">
        <label class="button button--secondary chat__attach">
          Attach files
          <input
            type="file"
            multiple
            class="visually-hidden"
            onChange={(e) => {
              void attach(e.currentTarget.files);
              e.currentTarget.value = '';
            }}
          />
        </label>
        <button class="button" type="submit" disabled={form.busy}>
          Send
        </button>
      </div>
    </form>
  );
}
