// Routes. Sign-in and the emailed-link pages stand alone; everything else is inside the
// signed-in shell. Each screen is its own chunk.
import { useEffect } from 'preact/hooks';
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { Loading } from '../ui/Page';
import { Layout } from './Layout';
import { safeNext } from './next';
import { me, noPortal } from './session';

const SignIn = lazy(() => import('../auth/SignIn'));
const ForgotPassword = lazy(() => import('../auth/ForgotPassword'));
const LinkLanding = lazy(() => import('../auth/LinkLanding'));
const ConfirmAddress = lazy(() => import('../auth/ConfirmAddress'));
const SurveyPage = lazy(() => import('../survey/SurveyPage'));
const Dashboard = lazy(() => import('../dashboards/Dashboard'));
const TicketList = lazy(() => import('../tickets/TicketList'));
const NewTicket = lazy(() => import('../tickets/NewTicket'));
const TicketPage = lazy(() => import('../tickets/TicketPage'));
const QueuePage = lazy(() => import('../queue/QueuePage'));
const Clients = lazy(() => import('../clients/Clients'));
const ClientPage = lazy(() => import('../clients/ClientPage'));
const Messages = lazy(() => import('../messaging/Messages'));
const NotificationCenter = lazy(() => import('../notifications/NotificationCenter'));
const Settings = lazy(() => import('../settings/Settings'));
const AdminHome = lazy(() => import('../admin/AdminHome'));
const Tenants = lazy(() => import('../admin/Tenants'));
const Orgs = lazy(() => import('../admin/Orgs'));
const Users = lazy(() => import('../admin/Users'));
const BrandingEditor = lazy(() => import('../admin/BrandingEditor'));
const NotificationDefaults = lazy(() => import('../admin/NotificationDefaults'));
const Sla = lazy(() => import('../admin/Sla'));
const Audit = lazy(() => import('../admin/Audit'));
const CannedResponses = lazy(() => import('../admin/CannedResponses'));
const AssignmentRules = lazy(() => import('../admin/AssignmentRules'));
const DeadLetters = lazy(() => import('../admin/DeadLetters'));
const MailIn = lazy(() => import('../admin/MailIn'));
const MailTemplates = lazy(() => import('../admin/MailTemplates'));
const InvoiceList = lazy(() => import('../invoices/InvoiceList'));
const InvoiceEditor = lazy(() => import('../invoices/InvoiceEditor'));
const InvoicePage = lazy(() => import('../invoices/InvoicePage'));
const BillingSettings = lazy(() => import('../invoices/BillingSettings'));
const RecurringList = lazy(() => import('../invoices/RecurringList'));
const RecurringEditor = lazy(() => import('../invoices/RecurringEditor'));
const AnnouncementsAdmin = lazy(() => import('../announcements/AnnouncementsAdmin'));
const AnnouncementPage = lazy(() => import('../announcements/AnnouncementPage'));
const FormList = lazy(() => import('../forms/FormList'));
const FormBuilder = lazy(() => import('../forms/FormBuilder'));
const FillPage = lazy(() => import('../forms/FillPage'));
const ResultsPage = lazy(() => import('../forms/ResultsPage'));
const SubmissionPage = lazy(() => import('../forms/SubmissionPage'));
const RequestList = lazy(() => import('../service/RequestList'));
const NewRequest = lazy(() => import('../service/NewRequest'));
const RequestPage = lazy(() => import('../service/RequestPage'));
const ServiceTypes = lazy(() => import('../service/ServiceTypes'));
const QuoteList = lazy(() => import('../quotes/QuoteList'));
const QuotePage = lazy(() => import('../quotes/QuotePage'));
const QuoteEditor = lazy(() => import('../quotes/QuoteEditor'));
const ProjectList = lazy(() => import('../projects/ProjectList'));
const ProjectPage = lazy(() => import('../projects/ProjectPage'));
const Kb = lazy(() => import('../kb/Kb'));
const SearchPage = lazy(() => import('../search/SearchPage'));
const NotFound = lazy(() => import('./NotFound'));
const NoSuchPortal = lazy(() => import('./NoSuchPortal'));

// The survey link (from the resolution mail) works without signing in, and for anyone signed in;
// so do the emailed links under /auth/ (sign-in, reset, invitation, confirming one's address).
const PUBLIC = ['/sign-in', '/forgot-password', '/auth/', '/survey/'];
export const isPublicPath = (path: string) => PUBLIC.some((p) => path === p || path.startsWith(p));

export function App() {
  return (
    <LocationProvider>
      <ErrorBoundary>
        <Screens />
      </ErrorBoundary>
    </LocationProvider>
  );
}

