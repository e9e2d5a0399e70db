// File hashes as captured: Get-FileHash (table or list) and certutil -hashfile (English and Chinese). The
// cross-source check compares them with the hashes CBS expected.

import { detectFileHash, parseFileHashes, samples } from '../parse/file-hash.js';
import { defineCapture, readCapture } from './capture-common.js';

/** A captured file-hash output. */
export default defineCapture({
  id: 'file-hash',
  kind: 'filehash',
  summary: 'captured file hashes (Get-FileHash, certutil -hashfile)',
  sniff: (head) => detectFileHash(head.lines),
  read: (input, ctx) =>
    readCapture(input, ctx, 'filehash', (text) => {
      ctx.fileHashes.push(...parseFileHashes(text).map((h) => ({ ...h, file: input.name })));
    }),
  samples: samples.map((s, i) => ({ name: `file hash ${i + 1}`, text: s.text })),
});
