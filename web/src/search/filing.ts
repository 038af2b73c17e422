// The record of one ticket filing that showed KB suggestions (for the deflection figures):
// which articles were suggested, which the person opened, and whether they filed the ticket
// after all. Suggestions follow the subject from its first letters, so the record waits for the
// subject to settle (SETTLE_MS without new suggestions) and then names every article shown so
// far; it is written sooner when the person opens an article, files the ticket or leaves. Once
// written, its articles are fixed: an article suggested later still opens, unrecorded (the
// server takes opens of the articles it was told of). Recording never stands in the way of
// filing: failures are dropped.

export const SETTLE_MS = 1500;
/** Articles one record names at most (the server's limit). */
export const MAX_SHOWN = 20;

export interface FilingApi {
  start: (shown: string[]) => Promise<{ id: string }>;
  opened: (filingId: string, articleId: string) => Promise<void>;
  filed: (filingId: string, ticketId: string) => Promise<void>;
}

export class FilingRecord {
  private shown: string[] = [];
  private written: Promise<{ id: string; shown: string[] } | null> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private openedIds = new Set<string>();

  constructor(
    private readonly api: FilingApi,
    private readonly settleMs = SETTLE_MS,
  ) {}

  /** Articles now on screen as suggestions. */
  show(ids: readonly string[]): void {
    if (this.written) return;
    const before = this.shown.length;
    for (const id of ids) if (!this.shown.includes(id) && this.shown.length < MAX_SHOWN) this.shown.push(id);
    if (this.shown.length === before && this.timer !== undefined) return;
    if (!this.shown.length) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.write(), this.settleMs);
  }

  /** Writes the record now if suggestions were shown (once); answers it, or null. */
  write(): Promise<{ id: string; shown: string[] } | null> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.written) return this.written;
    if (!this.shown.length) return Promise.resolve(null);
    const shown = [...this.shown];
    this.written = this.api.start(shown).then(
      ({ id }) => ({ id, shown }),
      () => null,
    );
    return this.written;
  }

  /** The person opened suggested article `id`. */
  async opened(id: string): Promise<void> {
    if (this.openedIds.has(id)) return;
    this.openedIds.add(id);
    const record = await this.write();
    if (record?.shown.includes(id)) await this.api.opened(record.id, id).catch(() => undefined);
  }

  /** The ticket was filed after all. */
  async filed(ticketId: string): Promise<void> {
    const record = await this.write();
    if (record) await this.api.filed(record.id, ticketId).catch(() => undefined);
  }

  /** The form goes away (filed, or left): what was shown is recorded. */
  close(): void {
    void this.write();
  }
}
