import { describe, expect, it } from 'vitest';
import { decodeManifest } from '../../../src/sources/kube/documents.js';

describe('decodeManifest', () => {
  it.each([
    ['UTF-8', Buffer.from('a: café\n'), 'a: café\n'],
    ['UTF-8 with a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a: 1\n')]), 'a: 1\n'],
    ['UTF-16LE with a byte-order mark', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: é\n', 'utf16le')]), 'a: é\n'],
    ['UTF-16BE with a byte-order mark', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('a: 1\n', 'utf16le').swap16()]), 'a: 1\n'],
    ['empty', Buffer.alloc(0), ''],
  ])('%s', (_name, bytes, text) => {
    expect(decodeManifest(bytes, 'm.yaml')).toBe(text);
  });

  it.each([
    ['Latin-1 on line 2', Buffer.from('a: 1\nb: caf\xe9\n', 'latin1'), /^m\.yaml:2: not UTF-8 text/],
    ['a lone continuation byte on line 1', Buffer.from([0x61, 0x80, 0x0a]), /^m\.yaml:1: not UTF-8 text/],
    ['a truncated sequence at the end, line 3', Buffer.concat([Buffer.from('a\nb\nc: '), Buffer.from([0xe2, 0x82])]), /^m\.yaml:3: not UTF-8 text/],
  ])('refuses %s, naming the line', (_name, bytes, message) => {
    expect(() => decodeManifest(bytes, 'm.yaml')).toThrow(message);
  });
});
