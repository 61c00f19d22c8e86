// openid-client and jose (npm, pinned by package-lock.json) against jwtmint,
// for tests/integration/test_clients.py.
//
// openid-client: RFC 8414 discovery (/.well-known/oauth-authorization-server,
// algorithm 'oauth2'), client_credentials, the password grant (a generic
// grant: openid-client has no helper for it), refresh, RFC 7662
// introspection, RFC 7009 revocation, and calls to the gate-protected API
// (fetchProtectedResource: Bearer, plus the application's X-API-Key).
// jose: RFC 9068 verification of every access token against the JWKS named
// by the discovered metadata (createRemoteJWKSet), requiring typ at+jwt.
//
// Input: environment JM_ISSUER, JM_CLIENT_ID, JM_CLIENT_SECRET (the whole
// API key), JM_USERNAME, JM_PASSWORD, JM_API (the protected URL),
// JM_AUDIENCE, JM_EXPIRED (a jwtmint token past its exp), JM_WRONG_TYP (a
// jwtmint-signed token with typ JWT). Output: one JSON object on stdout; the
// test asserts on it. Exit 1 when a library call fails unexpectedly.
import * as client from 'openid-client';
import * as jose from 'jose';

const env = {};
for (const k of ['JM_ISSUER', 'JM_CLIENT_ID', 'JM_CLIENT_SECRET', 'JM_USERNAME', 'JM_PASSWORD',
  'JM_API', 'JM_AUDIENCE', 'JM_EXPIRED', 'JM_WRONG_TYP']) {
  if (!process.env[k]) {
    console.error(`jwtmint-client-node: ${k} is not set`);
    process.exit(1);
  }
  env[k] = process.env[k];
}
const report = {};

// RFC 8414 discovery. jwtmint serves only the OAuth metadata path (no
// OpenID Connect): algorithm 'oauth2'. Plain http only because the test
// stack has no TLS: allowInsecureRequests.
const config = await client.discovery(new URL(env.JM_ISSUER), env.JM_CLIENT_ID, undefined,
  client.ClientSecretBasic(env.JM_CLIENT_SECRET),
  { algorithm: 'oauth2', execute: [client.allowInsecureRequests], timeout: 10 });
const meta = config.serverMetadata();
report.metadata = { issuer: meta.issuer, token_endpoint: meta.token_endpoint, jwks_uri: meta.jwks_uri,
  introspection_endpoint: meta.introspection_endpoint, revocation_endpoint: meta.revocation_endpoint };

// RFC 9068 §4: the resource server's own check, from the JWKS only.
const jwks = jose.createRemoteJWKSet(new URL(meta.jwks_uri));
async function verify(token) {
  try {
    const { payload, protectedHeader } = await jose.jwtVerify(token, jwks, {
      issuer: meta.issuer,
      audience: env.JM_AUDIENCE,
      typ: 'at+jwt',
      algorithms: ['ES256'],
      requiredClaims: ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'],
    });
    return { ok: true, typ: protectedHeader.typ, sub: payload.sub, client_id: payload.client_id,
      scope: payload.scope };
  } catch (e) {
    return { ok: false, code: e.code, claim: e.claim };
  }
}

async function api(token) {
  try {
    const r = await client.fetchProtectedResource(config, token, new URL(env.JM_API), 'GET', undefined,
      new Headers({ 'X-API-Key': env.JM_CLIENT_SECRET }));
    return { status: r.status, www_authenticate: r.headers.get('www-authenticate'),
      body: (await r.text()).slice(0, 2000) };
  } catch (e) {
    // A 401 with a Bearer challenge: oauth4webapi throws
    // WWWAuthenticateChallengeError, the response attached.
    if (e.response === undefined)
      throw e;
    return { status: e.response.status, www_authenticate: e.response.headers.get('www-authenticate'),
      challenge_error: e.code };
  }
}

function tamperSig(t) {
  const i = t.lastIndexOf('.') + Math.floor((t.length - t.lastIndexOf('.')) / 2);
  return t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
}

function tamperClaim(t) {
  const [h, p, s] = t.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  claims.scope = 'read:accounts write:settings admin';
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

// client_credentials
const cc = await client.clientCredentialsGrant(config, { scope: 'read:accounts' });
report.cc = { token_type: cc.token_type, scope: cc.scope, expires_in: cc.expiresIn(),
  access_token: cc.access_token, refresh_token: cc.refresh_token ?? null };
report.cc_verify = await verify(cc.access_token);
report.cc_api = await api(cc.access_token);
// The same with client_secret_post.
const postConfig = new client.Configuration(meta, env.JM_CLIENT_ID, undefined,
  client.ClientSecretPost(env.JM_CLIENT_SECRET));
client.allowInsecureRequests(postConfig);
const ccPost = await client.clientCredentialsGrant(postConfig, { scope: 'read:accounts' });
report.cc_post = { access_token: ccPost.access_token, scope: ccPost.scope };
report.cc_post_verify = await verify(ccPost.access_token);

// password, then refresh (rotation)
const pw = await client.genericGrantRequest(config, 'password',
  { username: env.JM_USERNAME, password: env.JM_PASSWORD });
report.password = { access_token: pw.access_token, refresh_token: pw.refresh_token, scope: pw.scope };
report.password_verify = await verify(pw.access_token);
report.password_api = await api(pw.access_token);
const rf = await client.refreshTokenGrant(config, pw.refresh_token);
report.refreshed = { access_token: rf.access_token, refresh_token: rf.refresh_token, scope: rf.scope };
report.refreshed_verify = await verify(rf.access_token);
report.refreshed_api = await api(rf.access_token);

// introspection: active, then revoked
report.introspect_active = await client.tokenIntrospection(config, rf.access_token);
report.introspect_refresh = await client.tokenIntrospection(config, rf.refresh_token,
  { token_type_hint: 'refresh_token' });
await client.tokenRevocation(config, pw.access_token, { token_type_hint: 'access_token' });
report.introspect_revoked = await client.tokenIntrospection(config, pw.access_token);

// What must be refused: by the gate, and by jose locally.
const bad = {
  expired: env.JM_EXPIRED,
  revoked: pw.access_token,
  tampered_sig: tamperSig(rf.access_token),
  tampered_claim: tamperClaim(rf.access_token),
  garbage: 'not-a-token',
  garbage_jws: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
  refresh_token: rf.refresh_token,
  wrong_typ: env.JM_WRONG_TYP,
};
report.refused_api = {};
report.refused_verify = {};
for (const [name, t] of Object.entries(bad)) {
  report.refused_api[name] = await api(t);
  report.refused_verify[name] = await verify(t);
}

// A revoked refresh token no longer refreshes.
await client.tokenRevocation(config, rf.refresh_token, { token_type_hint: 'refresh_token' });
try {
  await client.refreshTokenGrant(config, rf.refresh_token);
  report.refresh_after_revoke = { ok: true };
} catch (e) {
  report.refresh_after_revoke = { ok: false, error: e.error, status: e.status };
}
report.control_api = await api(cc.access_token);

process.stdout.write(JSON.stringify(report) + '\n');
