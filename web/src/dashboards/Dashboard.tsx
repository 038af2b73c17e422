// The dashboard for the signed-in role (PRD 5.1-5.4); each is its own chunk.
import { lazy } from 'preact-iso';
import { role } from '../app/session';

const ClientDashboard = lazy(() => import('./ClientDashboard'));
const PartnerDashboard = lazy(() => import('./PartnerDashboard'));
const StaffDashboard = lazy(() => import('./StaffDashboard'));
const AdminDashboard = lazy(() => import('./AdminDashboard'));

export default function Dashboard() {
  switch (role.value) {
    case 'super_admin':
      return <AdminDashboard />;
    case 'staff':
      return <StaffDashboard />;
    case 'partner':
    case 'partner_staff':
      return <PartnerDashboard />;
    default:
      return <ClientDashboard />;
  }
}
