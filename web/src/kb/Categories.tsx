// The KB's categories (its managers): added under another (three levels at most), renamed,
// moved under another parent (what is under it moves along), reordered by position among
// their siblings, and removed when nothing is under them (their articles read as
// uncategorized). Edits are guarded by the category's version.
import { useRef, useState } from 'preact/hooks';
import { staleEdit } from '../api/messages';
import { ApiError, errorMessage } from '../api/problem';
import { useTenant } from '../admin/useTenant';
import { Empty } from '../ui/Card';
import { ConfirmButton } from '../ui/Confirm';
import { EditActions, FormError, SelectField, TextArea, TextField } from '../ui/Field';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useForm, type FormState } from '../ui/useForm';
import { useResource } from '../ui/useResource';
import { createCategory, deleteCategory, kbHref, listCategories, managesKb, updateCategory, type Category } from './api';
import { blankCategory, categoryValues, toCategoryBody, type CategoryValues } from './editor';
import { kbCall } from './problems';
import { buildTree, parentChoices, type CategoryNode } from './tree';
import './kb.css';

export default function Categories() {
  const { tenantId, picker } = useTenant();
  if (!managesKb(tenantId))
    return (
      <Page title="Categories">
        <Empty>The knowledge base’s categories are arranged by its managers.</Empty>
      </Page>
    );
  return (
    <Page title="Categories">
      {picker}
      <Arrange key={tenantId} tenantId={tenantId} />
    </Page>
  );
}

interface Shared {
  tenantId: string;
  all: Category[];
  reload: () => Promise<void>;
  say: (s: string) => void;
}

function Arrange({ tenantId }: { tenantId: string }) {
  const categories = useResource(() => listCategories(tenantId), [tenantId]);
  const [said, setSaid] = useState('');
  const all = categories.data ?? [];
  const shared: Shared = { tenantId, all, reload: categories.reload, say: setSaid };
  return (
    <>
      <p>
        <a href={kbHref(tenantId)}>Back to the knowledge base</a>
      </p>
      <p class="muted">
        Categories go three levels deep. Among categories under the same parent, the lowest position is listed first. A category with
        sub-categories is removed once they are moved or removed; its articles then read as uncategorized.
      </p>
      <p role="status" class={said ? 'alert alert--ok' : 'visually-hidden'}>
        {said}
      </p>
      {categories.data && <NewCategory key={all.length} shared={shared} />}
      <section class="panel kb-categories" aria-labelledby="kb-category-list">
        <h2 id="kb-category-list">Categories, in the order listed</h2>
        {categories.error ? (
          <ErrorNote error={categories.error} />
        ) : !categories.data ? (
          <Loading />
        ) : !all.length ? (
          <Empty>No categories yet.</Empty>
        ) : (
          <Branch nodes={buildTree(all)} shared={shared} />
        )}
      </section>
    </>
  );
}

function Branch({ nodes, shared }: { nodes: CategoryNode[]; shared: Shared }) {
  return (
    <ol>
      {nodes.map((n) => (
        <li key={n.category.id}>
          <CategoryItem category={n.category} shared={shared} />
          {n.children.length > 0 && <Branch nodes={n.children} shared={shared} />}
        </li>
      ))}
    </ol>
  );
}

function CategoryFields({ form, all, moving }: { form: FormState<CategoryValues>; all: Category[]; moving?: Category }) {
  const { values: v, errors, set } = form;
  return (
    <>
      <TextField label="Name" name="name" value={v.name} onValue={(x) => set('name', x)} error={errors.name} maxLength={120} />
      <TextArea
        label="Description (optional)"
        name="description"
        rows={2}
        value={v.description}
        onValue={(x) => set('description', x)}
        error={errors.description}
      />
      <SelectField
        label="Under"
        name="parent_id"
        value={v.parent_id}
        placeholder="Nothing: a top-level category"
        options={parentChoices(all, moving).map((f) => ({ value: f.category.id, label: f.path }))}
        onValue={(x) => set('parent_id', x)}
        error={errors.parent_id}
      />
      <TextField
        label="Position"
        name="position"
        inputMode="numeric"
        autoComplete="off"
        hint="Lowest first among the categories under the same parent; 100 when left empty."
        value={v.position}
        onValue={(x) => set('position', x)}
        error={errors.position}
      />
    </>
  );
}

function NewCategory({ shared }: { shared: Shared }) {
  const form = useForm<CategoryValues>(blankCategory());
  const submit = form.submit(async (v) => {
    const made = await kbCall(() => createCategory(shared.tenantId, toCategoryBody(v)));
    await shared.reload();
    shared.say(`Added ${made.name}.`);
  });
  return (
    <section class="panel" aria-labelledby="kb-new-category">
      <h2 id="kb-new-category">Add a category</h2>
      <form class="form" onSubmit={submit} ref={form.formRef} noValidate>
        <FormError message={form.formError} />
        <CategoryFields form={form} all={shared.all} />
        <div class="actions">
          <button class="button" type="submit" disabled={form.busy}>
            Add category
          </button>
        </div>
      </form>
    </section>
  );
}

function CategoryItem({ category: c, shared }: { category: Category; shared: Shared }) {
  const [editing, setEditing] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);

  if (editing) {
    return (
      <EditCategory
        category={c}
        shared={shared}
        onDone={async (saved) => {
          setEditing(false);
          if (saved) {
            shared.say(`Saved ${saved.name}.`);
            await shared.reload();
          }
          queueMicrotask(() => editButton.current?.focus());
        }}
      />
    );
  }
  const remove = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await deleteCategory(shared.tenantId, c.id);
      shared.say(`Removed ${c.name}.`);
      await shared.reload();
    } catch (e) {
      setProblem(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <article class="kb-category" aria-label={c.name}>
      <h3 class="kb-category__head">
        <span class="badge">#{c.position}</span> {c.name}
      </h3>
      {c.description && <p class="muted">{c.description}</p>}
      {problem && (
        <p class="alert alert--error" role="alert">
          {problem}
        </p>
      )}
      <div class="actions">
        <button type="button" class="button button--small button--secondary" ref={editButton} onClick={() => setEditing(true)}>
          Edit<span class="visually-hidden"> {c.name}</span>
        </button>
        <ConfirmButton
          label="Remove…"
          subject={c.name}
          confirm={`Remove ${c.name}`}
          decline="Keep it"
          danger
          disabled={busy}
          note="Its articles stay, uncategorized."
          onConfirm={() => void remove()}
        />
      </div>
    </article>
  );
}

function EditCategory({
  category: c,
  shared,
  onDone,
}: {
  category: Category;
  shared: Shared;
  onDone: (saved?: Category) => Promise<void>;
}) {
  const form = useForm<CategoryValues>(categoryValues(c));
  const [stale, setStale] = useState(false);
  const submit = form.submit(async (v) => {
    try {
      await onDone(await kbCall(() => updateCategory(shared.tenantId, c, toCategoryBody(v))));
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) {
        setStale(true);
        throw new Error(staleEdit('category'));
      }
      throw e;
    }
  });
  return (
    <form class="form kb-category" onSubmit={submit} ref={form.formRef} noValidate aria-label={`Edit ${c.name}`}>
      <h3 class="kb-category__head">Edit {c.name}</h3>
      <FormError message={form.formError} />
      <CategoryFields form={form} all={shared.all} moving={c} />
      <EditActions
        save="Save category"
        busy={form.busy}
        stale={stale}
        onReload={() => {
          // The list reads the category again; editing starts over from what the server has.
          void shared.reload().then(() => onDone());
        }}
        onCancel={() => void onDone()}
      />
    </form>
  );
}
