// The authenticator set-up: the server's QR code (an SVG document) and the secret to type in.
export function TotpQr({ qrSvg, secret }: { qrSvg: string; secret: string }) {
  return (
    <div class="totp-setup">
      <p>Scan this QR code with your authenticator app, then enter the code it shows.</p>
      <img
        class="qr"
        src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(qrSvg)}`}
        alt="QR code for your authenticator app"
        width="192"
        height="192"
      />
      <p>
        Can't scan it? Enter this key instead: <code aria-label="Set-up key">{secret}</code>
      </p>
    </div>
  );
}
