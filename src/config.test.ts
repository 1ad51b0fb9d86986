import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to the embedded database in ./data on port 3000 with secure cookies', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, databaseUrl: undefined, dataDir: path.resolve('data'), cookieSecure: true, development: false });
  });

  it('reads PORT, DATABASE_URL and SIGHTLINE_DATA_DIR, treating empty values as unset', () => {
    const config = loadConfig({ PORT: '8080', DATABASE_URL: 'postgres://u@localhost/db', SIGHTLINE_DATA_DIR: '/tmp/x', DEMO_PASSWORD: '' });
    expect(config).toMatchObject({ port: 8080, databaseUrl: 'postgres://u@localhost/db', dataDir: '/tmp/x', demoPassword: undefined });
  });

  it('names every bad variable and what is wrong with it', () => {
    expect(() => loadConfig({ PORT: 'eighty', DEMO_PASSWORD: 'short' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DEMO_PASSWORD: 'short' });
    } catch (error) {
      expect((error as Error).message).toMatch(/PORT/);
      expect((error as Error).message).toMatch(/DEMO_PASSWORD must be at least 12 characters/);
    }
  });
});
