// Single-use recovery codes, shown once.
export function RecoveryCodes({ codes }: { codes: string[] }) {
  const text = codes.join('\n');
  return (
    <div>
      <p>
        Each code signs you in once if your phone or authenticator app is out of reach. They are shown only now: keep them somewhere safe.
      </p>
      <ol class="codes" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ol>
      <p class="actions">
        <button type="button" class="button button--secondary" onClick={() => void navigator.clipboard?.writeText(text)}>
          Copy codes
        </button>
        <a
          class="button button--secondary"
          download="recovery-codes.txt"
          href={`data:text/plain;charset=utf-8,${encodeURIComponent(text)}`}
        >
          Download codes
        </a>
      </p>
    </div>
  );
}
