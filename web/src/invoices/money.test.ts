import { describe, expect, it } from 'vitest';
import { formatMinor, formatMoney, formatPercent, minorUnits, parseDecimal, roundRatio, sumMinor, toMinor } from './money';

describe('money', () => {
  it('reads plain decimals only', () => {
    expect(parseDecimal(' 1234.50 ')).toEqual({ units: 123450n, scale: 2 });
    expect(parseDecimal('-3')).toEqual({ units: -3n, scale: 0 });
    for (const bad of ['', '1,234.50', '1e3', '12.', '.5', 'abc', '--1', '1 000', 'NaN']) expect(parseDecimal(bad), bad).toBeNull();
  });

  it('rounds half away from zero at the minor units', () => {
    const round = (text: string, minor: number) => formatMinor(toMinor(parseDecimal(text)!, minor), minor);
    expect(round('0.005', 2)).toBe('0.01');
    expect(round('-0.005', 2)).toBe('-0.01');
    expect(round('2.675', 2)).toBe('2.68');
    expect(round('2.6749', 2)).toBe('2.67');
    expect(round('100.5', 0)).toBe('101');
    expect(round('1.0005', 3)).toBe('1.001');
    expect(round('12.5', 2)).toBe('12.50');
    expect(roundRatio(-7n, 2n)).toBe(-4n);
    expect(roundRatio(7n, -3n)).toBe(-2n);
  });

  it('knows each currency’s minor units', () => {
    expect([minorUnits('EUR'), minorUnits('jpy'), minorUnits('KWD'), minorUnits('XYZ')]).toEqual([2, 0, 3, undefined]);
  });

  it('adds amounts exactly, where floats would not', () => {
    expect(formatMinor(sumMinor(['0.10', '0.20', 'oops'], 2), 2)).toBe('0.30');
    expect(formatMinor(sumMinor(['999999999999.99', '0.01'], 2), 2)).toBe('1000000000000.00');
  });

  it('shows amounts with every digit and the currency’s sign', () => {
    expect(formatMoney('1234.5', 'EUR')).toBe('€1,234.50');
    expect(formatMoney('-12.00', 'USD')).toBe('-$12.00');
    expect(formatMoney('1200', 'JPY')).toBe('¥1,200');
    expect(formatMoney('1000000000000.00', 'USD')).toBe('$1,000,000,000,000.00');
    expect(formatMoney('n/a', 'EUR')).toBe('n/a EUR');
    expect(formatPercent('7.500')).toBe('7.5%');
    expect(formatPercent('19')).toBe('19%');
  });
});
