import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

function collect(max = 16) {
  const lines: string[] = [];
  const skips: number[] = [];
  const splitter = new LineSplitter({ onLine: (l) => lines.push(l), onSkip: (_r, bytes) => skips.push(bytes) }, max);
  return { lines, skips, splitter };
}

describe('LineSplitter', () => {
  it('joins lines split across chunks, even inside a multi-byte character, and drops \\r', () => {
    const { lines, splitter } = collect();
    const bytes = Buffer.from('héllo\r\nwörld\n');
    for (let i = 0; i < bytes.length; i++) splitter.push(bytes.subarray(i, i + 1));
    expect(lines).toEqual(['héllo', 'wörld']);
  });

  it('skips an over-long line once and resyncs at the next newline', () => {
    const { lines, skips, splitter } = collect(8);
    splitter.push(Buffer.from('ok\n0123456789'));
    splitter.push(Buffer.from('abcdef'));
    expect(splitter.bufferedBytes).toBe(0);
    splitter.push(Buffer.from('xyz\nnext\n'));
    expect(lines).toEqual(['ok', 'next']);
    expect(skips).toEqual([19]);
  });

  it('flushes an unfinished last line and forgets one on reset', () => {
    const { lines, splitter } = collect();
    splitter.push(Buffer.from('tail'));
    splitter.flush();
    splitter.push(Buffer.from('gone'));
    splitter.reset();
    splitter.push(Buffer.from('new\n'));
    expect(lines).toEqual(['tail', 'new']);
  });
});
