import { describe, expect, it } from 'vitest';
import { ApiError, fieldErrors } from '../api/problem';
import { nameMessage, queryFault, queryMessage, searchProblem } from './problems';

const invalid = (field: string, message: string) =>
  new ApiError(422, { type: 'about:blank', title: 'Some fields are not valid', status: 422, errors: [{ field, message }] });

describe('the search language’s faults, for people', () => {
  it('keeps what is wrong and where, as a sentence', () => {
    expect(queryMessage('close the quote opened at character 7')).toBe('Close the quote opened at character 7.');
    expect(queryMessage('priority:urgent is not known; use one of low, medium, high, critical')).toBe(
      '“priority:urgent” is not known: use priority: with one of low, medium, high, critical.',
    );
    expect(queryMessage('after:yesterday is not a day; write it like after:2026-12-01')).toBe(
      '“after:yesterday” is not a day: write it like after:2026-12-01.',
    );
    expect(queryMessage('status: needs a value (character 1)')).toBe('Give status: a value (character 1), such as status:open.');
    expect(queryMessage('-status: cannot be excluded; choose the values you want instead')).toBe(
      'A filter cannot be excluded with -: write status: with the values you want instead.',
    );
    expect(queryMessage('after: must be earlier than before:')).toBe('Choose an after: day earlier than the before: day.');
    expect(queryMessage('use at most 500 characters')).toBe('Shorten the search to at most 500 characters.');
    expect(queryMessage('something new')).toBe('Something new.');
  });

  it('words saved searches’ names', () => {
    expect(nameMessage('you have a saved search of this name')).toBe('You already have a saved search with this name. Choose another.');
    expect(nameMessage('use 1 to 80 characters on one line')).toBe('Name it in 1 to 80 characters, on one line.');
  });

  it('rewords the fields of a problem, which the forms then show as they are', () => {
    const e = searchProblem(invalid('name', 'you have a saved search of this name')) as ApiError;
    expect(fieldErrors(e.problem)).toEqual({ name: 'You already have a saved search with this name. Choose another.' });
    const other = new Error('offline');
    expect(searchProblem(other)).toBe(other);
  });

  it('finds the query’s fault in a failure, and only there', () => {
    expect(queryFault(invalid('q', 'close the quote opened at character 1'))).toBe('Close the quote opened at character 1.');
    expect(queryFault(searchProblem(invalid('q', 'close the quote opened at character 1')))).toBe('Close the quote opened at character 1.');
    expect(queryFault(invalid('limit', '1 to 50'))).toBeNull();
    expect(queryFault(new ApiError(503, undefined))).toBeNull();
    expect(queryFault(undefined)).toBeNull();
  });
});
