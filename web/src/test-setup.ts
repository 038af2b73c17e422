// Unmounts what each component test rendered (vitest runs without globals, so Testing Library
// cannot register this itself).
import { cleanup } from '@testing-library/preact';
import { afterEach } from 'vitest';

afterEach(cleanup);
