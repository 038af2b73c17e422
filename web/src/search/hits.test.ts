import { describe, expect, it } from 'vitest';
import type { Hit } from './api';
import { groupHits, hitHref, hitKey, isKind, kindLabel, pageSpan, searchHref, tabsFor } from './hits';

const hit = (kind: string, id: string, tenant_id = 'acme'): Hit => ({
  kind,
  id,
  tenant_id,
  label: '',
  title_html: id,
  snippet_html: '',
  at: '2026-12-01T10:00:00Z',
});

describe('grouping hits by kind', () => {
  it('puts the kinds in a fixed order, each kind’s hits as ranked', () => {
    const groups = groupHits([
      hit('user', 'u1'),
      hit('ticket', 't1'),
      hit('article', 'a1'),
      hit('ticket', 't2'),
      hit('organization', 'o1'),
    ]);
    expect(groups.map((g) => g.label)).toEqual(['Tickets', 'Articles', 'Organizations', 'People']);
    expect(groups[0].hits.map((h) => h.id)).toEqual(['t1', 't2']);
  });

  it('lists a kind it does not know last, by its own name, and nothing for no hits', () => {
    expect(groupHits([hit('contract', 'k1'), hit('invoice', 'i1'), hit('message', 'm1')]).map((g) => g.label)).toEqual([
      'Messages',
      'Invoices',
      'contract',
    ]);
    expect(groupHits([])).toEqual([]);
  });

  it('tells apart articles of two knowledge bases with the same id', () => {
    expect(hitKey(hit('article', 'a1', 'acme'))).not.toBe(hitKey(hit('article', 'a1', 'house')));
    expect(isKind('ticket')).toBe(true);
    expect(isKind('invoice')).toBe(true);
    expect(isKind('contract')).toBe(false);
    expect(kindLabel('user')).toBe('People');
  });
});

describe('the results page’s tabs and pages', () => {
  it('counts all, then each kind that matched, in the kinds’ order', () => {
    const tabs = tabsFor({
      total: 30,
      kinds: [
        { kind: 'user', count: 4 },
        { kind: 'ticket', count: 22 },
        { kind: 'article', count: 5 },
      ],
    });
    expect(tabs).toEqual([
      { kind: '', label: 'All', count: 31 },
      { kind: 'ticket', label: 'Tickets', count: 22 },
      { kind: 'article', label: 'Articles', count: 5 },
      { kind: 'user', label: 'People', count: 4 },
    ]);
  });

  it('keeps the chosen tab at nought, and takes the total without counts', () => {
    expect(tabsFor({ total: 0, kinds: [] }, 'message')).toEqual([
      { kind: '', label: 'All', count: 0 },
      { kind: 'message', label: 'Messages', count: 0 },
    ]);
    expect(tabsFor({ total: 7, kinds: [] })[0].count).toBe(7);
  });

  it('says where a page sits and which pages are around it', () => {
    expect(pageSpan(0, 20, 20, 57)).toEqual({ first: 1, last: 20, previous: null, next: 20 });
    expect(pageSpan(40, 20, 17, 57)).toEqual({ first: 41, last: 57, previous: 20, next: null });
    expect(pageSpan(10, 20, 20, 57).previous).toBe(0);
    expect(pageSpan(0, 20, 0, 0)).toEqual({ first: 0, last: 0, previous: null, next: null });
    // The server pages 1,000 deep.
    expect(pageSpan(1000, 20, 20, 5000).next).toBeNull();
  });

  it('writes the address with what differs from the defaults', () => {
    expect(searchHref('chekout')).toBe('/search?q=chekout');
    expect(searchHref('"exact phrase" -x', 'ticket', 'newest', 20)).toBe(
      '/search?q=%22exact+phrase%22+-x&type=ticket&order=newest&offset=20',
    );
  });
});

describe('where a hit leads', () => {
  const partner = { role: 'partner' as const, tenant: 'acme' };
  const client = { role: 'client' as const, tenant: 'acme' };
  const admin = { role: 'super_admin' as const, tenant: 'house' };
  const staff = { role: 'staff' as const, tenant: 'house' };

  it('opens tickets, articles (the system KB’s under its own tenant) and conversations', () => {
    expect(hitHref(hit('ticket', 't1'), client)).toBe('/tickets/acme/t1');
    expect(hitHref(hit('article', 'a1', 'house'), client)).toBe('/kb/house/a1');
    expect(hitHref(hit('message', 'c1'), partner)).toBe('/messages/c1');
  });

  it('opens an organization’s client page, its tickets for a client, the organizations of another tenant', () => {
    expect(hitHref(hit('organization', 'o1'), partner)).toBe('/clients/o1');
    expect(hitHref(hit('organization', 'o1'), client)).toBe('/tickets?org_id=o1');
    expect(hitHref(hit('organization', 'o1', 'acme'), admin)).toBe('/admin/orgs?tenant=acme');
    expect(hitHref(hit('organization', 'o1', 'acme'), staff)).toBe('/clients');
  });

  it('opens people in the people screen, and a client’s own account', () => {
    expect(hitHref(hit('user', 'u1'), partner)).toBe('/admin/users');
    expect(hitHref(hit('user', 'u1', 'acme'), admin)).toBe('/admin/users?tenant=acme');
    expect(hitHref(hit('user', 'u1'), client)).toBe('/settings');
    expect(hitHref(hit('contract', 'k1'), partner)).toBeUndefined();
  });

  it('opens invoices (also those Kre8ivTech bills a partner), quotes, projects and service requests', () => {
    expect(hitHref(hit('invoice', 'i1'), client)).toBe('/invoices/acme/i1');
    expect(hitHref(hit('invoice', 'i2', 'house'), partner)).toBe('/invoices/house/i2');
    expect(hitHref(hit('quote', 'q1'), client)).toBe('/quotes/acme/q1');
    expect(hitHref(hit('project', 'p1'), partner)).toBe('/projects/acme/p1');
    expect(hitHref(hit('request', 'r1'), client)).toBe('/service-requests/acme/r1');
    expect(kindLabel('request')).toBe('Service requests');
  });

  it('opens forms to fill, answers on their results page, and a file on its ticket', () => {
    expect(hitHref(hit('form', 'f1', 'house'), client)).toBe('/forms/f1');
    expect(hitHref(hit('submission', 'f1/s1'), partner)).toBe('/forms/f1/results/acme/s1');
    expect(hitHref(hit('submission', 'broken'), partner)).toBeUndefined();
    expect(hitHref(hit('file', 't1'), client)).toBe('/tickets/acme/t1');
  });
});
