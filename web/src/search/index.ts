// The search code the palette, the results page and the ticket form share, reached through this
// one module so that it loads as one chunk: the entry bundle names every chunk its lazy screens
// may load, and its budget is tight. (The KB figures read theirs through ./figures.ts.)
export * from './api';
export * from './hits';
export * from './HitText';
export * from './problems';
export * from './typing';
import './search.css';
