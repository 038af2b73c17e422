// Files answering a form: each declared for its field (the server checks its type and size
// against the field's rules and the storage quota), sent to the presigned URL it answers, then
// confirmed; the field's answer names the ids. Those who read a submission download its files.
import { api, type Schemas } from '../api/client';
import { unwrap } from '../api/problem';
import { contentType, xhrSend, type UploadTarget } from '../tickets/uploads';

export type FormFile = Schemas['FormFileView'];

/** What a file field needs from the page around it (none in the builder's preview). */
export interface FileHost {
  upload(field: string, file: File, onProgress: (loaded: number, total: number) => void): Promise<FormFile>;
  describe(id: string): Promise<FormFile>;
  download(id: string): Promise<string>;
}

export function fileHost(formId: string): FileHost {
  const form = { form_id: formId };
  return {
    async upload(field, file, onProgress) {
      const started = unwrap(
        await api.POST('/api/v1/forms/{form_id}/uploads', {
          params: { path: form },
          body: { field, filename: file.name, content_type: contentType(file), size: file.size },
        }),
      );
      await xhrSend(started.upload as unknown as UploadTarget, file, onProgress);
      return unwrap(
        await api.POST('/api/v1/forms/{form_id}/uploads/{upload_id}/complete', {
          params: { path: { ...form, upload_id: started.file.id } },
        }),
      );
    },
    async describe(id) {
      return unwrap(await api.GET('/api/v1/forms/{form_id}/uploads/{upload_id}', { params: { path: { ...form, upload_id: id } } }));
    },
    async download(id) {
      const d = unwrap(
        await api.GET('/api/v1/forms/{form_id}/uploads/{upload_id}/download', { params: { path: { ...form, upload_id: id } } }),
      );
      return d.url;
    },
  };
}

/** `host`, telling `seen` of every file it uploads or describes. */
export function knownFiles(host: FileHost, seen: (f: FormFile) => void): FileHost {
  const tell = (f: FormFile) => {
    seen(f);
    return f;
  };
  return {
    upload: (field, file, onProgress) => host.upload(field, file, onProgress).then(tell),
    describe: (id) => host.describe(id).then(tell),
    download: (id) => host.download(id),
  };
}

export async function submissionFileUrl(tenantId: string, formId: string, submissionId: string, uploadId: string): Promise<string> {
  const d = unwrap(
    await api.GET('/api/v1/tenants/{tenant_id}/forms/{form_id}/submissions/{submission_id}/files/{upload_id}', {
      params: { path: { tenant_id: tenantId, form_id: formId, submission_id: submissionId, upload_id: uploadId } },
    }),
  );
  return d.url;
}
