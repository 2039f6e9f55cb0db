import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

// Connector credentials are sealed with AES-256-GCM under a key derived from
// QUNYUN_SECRET_KEY (or the key generated into the data dir).

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export type Sealer = { seal(plain: string): string; open(sealed: string): string };

export function createSealer(secretKey: string): Sealer {
  const key = createHash('sha256').update(`qunyun:seal:${secretKey}`).digest();
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    open(sealed) {
      const [version, iv, tag, body] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('not a sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
