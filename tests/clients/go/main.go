// jwtmint-client-go: golang.org/x/oauth2 (Debian's golang-golang-x-oauth2-dev)
// against jwtmint, for tests/integration/test_clients.py.
//
// It runs two flows with the library's own types, each time calling the
// gate-protected API through an oauth2 transport (Authorization: Bearer,
// added by the library) plus the application's X-API-Key:
//   - clientcredentials.Config: a client_credentials token;
//   - oauth2.Config.PasswordCredentialsToken, then a TokenSource given a
//     token whose expiry has passed: the library refreshes it by itself
//     before the call, twice (the second time with the rotated refresh
//     token);
//
// then presents tokens the API must refuse (expired, revoked, tampered,
// garbage, a refresh token) and revokes and introspects with net/http
// (x/oauth2 has no RFC 7009/7662 client).
//
// Input: environment JM_ISSUER, JM_CLIENT_ID, JM_CLIENT_SECRET (the whole
// API key), JM_USERNAME, JM_PASSWORD, JM_API (the protected URL),
// JM_EXPIRED (a jwtmint token already past its exp). Output: one JSON
// object on stdout; the test asserts on it. Exit 1 when the library fails.
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

type call struct {
	Status int    `json:"status"`
	WWW    string `json:"www_authenticate"`
	Body   string `json:"body"`
}

type tok struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope,omitempty"`
	ExpiresInSec int64  `json:"expires_in_sec"`
}

// withKey adds the gate's X-API-Key beside the Bearer token that
// oauth2.Transport sets. Only on API calls: at /token the key goes in
// Authorization: Basic, and a second credential would be refused.
type withKey struct {
	key  string
	base http.RoundTripper
}

func (t withKey) RoundTrip(r *http.Request) (*http.Response, error) {
	r2 := r.Clone(r.Context())
	r2.Header.Set("X-API-Key", t.key)
	return t.base.RoundTrip(r2)
}

var (
	env    = map[string]string{}
	report = map[string]interface{}{}
)

func fail(what string, err error) {
	fmt.Fprintf(os.Stderr, "jwtmint-client-go: %s: %v\n", what, err)
	os.Exit(1)
}

func api(ts oauth2.TokenSource) call {
	c := &http.Client{Timeout: 10 * time.Second,
		Transport: &oauth2.Transport{Source: ts,
			Base: withKey{env["JM_CLIENT_SECRET"], http.DefaultTransport}}}
	resp, err := c.Get(env["JM_API"])
	if err != nil {
		fail("GET "+env["JM_API"], err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 8192))
	return call{resp.StatusCode, resp.Header.Get("WWW-Authenticate"), string(b)}
}

func present(token string) call {
	return api(oauth2.StaticTokenSource(&oauth2.Token{AccessToken: token, TokenType: "Bearer"}))
}

func summary(t *oauth2.Token) tok {
	s, _ := t.Extra("scope").(string)
	return tok{t.AccessToken, t.RefreshToken, t.TokenType, s,
		int64(time.Until(t.Expiry).Seconds())}
}

// post sends an RFC 7009/7662 form with client_secret_basic.
func post(path string, form url.Values) call {
	req, err := http.NewRequest("POST", env["JM_ISSUER"]+path, strings.NewReader(form.Encode()))
	if err != nil {
		fail(path, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(env["JM_CLIENT_ID"]), url.QueryEscape(env["JM_CLIENT_SECRET"]))
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		fail(path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 8192))
	return call{resp.StatusCode, resp.Header.Get("WWW-Authenticate"), string(b)}
}

// tamperSig changes one character in the middle of the signature.
func tamperSig(t string) string {
	i := strings.LastIndexByte(t, '.') + (len(t)-strings.LastIndexByte(t, '.'))/2
	c := byte('A')
	if t[i] == 'A' {
		c = 'B'
	}
	return t[:i] + string(c) + t[i+1:]
}

