import { randomBytes } from 'node:crypto';
import * as reference from '@wecom/crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptMessage, encryptMessage, isSignatureValid, pkcs7Pad, pkcs7Unpad, signatureOf, WecomCryptoError } from '../src/platforms/wecom/crypto.js';

// Tencent's published URL-verification vector
// (https://developer.work.weixin.qq.com/document/path/90968, sample code) and
// the sample-code key; @wecom/crypto is an independent implementation.

const VECTOR = {
  token: 'QDG6eK',
  key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
  receiveId: 'wx5823bf96d3bd56c7',
  signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
  plain: '1616140317555161061',
};
const SAMPLE_KEY = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt';
const SAMPLE_CORP = 'ww1436e0e65a779aee';
const failureOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof WecomCryptoError ? error.reason : 'other';
  }
  return 'none';
};

describe('WeCom callback crypto', () => {
  it("verifies Tencent's URL-verification signature and decrypts its echostr", () => {
    expect(signatureOf(VECTOR.token, VECTOR.timestamp, VECTOR.nonce, VECTOR.echostr)).toBe(VECTOR.signature);
    expect(isSignatureValid(VECTOR.signature, VECTOR.token, VECTOR.timestamp, VECTOR.nonce, VECTOR.echostr)).toBe(true);
    expect(decryptMessage(VECTOR.key, VECTOR.echostr, VECTOR.receiveId)).toEqual({ message: VECTOR.plain, receiveId: VECTOR.receiveId });
  });

  it('rejects a signature off by one character, and an echostr for another receive id', () => {
    const bad = VECTOR.signature.replace(/.$/, '4');
    expect(isSignatureValid(bad, VECTOR.token, VECTOR.timestamp, VECTOR.nonce, VECTOR.echostr)).toBe(false);
    expect(isSignatureValid(VECTOR.signature, VECTOR.token, VECTOR.timestamp, '263014781', VECTOR.echostr)).toBe(false);
    expect(failureOf(() => decryptMessage(VECTOR.key, VECTOR.echostr, 'ww-someone-else'))).toBe('wrong_receive_id');
  });

  it('round-trips a Chinese XML message under the sample-code key and corp id', () => {
    const xml = '<xml><ToUserName><![CDATA[ww1436e0e65a779aee]]></ToUserName><Content><![CDATA[欢迎入群 👋]]></Content></xml>';
    const encrypted = encryptMessage(SAMPLE_KEY, xml, SAMPLE_CORP);
    expect(decryptMessage(SAMPLE_KEY, encrypted, SAMPLE_CORP).message).toBe(xml);
  });

  it('pads to 32-byte blocks: a full block of 32 when the length is already a multiple of 32', () => {
    expect(pkcs7Pad(Buffer.alloc(32)).length).toBe(64);
    expect(pkcs7Pad(Buffer.alloc(32))[63]).toBe(32);
    expect(pkcs7Pad(Buffer.alloc(17)).length).toBe(32);
    expect(pkcs7Unpad(pkcs7Pad(Buffer.from('abc'))).toString()).toBe('abc');
    expect(failureOf(() => pkcs7Unpad(Buffer.from([1, 2, 3, 0])))).toBe('bad_padding');
  });

  it('agrees with @wecom/crypto both ways on random messages', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'grapheme' }), fc.string({ minLength: 1, maxLength: 30, unit: 'grapheme-ascii' }), (message, receiveId) => {
        const random = randomBytes(16);
        const ours = encryptMessage(SAMPLE_KEY, message, receiveId, random);
        expect(ours).toBe(reference.encrypt(SAMPLE_KEY, message, receiveId, random));
        expect(reference.decrypt(SAMPLE_KEY, ours)).toMatchObject({ message, id: receiveId });
        expect(decryptMessage(SAMPLE_KEY, reference.encrypt(SAMPLE_KEY, message, receiveId), receiveId).message).toBe(message);
        expect(signatureOf('tok', '1700000000', 'n1', ours)).toBe(reference.getSignature('tok', '1700000000', 'n1', ours));
      }),
      { numRuns: 200 },
    );
  });

  it('rejects garbage ciphertext and a malformed key with a typed reason', () => {
    expect(failureOf(() => decryptMessage(SAMPLE_KEY, 'bm90IGJsb2Nrcw==', null))).toBe('bad_ciphertext');
    expect(failureOf(() => decryptMessage(SAMPLE_KEY, Buffer.alloc(32, 7).toString('base64'), null))).not.toBe('none');
    expect(failureOf(() => encryptMessage('short', 'x', 'y'))).toBe('bad_key');
  });
});
