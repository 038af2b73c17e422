// The knowledge base's screens, each its own chunk: the home (categories, articles, filters),
// an article, the editor, an article's history and figures, and the categories.
import { lazy, Route, Router } from 'preact-iso';

const KbHome = lazy(() => import('./KbHome'));
const ArticlePage = lazy(() => import('./ArticlePage'));
const ArticleEditor = lazy(() => import('./ArticleEditor'));
const History = lazy(() => import('./History'));
const Figures = lazy(() => import('./Figures'));
const Categories = lazy(() => import('./Categories'));
const NotFound = lazy(() => import('../app/NotFound'));

export default function Kb() {
  return (
    <Router>
      <Route path="/" component={KbHome} />
      <Route path="/new" component={ArticleEditor} />
      <Route path="/categories" component={Categories} />
      <Route path="/:tenantId/:articleId" component={ArticlePage} />
      <Route path="/:tenantId/:articleId/edit" component={ArticleEditor} />
      <Route path="/:tenantId/:articleId/history" component={History} />
      <Route path="/:tenantId/:articleId/figures" component={Figures} />
      <Route default component={NotFound} />
    </Router>
  );
}
