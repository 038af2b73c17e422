import { Page } from '../ui/Page';

export default function NotFound() {
  return (
    <Page title="Not found">
      <p>There is nothing here that you can see. It may have moved, or belong to another account.</p>
      <p>
        <a href="/">Back to the dashboard</a>
      </p>
    </Page>
  );
}
