import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// WeCom callback crypto (https://developer.work.weixin.qq.com/document/path/90968):
//   msg_signature = sha1(sort([token, timestamp, nonce, encrypt]).join(''))
//   encrypt = base64(AES-256-CBC(key, iv = key[0..16], pkcs7₃₂(random16 ‖ len₄ ‖ msg ‖ receiveId)))
//   key = base64decode(EncodingAESKey + '=')
// The padding block is 32 bytes, not AES's 16, so Node's automatic unpadding
// rejects real messages: padding is added and removed here by hand.

const BLOCK = 32;

export type WecomCryptoFailure = 'bad_signature' | 'bad_key' | 'bad_ciphertext' | 'bad_padding' | 'wrong_receive_id';

export class WecomCryptoError extends Error {
  constructor(readonly reason: WecomCryptoFailure, message: string) {
    super(message);
  }
}

export function aesKeyOf(encodingAESKey: string): Buffer {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAESKey)) throw new WecomCryptoError('bad_key', 'EncodingAESKey must be 43 base64 characters');
  const key = Buffer.from(`${encodingAESKey}=`, 'base64');
  if (key.length !== 32) throw new WecomCryptoError('bad_key', 'EncodingAESKey does not decode to 32 bytes');
  return key;
}

export function signatureOf(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

export function isSignatureValid(expected: string, token: string, timestamp: string, nonce: string, encrypt: string): boolean {
  const actual = Buffer.from(signatureOf(token, timestamp, nonce, encrypt));
  const given = Buffer.from(expected.toLowerCase());
  return given.length === actual.length && timingSafeEqual(given, actual);
}

export function pkcs7Pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

export function pkcs7Unpad(data: Buffer): Buffer {
  const n = data[data.length - 1] ?? 0;
  if (n < 1 || n > BLOCK || n > data.length) throw new WecomCryptoError('bad_padding', 'invalid PKCS#7 padding');
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) throw new WecomCryptoError('bad_padding', 'invalid PKCS#7 padding');
  return data.subarray(0, data.length - n);
}

export function encryptMessage(encodingAESKey: string, message: string, receiveId: string, random: Buffer = randomBytes(16)): string {
  const key = aesKeyOf(encodingAESKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length, 0);
  const plain = pkcs7Pad(Buffer.concat([random.subarray(0, 16), length, body, Buffer.from(receiveId, 'utf8')]));
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** Decrypts and checks the receive id (the corp id for callbacks); returns the message text. */
export function decryptMessage(encodingAESKey: string, encrypt: string, expectedReceiveId: string | null): { message: string; receiveId: string } {
  const key = aesKeyOf(encodingAESKey);
  const data = Buffer.from(encrypt, 'base64');
  if (data.length === 0 || data.length % 16 !== 0) throw new WecomCryptoError('bad_ciphertext', 'ciphertext is not a whole number of AES blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plain = pkcs7Unpad(Buffer.concat([decipher.update(data), decipher.final()]));
  if (plain.length < 20) throw new WecomCryptoError('bad_ciphertext', 'plaintext too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new WecomCryptoError('bad_ciphertext', 'message length exceeds plaintext');
  const message = plain.subarray(20, 20 + length).toString('utf8');
  const receiveId = plain.subarray(20 + length).toString('utf8');
  if (expectedReceiveId !== null && receiveId !== expectedReceiveId) throw new WecomCryptoError('wrong_receive_id', `receive id ${receiveId} is not ${expectedReceiveId}`);
  return { message, receiveId };
}
