/**
 * A real OpenID Connect provider for the tests (the `oidc-provider` library), on loopback: a
 * small directory of people with passwords, e-mail addresses and groups, and a plain sign-in
 * form of its own. Sightline's side of the protocol is never mocked: it talks to this server
 * exactly as it would to Entra ID.
 *
 * It listens on `localhost` while the application under test uses `127.0.0.1` (or the other
 * way round), so browser cookies of the two sites never mix, as with a real provider.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface DirectoryPerson {
  /** The provider's stable subject identifier for this person. */
  sub: string;
  email: string;
  password: string;
  groups: string[];
  emailVerified?: boolean;
}

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Login name → person; tests change groups and e-mails between sign-ins. */
  directory: Map<string, DirectoryPerson>;
  close(): Promise<void>;
}

export async function startIdentityProvider(options: {
  host: 'localhost' | '127.0.0.1';
  redirectUris: string[];
  people: Record<string, DirectoryPerson>;
}): Promise<TestIdentityProvider> {
  const directory = new Map(Object.entries(options.people));
  const clientId = 'sightline';
  const clientSecret = crypto.randomBytes(24).toString('base64url');
  // The issuer's address includes the port, so the server listens before the provider exists.
  let handler: http.RequestListener = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = http.createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, options.host, resolve));
  const issuer = `http://${options.host}:${(server.address() as AddressInfo).port}`;

  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [{ ...(privateKey.export({ format: 'jwk' }) as object), kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
    cookies: { keys: [crypto.randomBytes(32).toString('base64url')] },
    // Groups ride along with the profile scope here; Entra ID sends them when configured to.
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // Put the requested claims in the ID token, as Entra ID does, rather than only at userinfo.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const person = [...directory.values()].find((p) => p.sub === sub);
      if (!person) return undefined;
      return {
        accountId: sub,
        claims: () => ({ sub, email: person.email, email_verified: person.emailVerified ?? true, name: person.email, groups: person.groups }),
      };
    },
  });

  handler = (req, res) => {
    const interaction = /^\/interaction\/([\w-]+)(\/cancel)?$/.exec(new URL(req.url ?? '/', 'http://idp.invalid').pathname);
    if (interaction) return void handleInteraction(provider, directory, req, res, interaction[2] === '/cancel').catch((error: unknown) => fail(res, error));
    return provider.callback()(req, res);
  };

  return {
    issuer,
    clientId,
    clientSecret,
    directory,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function fail(res: http.ServerResponse, error: unknown): void {
  res.statusCode = 500;
  res.end(String(error));
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(res: http.ServerResponse, uid: string, status: number, message?: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  res.end(`<!DOCTYPE html><html lang="en"><head><title>Council sign-in</title></head><body><main>
<h1>Council sign-in</h1>${message ? `<p role="alert">${escape(message)}</p>` : ''}
<form method="post" action="/interaction/${uid}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${uid}/cancel"><button type="submit">Cancel</button></form>
</main></body></html>`);
}

async function handleInteraction(provider: Provider, directory: Map<string, DirectoryPerson>, req: http.IncomingMessage, res: http.ServerResponse, cancel: boolean): Promise<void> {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') return loginPage(res, details.uid, 200);
  if (cancel) {
    await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The person cancelled signing in' }, { mergeWithLastSubmission: false });
    return;
  }
  const form = await readForm(req);
  const person = directory.get(form.get('username') ?? '');
  if (!person || person.password !== form.get('password')) return loginPage(res, details.uid, 401, 'Wrong username or password');
  // A first-party application: the council has consented for its staff, so no consent screen.
  const grant = new provider.Grant({ accountId: person.sub, clientId: String(details.params['client_id']) });
  grant.addOIDCScope(String(details.params['scope']));
  await provider.interactionFinished(req, res, { login: { accountId: person.sub }, consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: false });
}

/**
 * A cookie-keeping HTTP client for the provider's side of the redirect dance: follows the
 * provider's own redirects and stops at the first one that leaves for the application.
 */
export class ProviderBrowser {
  private cookies = new Map<string, string>();

  constructor(private readonly issuer: string) {}

  private async request(url: string, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
    const response = await fetch(url, {
      method: init.method ?? 'GET',
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.body ? { body: init.body.toString() } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const value = pair!.slice(eq + 1);
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(pair!.slice(0, eq));
      else this.cookies.set(pair!.slice(0, eq), value);
    }
    return response;
  }

  /** Follows redirects on the provider; returns the first address elsewhere, or the page it stopped on. */
  private async follow(response: Response): Promise<{ leftFor?: string; page?: Response }> {
    let current = response;
    for (let hops = 0; hops < 10; hops++) {
      const location = current.headers.get('location');
      if (current.status < 300 || current.status >= 400 || !location) return { page: current };
      const next = new URL(location, this.issuer);
      if (next.origin !== new URL(this.issuer).origin) return { leftFor: next.href };
      current = await this.request(next.href);
    }
    throw new Error('too many redirects at the provider');
  }

  /** From the authorisation address: signs in with the form and returns where the provider sends the browser. */
  async signIn(authorizationUrl: string, username: string, password: string): Promise<string> {
    const { leftFor, page } = await this.follow(await this.request(authorizationUrl));
    if (leftFor) return leftFor; // already signed in at the provider
    const action = /<form method="post" action="([^"]+)"/.exec(await page!.text())![1]!;
    const submitted = await this.follow(await this.request(new URL(action, this.issuer).href, { method: 'POST', body: new URLSearchParams({ username, password }) }));
    if (!submitted.leftFor) throw new Error(`the provider did not sign ${username} in (status ${submitted.page?.status})`);
    return submitted.leftFor;
  }

  async cancel(authorizationUrl: string): Promise<string> {
    const { page } = await this.follow(await this.request(authorizationUrl));
    const uid = /action="\/interaction\/([\w-]+)"/.exec(await page!.text())![1]!;
    const { leftFor } = await this.follow(await this.request(`${this.issuer}/interaction/${uid}/cancel`, { method: 'POST', body: new URLSearchParams() }));
    return leftFor!;
  }
}
