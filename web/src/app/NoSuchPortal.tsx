// What an address that names no portal shows (a mistyped, retired or never-mapped host): the
// platform's own card instead of a sign-in form that could never work. The host answers 404.
import { useEffect } from 'preact/hooks';
import { AuthCard } from '../auth/AuthCard';

export default function NoSuchPortal() {
  useEffect(() => {
    document.title = 'No such portal';
  }, []);
  return (
    <AuthCard title="No such portal">
      <p>
        There is no client portal at <strong>{location.host}</strong>.
      </p>
      <p>
        Check the address in the email or link you were given. If it still does not open, ask the agency that sent it for the right one.
      </p>
    </AuthCard>
  );
}
