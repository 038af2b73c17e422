// What follows a first factor: the second step when one is asked for, the recovery codes when
// a factor was just set up, then the portal.
import { useEffect, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { loadMe } from '../app/session';
import { safeNext } from '../app/next';
import { AuthCard } from './AuthCard';
import { ChallengeStep } from './ChallengeStep';
import { isChallenge, type FirstFactorAnswer, type SignedIn } from './flow';
import { RecoveryCodes } from './RecoveryCodes';

export function Finish({ answer, onRestart }: { answer: FirstFactorAnswer; onRestart: () => void }) {
  const [signedIn, setSignedIn] = useState<SignedIn | null>(isChallenge(answer) ? null : answer);
  const { query, route } = useLocation();

  const enter = async () => {
    await loadMe();
    route(safeNext(query.next), true);
  };

  useEffect(() => {
    if (signedIn && !signedIn.recovery_codes?.length) void enter();
  }, [signedIn]);

  if (!signedIn && isChallenge(answer)) {
    return <ChallengeStep challenge={answer} onRestart={onRestart} onPassed={setSignedIn} />;
  }
  if (signedIn?.recovery_codes?.length) {
    return (
      <AuthCard title="Save your recovery codes">
        <RecoveryCodes codes={signedIn.recovery_codes} />
        <button type="button" class="button" onClick={enter}>
          I have saved them, continue
        </button>
      </AuthCard>
    );
  }
  return null;
}