// tamperPayload widens the scope claim and keeps the signature.
func tamperPayload(t string) string {
	p := strings.Split(t, ".")
	raw, err := base64.RawURLEncoding.DecodeString(p[1])
	if err != nil {
		fail("payload", err)
	}
	var claims map[string]interface{}
	if err := json.Unmarshal(raw, &claims); err != nil {
		fail("payload", err)
	}
	claims["scope"] = "read:accounts write:settings admin"
	raw, _ = json.Marshal(claims)
	return p[0] + "." + base64.RawURLEncoding.EncodeToString(raw) + "." + p[2]
}

func main() {
	for _, k := range []string{"JM_ISSUER", "JM_CLIENT_ID", "JM_CLIENT_SECRET",
		"JM_USERNAME", "JM_PASSWORD", "JM_API", "JM_EXPIRED"} {
		if env[k] = os.Getenv(k); env[k] == "" {
			fail("environment", fmt.Errorf("%s is not set", k))
		}
	}
	ctx := context.Background()
	tokenURL := env["JM_ISSUER"] + "/token"

	// 1. client_credentials.
	cc := &clientcredentials.Config{
		ClientID:     env["JM_CLIENT_ID"],
		ClientSecret: env["JM_CLIENT_SECRET"],
		TokenURL:     tokenURL,
		Scopes:       []string{"read:accounts"},
		AuthStyle:    oauth2.AuthStyleInHeader,
	}
	ccts := cc.TokenSource(ctx)
	t, err := ccts.Token()
	if err != nil {
		fail("client_credentials", err)
	}
	report["cc"] = summary(t)
	report["cc_api"] = api(ccts)
	// The same with client_secret_post.
	ccPost := *cc
	ccPost.AuthStyle = oauth2.AuthStyleInParams
	if t, err = ccPost.Token(ctx); err != nil {
		fail("client_credentials (client_secret_post)", err)
	}
	report["cc_post"] = summary(t)

	// 2. password, then automatic refresh of an expired token.
	conf := &oauth2.Config{
		ClientID:     env["JM_CLIENT_ID"],
		ClientSecret: env["JM_CLIENT_SECRET"],
		Endpoint:     oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInHeader},
	}
	pw, err := conf.PasswordCredentialsToken(ctx, env["JM_USERNAME"], env["JM_PASSWORD"])
	if err != nil {
		fail("password grant", err)
	}
	report["password"] = summary(pw)
	report["password_api"] = api(conf.TokenSource(ctx, pw))
	refreshed := []tok{}
	calls := []call{}
	cur := pw
	for i := 0; i < 2; i++ {
		stale := *cur
		stale.Expiry = time.Now().Add(-time.Minute)
		ts := conf.TokenSource(ctx, &stale)
		calls = append(calls, api(ts))
		if cur, err = ts.Token(); err != nil {
			fail("refresh", err)
		}
		refreshed = append(refreshed, summary(cur))
	}
	report["refreshed"] = refreshed
	report["refreshed_api"] = calls

	// 3. what the API must refuse.
	revoked := refreshed[0].AccessToken
	report["revoke"] = post("/revoke", url.Values{"token": {revoked}, "token_type_hint": {"access_token"}})
	report["revoked_introspection"] = post("/introspect", url.Values{"token": {revoked}})
	report["refused"] = map[string]call{
		"expired":        present(env["JM_EXPIRED"]),
		"revoked":        present(revoked),
		"tampered_sig":   present(tamperSig(cur.AccessToken)),
		"tampered_claim": present(tamperPayload(cur.AccessToken)),
		"garbage":        present("not-a-token"),
		"garbage_jws":    present("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln"),
		"refresh_token":  present(cur.RefreshToken),
	}
	// The last access token still works: the refusals were about the tokens.
	report["control_api"] = present(cur.AccessToken)

	out, _ := json.Marshal(report)
	os.Stdout.Write(append(out, '\n'))
}
