// One submission as it was answered: each field of the version it answered with its answer
// (choices by label), the calculated values, who sent it and when.
import { formatSize } from '../tickets/uploads';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { formVersion, getSubmission, resultsPath, type Submission } from './api';
import { submissionFileUrl, type FormFile } from './files';
import { answerFields, answerText } from './results';
import type { FormDocument, Json } from './types';
import './forms.css';

interface Props {
  formId: string;
  tenantId: string;
  submissionId: string;
}

export default function SubmissionPage({ formId, tenantId, submissionId }: Props) {
  const got = useResource(async () => {
    const s = await getSubmission(tenantId, formId, submissionId);
    return { s, doc: await formVersion(formId, s.version) };
  }, [formId, tenantId, submissionId]);
  if (got.error)
    return (
      <Page title="Submission">
        <ErrorNote error={got.error} />
      </Page>
    );
  if (!got.data)
    return (
      <Page title="Submission">
        <Loading />
      </Page>
    );
  const { s, doc } = got.data;
  return (
    <Page title={`Submission from ${s.submitter?.name || 'someone'}`}>
      <p class="field__hint">
        {s.submitter?.email ? `${s.submitter.email} · ` : ''}
        {new Date(s.submitted_at).toLocaleString()} · version {s.version}
      </p>
      <AnswerList submission={s} doc={doc} />
      <a href={resultsPath(formId)}>All results</a>
    </Page>
  );
}

/** A submission's answers by field of the version it answered, its files to download. */
export function AnswerList({ submission: s, doc }: { submission: Submission; doc: FormDocument }) {
  const values = s.values as Record<string, Json>;
  const answered = answerFields(doc).filter((f) => values[f.key] !== undefined);
  const [tenantId, formId, submissionId] = [s.tenant_id, s.form_id, s.id];
  return (
    <>
      {answered.length ? (
        <dl class="panel form-answers">
          {answered.map((f) => (
            <div key={f.key}>
              <dt>{f.label || f.key}</dt>
              <dd>
                {['file', 'image', 'signature'].includes(f.type) ? (
                  <Files
                    files={s.files.filter((x) => x.field === f.key)}
                    open={(id) => submissionFileUrl(tenantId, formId, submissionId, id)}
                  />
                ) : (
                  answerText(f, values[f.key])
                )}
              </dd>
            </div>
          ))}
        </dl>
      ) : (
        <Empty>No answers were kept.</Empty>
      )}
    </>
  );
}

function Files({ files, open }: { files: FormFile[]; open: (id: string) => Promise<string> }) {
  if (!files.length) return <>No file</>;
  return (
    <ul class="form-files__list">
      {files.map((x) => (
        <li key={x.id}>
          <button
            type="button"
            class="link-button"
            onClick={async () => {
              window.location.assign(await open(x.id));
            }}
          >
            Download {x.filename}
          </button>{' '}
          <span class="field__hint">({formatSize(x.size)})</span>
        </li>
      ))}
    </ul>
  );
}
