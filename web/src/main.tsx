import { render } from 'preact';
import { csrfToken } from './api/client';
import { App } from './app/App';
import { loadMe, loadPublicBranding, me } from './app/session';
import './styles/app.css';

// The CSRF cookie lives as long as the refresh cookie: without it nobody is signed in here,
// and the sign-in page needs no round trip to find that out.
async function start() {
  const signedIn = csrfToken() ? await loadMe() : (me.value = null);
  if (!signedIn) await loadPublicBranding();
}

render(<App />, document.getElementById('app')!);
void start();