function Screens() {
  const { path, url, query, route } = useLocation();
  const session = me.value;
  const isPublic = isPublicPath(path);

  useEffect(() => {
    if (noPortal.value) return;
    if (session === null && !isPublic) route(`/sign-in?next=${encodeURIComponent(url)}`, true);
    if (session && path === '/sign-in') route(safeNext(query.next), true);
  }, [session, path, noPortal.value]);

  if (noPortal.value) {
    return (
      <main id="main" class="auth-page">
        <NoSuchPortal />
      </main>
    );
  }
  if (session === undefined) return <Loading />;
  if (isPublic) {
    return (
      <main id="main" class="auth-page">
        <Router>
          <Route path="/sign-in" component={SignIn} />
          <Route path="/forgot-password" component={ForgotPassword} />
          {/* Before /auth/:purpose, which the first match would otherwise take. */}
          <Route path="/auth/confirm-address" component={ConfirmAddress} />
          <Route path="/auth/:purpose" component={LinkLanding} />
          <Route path="/survey/:token" component={SurveyPage} />
          <Route default component={NotFound} />
        </Router>
      </main>
    );
  }
  if (!session) return <Loading />;
  return (
    <Layout>
      <Router>
        <Route path="/" component={Dashboard} />
        <Route path="/tickets" component={TicketList} />
        <Route path="/tickets/new" component={NewTicket} />
        <Route path="/tickets/:tenantId/:ticketId" component={TicketPage} />
        <Route path="/queue" component={QueuePage} />
        <Route path="/clients" component={Clients} />
        <Route path="/clients/:orgId" component={ClientPage} />
        <Route path="/invoices" component={InvoiceList} />
        <Route path="/invoices/new" component={InvoiceEditor} />
        {/* Before /invoices/:tenantId/:invoiceId, which the first match would otherwise take. */}
        <Route path="/invoices/recurring" component={RecurringList} />
        <Route path="/invoices/recurring/new" component={RecurringEditor} />
        <Route path="/invoices/recurring/:recurringId" component={RecurringEditor} />
        <Route path="/invoices/:tenantId/:invoiceId" component={InvoicePage} />
        <Route path="/invoices/:tenantId/:invoiceId/edit" component={InvoiceEditor} />
        <Route path="/messages" component={Messages} />
        <Route path="/service-requests" component={RequestList} />
        <Route path="/service-requests/new" component={NewRequest} />
        <Route path="/service-requests/:tenantId/:requestId" component={RequestPage} />
        <Route path="/projects" component={ProjectList} />
        <Route path="/projects/new" component={ProjectPage} />
        <Route path="/projects/:tenantId/:projectId" component={ProjectPage} />
        <Route path="/quotes" component={QuoteList} />
        <Route path="/quotes/new" component={QuoteEditor} />
        <Route path="/quotes/:tenantId/:quoteId" component={QuotePage} />
        <Route path="/quotes/:tenantId/:quoteId/edit" component={QuoteEditor} />
        {/* The knowledge base routes its own screens (src/kb/Kb.tsx). */}
        <Route path="/kb" component={Kb} />
        <Route path="/kb/*" component={Kb} />
        <Route path="/search" component={SearchPage} />
        <Route path="/forms" component={FormList} />
        <Route path="/forms/new" component={FormBuilder} />
        <Route path="/forms/:formId" component={FillPage} />
        <Route path="/forms/:formId/edit" component={FormBuilder} />
        <Route path="/forms/:formId/results" component={ResultsPage} />
        <Route path="/forms/:formId/results/:tenantId/:submissionId" component={SubmissionPage} />
        <Route path="/messages/:conversationId" component={Messages} />
        <Route path="/notifications" component={NotificationCenter} />
        <Route path="/announcements/:tenantId/:id" component={AnnouncementPage} />
        <Route path="/settings" component={Settings} />
        <Route path="/admin" component={AdminHome} />
        <Route path="/admin/tenants" component={Tenants} />
        <Route path="/admin/orgs" component={Orgs} />
        <Route path="/admin/users" component={Users} />
        <Route path="/admin/branding" component={BrandingEditor} />
        <Route path="/admin/notification-defaults" component={NotificationDefaults} />
        <Route path="/admin/announcements" component={AnnouncementsAdmin} />
        <Route path="/admin/sla" component={Sla} />
        <Route path="/admin/billing" component={BillingSettings} />
        <Route path="/admin/service-types" component={ServiceTypes} />
        <Route path="/admin/audit" component={Audit} />
        <Route path="/admin/canned-responses" component={CannedResponses} />
        <Route path="/admin/assignment-rules" component={AssignmentRules} />
        <Route path="/admin/dead-letters" component={DeadLetters} />
        <Route path="/admin/mail-in" component={MailIn} />
        <Route path="/admin/mail-templates" component={MailTemplates} />
        <Route default component={NotFound} />
      </Router>
    </Layout>
  );
}
