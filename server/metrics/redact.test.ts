import { describe, expect, it } from 'vitest';
import { redactCredentials } from './redact.ts';

describe('redactCredentials', () => {
  it('hides user and password of URLs in a text', () => {
    expect(redactCredentials('mqtt mqtt://relay:s3cret@broker:1883')).toBe(
      'mqtt mqtt://***@broker:1883',
    );
    expect(redactCredentials('failed: wss://token@a/x and kafka://u:p@b')).toBe(
      'failed: wss://***@a/x and kafka://***@b',
    );
  });

  it('leaves texts without credentials alone', () => {
    expect(redactCredentials('mqtt mqtt://127.0.0.1:1883')).toBe('mqtt mqtt://127.0.0.1:1883');
    expect(redactCredentials('kafka:telemetry ops@example.com')).toBe(
      'kafka:telemetry ops@example.com',
    );
  });
});
