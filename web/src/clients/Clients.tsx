// The partner's clients: each organization with its open and waiting tickets.
import { user } from '../app/session';
import { byClient } from './summary';
import { Empty } from '../ui/Card';
import { ErrorNote, Loading, Page } from '../ui/Page';
import { useResource } from '../ui/useResource';
import { listTickets } from '../tickets/api';
import { OPEN_STATUSES } from '../tickets/labels';
import { listOrgs } from '../tickets/orgs';

export default function Clients() {
  const tenant = user.value!.tenant;
  const data = useResource(async () => {
    const [orgs, open] = await Promise.all([
      listOrgs(tenant),
      listTickets(tenant, { status: OPEN_STATUSES, with_positions: true, limit: 100 }),
    ]);
    return byClient(orgs, open.items);
  }, [tenant]);

  return (
    <Page
      title="Clients"
      actions={
        <a class="button button--secondary" href="/admin/orgs">
          Add client
        </a>
      }
    >
      {data.error ? (
        <ErrorNote error={data.error} />
      ) : !data.data ? (
        <Loading />
      ) : !data.data.length ? (
        <Empty>No client organizations yet.</Empty>
      ) : (
        <div class="panel table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Client</th>
                <th scope="col">Open tickets</th>
                <th scope="col">Waiting in queue</th>
                <th scope="col">Nearest the front</th>
              </tr>
            </thead>
            <tbody>
              {data.data.map((c) => {
                const front = [...c.waiting].sort((a, b) => a.queue!.position - b.queue!.position)[0];
                return (
                  <tr key={c.org.id}>
                    <th scope="row">
                      <a href={`/clients/${c.org.id}`}>{c.org.name}</a>
                    </th>
                    <td>{c.open}</td>
                    <td>{c.waiting.length}</td>
                    <td>{front ? `${front.number}: ${front.queue!.label}` : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </Page>
  );
}
