// Runs a whole Organizations session with the official Stytch Node SDK, unchanged, against a
// Stytch-compatible server (the stytchmock binary, see scripts/test-node-sdk), and asserts every
// result. It calls every operation the SDK has for organizations, members, their connected apps,
// OAuth and OIDC provider tokens, and RBAC, with their error paths, the way an application would.
// It prints one line per step and a tally, and exits non-zero if any step failed.
//
//	STYTCHMOCK_URL=http://127.0.0.1:4010/ STYTCH_PROJECT_ID=project-test-… STYTCH_SECRET=… \
//	  node tools/npm/stytch-node/session.mjs
//
// The steps expect what Stytch answers (its published spec and documentation), not what the mock
// happens to do. Besides the values each step checks, every response is checked against the SDK's
// own type definitions (node_modules/stytch/types/lib/b2b/*.d.ts): each field the SDK declares
// required must be present, non-null and of the declared type, recursively.
//
// State that only Stytch's sign-in flows or dashboard create (verified email addresses,
// passwords, TOTP, provider tokens, Connected App grants, member sessions) is seeded once through
// the mock's fixture endpoint, POST /__stytchmock/fixtures.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const stytch = require("stytch");
const { B2BClient, StytchError } = stytch;
// The package root: its main file is dist/index.js (package.json is not an exported subpath).
const sdkDir = path.resolve(path.dirname(require.resolve("stytch")), "..");
const sdkVersion = JSON.parse(readFileSync(path.join(sdkDir, "package.json"), "utf8")).version;

const baseURL = process.env.STYTCHMOCK_URL;
const projectID = process.env.STYTCH_PROJECT_ID;
const secret = process.env.STYTCH_SECRET;
if (!baseURL || !projectID || !secret) {
  console.error("session.mjs: set STYTCHMOCK_URL (e.g. http://127.0.0.1:4010/), STYTCH_PROJECT_ID and STYTCH_SECRET");
  process.exit(2);
}

// ---- The SDK's response types, read from its .d.ts files ----------------------------------------

const typeFiles = [
  "organizations",
  "organizations_members",
  "organizations_members_connected_apps",
  "organizations_members_oauth_providers",
  "rbac",
  "rbac_organizations",
  "scim",
];
const interfaces = new Map(); // name -> [{name, optional, type}]
for (const f of typeFiles) {
  const src = readFileSync(path.join(sdkDir, "types/lib/b2b", `${f}.d.ts`), "utf8");
  for (const m of src.matchAll(/^export interface (\w+) \{\n([\s\S]*?)^\}/gm)) {
    if (interfaces.has(m[1])) continue;
    const fields = [];
    for (const line of m[2].split("\n")) {
      const fm = /^ {4}(\w+)(\?)?: (.+);$/.exec(line);
      if (fm) fields.push({ name: fm[1], optional: fm[2] === "?", type: fm[3] });
    }
    interfaces.set(m[1], fields);
  }
}

// splitTop splits a type on a separator outside <> and {}.
function splitTop(t, sep) {
  const out = [];
  let depth = 0;
  let cur = "";
  for (let i = 0; i < t.length; i++) {
    const c = t[i];
    if (c === "<" || c === "{" || c === "(") depth++;
    if (c === ">" || c === "}" || c === ")") depth--;
    if (depth === 0 && t.startsWith(sep, i)) {
      out.push(cur.trim());
      cur = "";
      i += sep.length - 1;
      continue;
    }
    cur += c;
  }
  out.push(cur.trim());
  return out;
}

// conform returns the ways value breaks the SDK type t ([] when it conforms).
function conform(value, t, where) {
  t = t.trim();
  const alternatives = splitTop(t, "|");
  if (alternatives.length > 1) {
    const results = alternatives.map((a) => conform(value, a, where));
    return results.some((r) => r.length === 0) ? [] : results[0];
  }
  const kind = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
  const want = (ok, what) => (ok ? [] : [`${where}: want ${what}, got ${kind} ${JSON.stringify(value)?.slice(0, 80)}`]);
  if (t.endsWith("[]")) {
    if (kind !== "array") return want(false, t);
    return value.flatMap((v, i) => conform(v, t.slice(0, -2), `${where}[${i}]`));
  }
  if (t.startsWith('"')) return want(kind === "string", "string");
  switch (t) {
    case "string":
      return want(kind === "string", "string");
    case "number":
      return want(kind === "number" && Number.isFinite(value), "number");
    case "boolean":
      return want(kind === "boolean", "boolean");
    case "any":
    case "unknown":
      return [];
  }
  if (t.startsWith("Record<")) {
    const [, valueType] = splitTop(t.slice("Record<".length, -1), ",");
    if (kind !== "object") return want(false, "object");
    return Object.entries(value).flatMap(([k, v]) => conform(v, valueType, `${where}.${k}`));
  }
  const fields = interfaces.get(t);
  if (!fields) return []; // a type this check does not know: presence was checked by the caller
  if (kind !== "object") return want(false, `object ${t}`);
  const problems = [];
  for (const f of fields) {
    const v = value[f.name];
    if (v === undefined || v === null) {
      if (!f.optional) problems.push(`${where}.${f.name}: required by the SDK's ${t} but ${v === null ? "null" : "absent"}`);
      continue;
    }
    problems.push(...conform(v, f.type, `${where}.${f.name}`));
  }
  return problems;
}

function assertShape(value, typeName) {
  assert.ok(interfaces.has(typeName), `the SDK declares no interface ${typeName}`);
  const problems = conform(value, typeName, typeName);
  assert.deepEqual(problems, [], `response does not match the SDK's ${typeName} type`);
}

// ---- Steps ------------------------------------------------------------------------------------

let stepNumber = 0;
const failed = [];
const operations = new Set(); // the SDK methods the session called

// step runs one named check. A failing step is reported and the session goes on; a failing
// fatal step (one later steps cannot do without) ends the session.
async function step(name, fn, { fatal = false } = {}) {
  stepNumber++;
  const label = `${String(stepNumber).padStart(3, "0")} ${name}`;
  try {
    const detail = await fn();
    console.log(`ok   ${label}${detail ? ` (${detail})` : ""}`);
    return true;
  } catch (err) {
    failed.push(label);
    console.log(`FAIL ${label}`);
    if (err instanceof StytchError) {
      console.log(`     unexpected StytchError: status_code=${err.status_code} error_type=${err.error_type} request_id=${err.request_id}`);
      console.log(`     error_message: ${err.error_message}`);
      if (err.error_details) console.log(`     error_details: ${JSON.stringify(err.error_details)}`);
    } else {
      console.log(String(err?.stack ?? err).replace(/^/gm, "     "));
    }
    if (fatal) {
      console.log(`stopping: later steps depend on step ${stepNumber}`);
      finish();
    }
    return false;
  }
}

function finish() {
  console.log(`${stepNumber - failed.length} of ${stepNumber} steps passed, ${operations.size} SDK operations called`);
  if (failed.length > 0) {
    console.log(`failed steps:\n${failed.map((f) => `  ${f}`).join("\n")}`);
    process.exit(1);
  }
  process.exit(0);
}

// call records the SDK operation a step uses (e.g. "organizations.members.create").
function call(operation, fn) {
  operations.add(operation);
  return fn();
}

// expectStytchError runs fn, which must fail with a StytchError of the given type and status.
async function expectStytchError(fn, errorType, statusCode) {
  let caught;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `want StytchError ${statusCode} ${errorType}, but the call succeeded`);
  assert.ok(caught instanceof StytchError, `want StytchError ${errorType}, got ${caught?.constructor?.name}: ${caught?.message}`);
  assert.equal(caught.error_type, errorType, `error_type (status_code ${caught.status_code}, message: ${caught.error_message})`);
  assert.equal(caught.status_code, statusCode, "status_code");
  assert.equal(typeof caught.request_id, "string", "request_id");
  assert.ok(caught.request_id.length > 0, "request_id is empty");
  assert.equal(typeof caught.error_message, "string", "error_message");
  assert.ok(caught.error_message.length > 0, "error_message is empty");
  assert.equal(typeof caught.error_url, "string", "error_url");
  return `${caught.status_code} ${caught.error_type}`;
}

function assertOK(res, typeName) {
  assert.equal(res.status_code, 200, "status_code");
  assert.equal(typeof res.request_id, "string", "request_id");
  assert.ok(res.request_id.length > 0, "request_id is empty");
  assertShape(res, typeName);
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const roleIDs = (member) => member.roles.map((r) => r.role_id);
const hasRole = (member, role, sourceType) =>
  member.roles.some((r) => r.role_id === role && r.sources.some((s) => s.type === sourceType));
const unknownOrg = "organization-test-00000000-0000-0000-0000-000000000000";
const unknownMember = "member-test-00000000-0000-0000-0000-000000000000";
const unknownApp = "connected-app-test-00000000-0000-0000-0000-000000000000";

const client = new B2BClient({ project_id: projectID, secret, env: baseURL });
const orgs = client.organizations;
const members = client.organizations.members;
console.log(`stytch ${sdkVersion} (Node ${process.version}) against ${baseURL} as ${projectID}`);

// ---- The seeded world -------------------------------------------------------------------------

// Initech exists before the session: its members signed in, so they have verified addresses,
// factors, provider tokens, Connected App grants and sessions.
const seed = {
  readerApp: `connected-app-test-${randomUUID()}`,
  cliApp: `connected-app-test-${randomUUID()}`,
  initech: `organization-test-${randomUUID()}`,
  peter: `member-test-${randomUUID()}`,
  milton: `member-test-${randomUUID()}`,
  samir: `member-test-${randomUUID()}`,
  bill: `member-test-${randomUUID()}`,
  peterPassword: `member-password-test-${randomUUID()}`,
  peterTOTP: `member-totp-test-${randomUUID()}`,
  adminSession: `session-token-${randomUUID()}`,
  memberSession: `session-token-${randomUUID()}`,
};
const scimEntry = (value) => ({ value, type: "work", primary: true });
const scimAttributes = {
  user_name: "peter@initech.com",
  id: "00u1peter",
  external_id: "okta-00u1",
  active: true,
  groups: [{ value: "00g1", display: "Engineering" }],
  display_name: "Peter Gibbons",
  nick_name: "Pete",
  profile_url: "",
  user_type: "Employee",
  title: "Programmer",
  preferred_language: "en",
  locale: "en-US",
  timezone: "America/Chicago",
  emails: [scimEntry("peter@initech.com")],
  phone_numbers: [scimEntry("+15005550006")],
  addresses: [{ formatted: "", street_address: "4120 Freidrich Ln", locality: "Austin", region: "TX", postal_code: "78744", country: "US", type: "work", primary: true }],
  ims: [],
  photos: [],
  entitlements: [],
  roles: [],
  x509certificates: [],
  name: { formatted: "Peter Gibbons", family_name: "Gibbons", given_name: "Peter", middle_name: "", honorific_prefix: "", honorific_suffix: "" },
  enterprise_extension: { employee_number: "1138", cost_center: "", division: "", department: "Software", organization: "Initech", manager: { value: "bill@initech.com", ref: "", display_name: "Bill Lumbergh" } },
};

await step(
  "seed initech and its signed-in members (POST /__stytchmock/fixtures)",
  async () => {
    const fixture = {
      project_id: projectID,
      connected_apps: [
        { connected_app_id: seed.readerApp, name: "Reports Reader", description: "Reads TPS reports", client_type: "third_party", logo_url: "https://reports.example/logo.png" },
        { connected_app_id: seed.cliApp, name: "Initech CLI", description: "The command line", client_type: "first_party" },
      ],
      organizations: [
        {
          organization_id: seed.initech,
          organization_name: "Initech",
          organization_slug: "initech",
          email_allowed_domains: ["initech.com"],
          members: [
            {
              member_id: seed.peter,
              email_address: "peter@initech.com",
              name: "Peter Gibbons",
              roles: ["stytch_admin"],
              external_id: "peter-ext",
              email_address_verified: true,
              mfa_phone_number: "+15005550006",
              mfa_phone_number_verified: true,
              member_password_id: seed.peterPassword,
              totp_registration_id: seed.peterTOTP,
              retired_email_addresses: ["pgibbons@initech.com"],
              scim_registration: { connection_id: `scim-connection-test-${randomUUID()}`, registration_id: `scim-registration-test-${randomUUID()}`, external_id: "okta-00u1", scim_attributes: scimAttributes },
              provider_tokens: {
                google: { provider_type: "Google", provider_subject: "google-sub-peter", id_token: "google-id-token", access_token: "google-access", access_token_expires_in: 3599, scopes: ["openid", "email"], refresh_token: "google-refresh" },
                microsoft: { provider_type: "Microsoft", provider_subject: "ms-sub-peter", id_token: "ms-id-token", access_token: "ms-access", access_token_expires_in: 3600, scopes: ["openid"], refresh_token: "ms-refresh" },
                slack: [{ provider_subject: "U0PETER", provider_tenant_id: "T0INITECH", access_token: "xoxp-peter", scopes: ["openid"], bot_access_token: "xoxb-initech", bot_scopes: ["chat:write"] }],
                hubspot: [{ provider_subject: "hs-peter", provider_tenant_id: "hs-initech", access_token: "hs-access", access_token_expires_in: 1800, scopes: ["oauth"], refresh_token: "hs-refresh" }],
                github: [{ provider_subject: "gh-peter", provider_tenant_ids: ["initech-gh"], access_token: "gho-peter", scopes: ["read:org"] }],
                oidc: [{ provider_subject: "oidc-peter", id_token: "oidc-id-token", access_token: "oidc-access", access_token_expires_in: 600, scopes: ["openid", "profile"], connection_id: `oidc-connection-test-${randomUUID()}`, refresh_token: "oidc-refresh" }],
              },
              connected_apps: [
                { connected_app_id: seed.readerApp, scopes: ["openid", "read:reports"] },
                { connected_app_id: seed.cliApp, scopes: ["openid"] },
              ],
              sessions: [{ session_token: seed.adminSession }],
            },
            {
              member_id: seed.milton,
              email_address: "milton@initech.com",
              name: "Milton Waddams",
              email_address_verified: true,
              connected_apps: [{ connected_app_id: seed.readerApp, scopes: ["openid"] }],
              sessions: [{ session_token: seed.memberSession }],
            },
            { member_id: seed.samir, email_address: "samir@initech.com", name: "Samir", email_address_verified: true },
            { member_id: seed.bill, email_address: "bill@initech.com", name: "Bill Lumbergh" },
          ],
        },
      ],
    };
    const res = await fetch(new URL("__stytchmock/fixtures", baseURL), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(fixture),
    });
    assert.equal(res.status, 200, `fixture refused: ${await res.text()}`);
  },
  { fatal: true },
);

// ---- Credentials ------------------------------------------------------------------------------

let acme; // the organization under test
let globex; // the seed example: a second organization, so that searches have something to leave out
let alice;
let bob;

await step("read the RBAC policy with the project's credentials", async () => {
  const res = await call("rbac.policy", () => client.rbac.policy());
  assertOK(res, "B2BRBACPolicyResponse");
  assert.ok(res.policy, "policy is absent");
  const roles = res.policy.roles.map((r) => r.role_id);
  assert.ok(roles.includes("stytch_member"), `roles: ${roles}`);
  assert.ok(roles.includes("stytch_admin"), `roles: ${roles}`);
  const resources = res.policy.resources.map((r) => r.resource_id);
  for (const r of ["stytch.organization", "stytch.member", "stytch.self"]) {
    assert.ok(resources.includes(r), `resources: ${resources}`);
  }
  const admin = res.policy.roles.find((r) => r.role_id === "stytch_admin");
  assert.ok(admin.description.length > 0 && admin.permissions.length > 0, `stytch_admin: ${JSON.stringify(admin)}`);
  return `${roles.length} roles, ${resources.length} resources, ${res.policy.scopes.length} scopes`;
});

const intruder = new B2BClient({ project_id: projectID, secret: `${secret}-wrong`, env: baseURL });
await step("a wrong secret is refused: organizations.get 401 unauthorized_credentials", () =>
  expectStytchError(() => intruder.organizations.get({ organization_id: "initech" }), "unauthorized_credentials", 401),
);
await step("a wrong secret is refused before any lookup: members.create in an unknown organization 401", () =>
  expectStytchError(
    () => intruder.organizations.members.create({ organization_id: unknownOrg, email_address: "x@initech.com" }),
    "unauthorized_credentials",
    401,
  ),
);
const stranger = new B2BClient({ project_id: "my-project", secret, env: baseURL });
await step("a project id that is not a Stytch project id is refused: rbac.policy 401 unauthorized_credentials", () =>
  expectStytchError(() => stranger.rbac.policy(), "unauthorized_credentials", 401),
);

// ---- Organizations ----------------------------------------------------------------------------

await step(
  "create organization acme-corp with every setting",
  async () => {
    const res = await call("organizations.create", () =>
      orgs.create({
        organization_name: "Acme Corporation",
        organization_slug: "acme-corp",
        organization_logo_url: "https://acme.example/logo.png",
        organization_external_id: "acme-ext-1",
        trusted_metadata: { plan: "enterprise", region: "eu-west", limits: { seats: 50 } },
        sso_jit_provisioning: "NOT_ALLOWED",
        email_allowed_domains: ["acme.com", "acme.io"],
        email_jit_provisioning: "RESTRICTED",
        email_invites: "RESTRICTED",
        auth_methods: "RESTRICTED",
        allowed_auth_methods: ["sso", "magic_link", "password"],
        mfa_policy: "REQUIRED_FOR_ALL",
        rbac_email_implicit_role_assignments: [{ domain: "acme.io", role_id: "stytch_admin" }],
        mfa_methods: "RESTRICTED",
        allowed_mfa_methods: ["totp"],
        oauth_tenant_jit_provisioning: "RESTRICTED",
        allowed_oauth_tenants: { slack: ["T0ACME"], github: ["acme-gh"] },
        claimed_email_domains: ["acme.com"],
        first_party_connected_apps_allowed_type: "RESTRICTED",
        allowed_first_party_connected_apps: [seed.cliApp],
        third_party_connected_apps_allowed_type: "ALL_ALLOWED",
      }),
    );
    assertOK(res, "B2BOrganizationsCreateResponse");
    acme = res.organization;
    assert.match(acme.organization_id, /^organization-test-/);
    assert.equal(acme.organization_name, "Acme Corporation");
    assert.equal(acme.organization_slug, "acme-corp");
    assert.equal(acme.organization_logo_url, "https://acme.example/logo.png");
    assert.equal(acme.organization_external_id, "acme-ext-1");
    assert.deepEqual(acme.trusted_metadata, { plan: "enterprise", region: "eu-west", limits: { seats: 50 } });
    assert.equal(acme.sso_jit_provisioning, "NOT_ALLOWED");
    assert.deepEqual(acme.email_allowed_domains, ["acme.com", "acme.io"]);
    assert.equal(acme.email_jit_provisioning, "RESTRICTED");
    assert.equal(acme.email_invites, "RESTRICTED");
    assert.equal(acme.auth_methods, "RESTRICTED");
    assert.deepEqual(acme.allowed_auth_methods, ["sso", "magic_link", "password"]);
    assert.equal(acme.mfa_policy, "REQUIRED_FOR_ALL");
    assert.deepEqual(acme.rbac_email_implicit_role_assignments, [{ domain: "acme.io", role_id: "stytch_admin" }]);
    assert.equal(acme.mfa_methods, "RESTRICTED");
    assert.deepEqual(acme.allowed_mfa_methods, ["totp"]);
    assert.equal(acme.oauth_tenant_jit_provisioning, "RESTRICTED");
    assert.deepEqual(acme.allowed_oauth_tenants, { slack: ["T0ACME"], github: ["acme-gh"] });
    assert.deepEqual(acme.claimed_email_domains, ["acme.com"]);
    assert.equal(acme.first_party_connected_apps_allowed_type, "RESTRICTED");
    assert.deepEqual(acme.allowed_first_party_connected_apps, [seed.cliApp]);
    assert.equal(acme.third_party_connected_apps_allowed_type, "ALL_ALLOWED");
    assert.deepEqual(acme.sso_active_connections, []);
    assert.deepEqual(acme.custom_roles, []);
    assert.match(acme.created_at, rfc3339);
    return acme.organization_id;
  },
  { fatal: true },
);

await step(
  "create organization globex with the seed example's request (name, slug, email_allowed_domains)",
  async () => {
    const res = await call("organizations.create", () =>
      orgs.create({ organization_name: "Globex Inc", organization_slug: "globex", email_allowed_domains: ["globex.com"] }),
    );
    assertOK(res, "B2BOrganizationsCreateResponse");
    globex = res.organization;
    assert.match(globex.organization_id, /^organization-test-/);
    assert.notEqual(globex.organization_id, acme.organization_id);
    return globex.organization_id;
  },
  { fatal: true },
);
await step("globex has the seed example's response fields (email_invites ALL_ALLOWED)", () => {
  assert.deepEqual(globex.trusted_metadata ?? {}, {});
  assert.deepEqual(globex.email_allowed_domains, ["globex.com"]);
  assert.equal(globex.email_jit_provisioning, "NOT_ALLOWED");
  assert.equal(globex.auth_methods, "ALL_ALLOWED");
  assert.deepEqual(globex.allowed_auth_methods, []);
  assert.equal(globex.mfa_policy, "OPTIONAL");
  assert.equal(globex.email_invites, "ALL_ALLOWED", "email_invites");
});

await step("create organization with a name only: email_invites defaults to ALL_ALLOWED", async () => {
  const res = await call("organizations.create", () => orgs.create({ organization_name: "Name Only Ltd" }));
  assertOK(res, "B2BOrganizationsCreateResponse");
  assert.equal(res.organization.email_invites, "ALL_ALLOWED");
  assert.ok(res.organization.organization_slug.length >= 2, `organization_slug ${res.organization.organization_slug}`);
});

await step("create organization with a used slug fails", () =>
  expectStytchError(() => orgs.create({ organization_name: "Acme Again", organization_slug: "acme-corp" }), "organization_slug_already_used", 400),
);
await step("create organization with a used external id fails", () =>
  expectStytchError(
    () => orgs.create({ organization_name: "Acme Twin", organization_slug: "acme-twin", organization_external_id: "acme-ext-1" }),
    "organization_external_id_already_used",
    400,
  ),
);
await step("create organization with an invalid slug fails", () =>
  expectStytchError(() => orgs.create({ organization_name: "Bad Slug", organization_slug: "a b" }), "invalid_organization_slug", 400),
);
await step("create organization allowing a common email domain fails", () =>
  expectStytchError(() => orgs.create({ organization_name: "Gmail Fans", email_allowed_domains: ["gmail.com"] }), "organization_settings_domain_too_common", 400),
);
await step("create organization with auth_methods RESTRICTED and no allowed methods fails", () =>
  expectStytchError(() => orgs.create({ organization_name: "Locked", auth_methods: "RESTRICTED" }), "allowed_auth_methods_required_for_restricted", 400),
);
await step("create organization with email_invites RESTRICTED and no allowed domains fails", () =>
  expectStytchError(() => orgs.create({ organization_name: "Restricted", email_invites: "RESTRICTED" }), "invalid_restricted_email_setting", 400),
);
await step("create organization claiming a domain another organization claimed fails", () =>
  expectStytchError(
    () => orgs.create({ organization_name: "Claim Jumper", claimed_email_domains: ["acme.com"] }),
    "organization_settings_claimed_domain_already_claimed",
    400,
  ),
);
await step("create organization with 21 trusted_metadata keys fails", () =>
  expectStytchError(
    () => orgs.create({ organization_name: "Too Meta", trusted_metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])) }),
    "metadata_too_many_keys",
    400,
  ),
);
await step("create organization allowing a punycode domain (xn--80ak6aa92e.xn--p1ai)", async () => {
  const res = await call("organizations.create", () =>
    orgs.create({ organization_name: "Rossiya", email_allowed_domains: ["xn--80ak6aa92e.xn--p1ai"] }),
  );
  assertOK(res, "B2BOrganizationsCreateResponse");
  assert.deepEqual(res.organization.email_allowed_domains, ["xn--80ak6aa92e.xn--p1ai"]);
});
await step("create organization with a 2,100-character logo URL", async () => {
  const logo = `https://cdn.example/${"l".repeat(2076)}.png`;
  const res = await call("organizations.create", () => orgs.create({ organization_name: "Long Logo", organization_logo_url: logo }));
  assertOK(res, "B2BOrganizationsCreateResponse");
  assert.equal(res.organization.organization_logo_url, logo);
});

await step("get organization by id", async () => {
  const res = await call("organizations.get", () => orgs.get({ organization_id: acme.organization_id }));
  assertOK(res, "B2BOrganizationsGetResponse");
  assert.deepEqual(res.organization, acme);
});
await step("get organization by slug", async () => {
  const res = await orgs.get({ organization_id: "acme-corp" });
  assertOK(res, "B2BOrganizationsGetResponse");
  assert.deepEqual(res.organization, acme);
});
await step("get organization by external id", async () => {
  const res = await orgs.get({ organization_id: "acme-ext-1" });
  assertOK(res, "B2BOrganizationsGetResponse");
  assert.deepEqual(res.organization, acme);
});
await step("get an unknown organization fails", () =>
  expectStytchError(() => orgs.get({ organization_id: unknownOrg }), "organization_not_found", 404),
);

await step("update organization settings and trusted metadata", async () => {
  const res = await call("organizations.update", () =>
    orgs.update({
      organization_id: acme.organization_id,
      organization_name: "Acme Corp",
      mfa_policy: "OPTIONAL",
      email_invites: "ALL_ALLOWED",
      allowed_auth_methods: ["sso", "google_oauth"],
      allowed_oauth_tenants: { hubspot: ["hs-acme"] },
      claimed_email_domains: ["acme.com", "acme.net"],
      trusted_metadata: { region: null, tier: "gold", limits: { api_calls: 1000 } },
    }),
  );
  assertOK(res, "B2BOrganizationsUpdateResponse");
  const org = res.organization;
  assert.equal(org.organization_id, acme.organization_id);
  assert.equal(org.organization_name, "Acme Corp");
  assert.equal(org.mfa_policy, "OPTIONAL");
  assert.equal(org.email_invites, "ALL_ALLOWED");
  assert.deepEqual(org.allowed_auth_methods, ["sso", "google_oauth"]);
  assert.deepEqual(org.allowed_oauth_tenants, { hubspot: ["hs-acme"] });
  assert.deepEqual(org.claimed_email_domains, ["acme.com", "acme.net"]);
  // Merged at the top level: region deleted by null, tier added, limits replaced whole.
  assert.deepEqual(org.trusted_metadata, { plan: "enterprise", tier: "gold", limits: { api_calls: 1000 } });
  // Fields not sent are unchanged.
  assert.equal(org.organization_slug, "acme-corp");
  assert.equal(org.auth_methods, "RESTRICTED");
  assert.deepEqual(org.email_allowed_domains, ["acme.com", "acme.io"]);
  assert.equal(org.created_at, acme.created_at);
  if (org.updated_at !== undefined) assert.match(org.updated_at, rfc3339);

  const again = await orgs.get({ organization_id: acme.organization_id });
  assertOK(again, "B2BOrganizationsGetResponse");
  assert.deepEqual(again.organization, org, "a get after the update returns the updated organization");
  acme = org;
});
await step("update organization: an empty list clears email_allowed_domains", async () => {
  const res = await orgs.update({ organization_id: globex.organization_id, email_allowed_domains: [] });
  assertOK(res, "B2BOrganizationsUpdateResponse");
  assert.deepEqual(res.organization.email_allowed_domains, []);
  globex = res.organization;
});
await step("update organization slug; the old slug no longer finds it", async () => {
  const res = await orgs.update({ organization_id: "globex", organization_slug: "globex-corp" });
  assertOK(res, "B2BOrganizationsUpdateResponse");
  assert.equal(res.organization.organization_slug, "globex-corp");
  globex = res.organization;
  return expectStytchError(() => orgs.get({ organization_id: "globex" }), "organization_not_found", 404);
});
await step("update organization to a used slug fails", () =>
  expectStytchError(() => orgs.update({ organization_id: globex.organization_id, organization_slug: "acme-corp" }), "organization_slug_already_used", 400),
);
await step("update an unknown organization fails", () =>
  expectStytchError(() => orgs.update({ organization_id: unknownOrg, organization_name: "Nobody" }), "organization_not_found", 404),
);
await step("update organization with trusted_metadata over 4 KB fails and changes nothing", async () => {
  const detail = await expectStytchError(
    () => orgs.update({ organization_id: globex.organization_id, trusted_metadata: { blob: "x".repeat(5000) } }),
    "metadata_too_large",
    400,
  );
  const res = await orgs.get({ organization_id: globex.organization_id });
  assert.deepEqual(res.organization, globex);
  return detail;
});

await step("get organization metrics of initech", async () => {
  const res = await call("organizations.metrics", () => orgs.metrics({ organization_id: "initech" }));
  assertOK(res, "B2BOrganizationsMetricsResponse");
  assert.equal(res.member_count, 4);
  return `member_count ${res.member_count}`;
});
await step("get metrics of an unknown organization fails", () =>
  expectStytchError(() => orgs.metrics({ organization_id: unknownOrg }), "organization_not_found", 404),
);

// ---- Members ----------------------------------------------------------------------------------

await step(
  "create member alice with every field",
  async () => {
    const res = await call("organizations.members.create", () =>
      members.create({
        organization_id: acme.organization_id,
        email_address: "alice@acme.com",
        name: "Alice Admin",
        roles: ["stytch_admin"],
        trusted_metadata: { employee_id: 1001 },
        untrusted_metadata: { theme: "dark" },
        is_breakglass: true,
        mfa_phone_number: "+12025550123",
        mfa_enrolled: true,
        external_id: "alice-ext",
      }),
    );
    assertOK(res, "B2BOrganizationsMembersCreateResponse");
    alice = res.member;
    assert.match(alice.member_id, /^member-test-/);
    assert.equal(res.member_id, alice.member_id);
    assert.equal(alice.organization_id, acme.organization_id);
    assert.equal(res.organization.organization_id, acme.organization_id);
    assert.equal(alice.email_address, "alice@acme.com");
    assert.equal(alice.name, "Alice Admin");
    assert.equal(alice.status, "active");
    assert.equal(alice.is_admin, true);
    assert.ok(hasRole(alice, "stytch_admin", "direct_assignment"), `roles: ${JSON.stringify(alice.roles)}`);
    assert.deepEqual(alice.trusted_metadata, { employee_id: 1001 });
    assert.deepEqual(alice.untrusted_metadata, { theme: "dark" });
    assert.equal(alice.is_breakglass, true);
    assert.equal(alice.mfa_phone_number, "+12025550123");
    assert.equal(alice.mfa_enrolled, true);
    assert.equal(alice.external_id, "alice-ext");
    assert.equal(alice.email_address_verified, false);
    assert.equal(alice.member_password_id, "");
    return alice.member_id;
  },
  { fatal: true },
);

await step("create member bob as pending", async () => {
  const res = await members.create({
    organization_id: "acme-corp",
    email_address: "bob@acme.com",
    name: "Bob",
    create_member_as_pending: true,
    untrusted_metadata: { theme: "dark", locale: "en" },
  });
  assertOK(res, "B2BOrganizationsMembersCreateResponse");
  bob = res.member;
  assert.notEqual(bob.member_id, alice.member_id);
  assert.equal(bob.status, "pending");
  assert.equal(bob.is_admin, false);
  assert.ok(!roleIDs(bob).includes("stytch_admin"), `roles: ${JSON.stringify(bob.roles)}`);
  assert.deepEqual(bob.untrusted_metadata, { theme: "dark", locale: "en" });
  return bob.member_id;
});

for (const [name, req, errorType, status] of [
  ["a used email address (other case)", { email_address: "ALICE@acme.com" }, "duplicate_member_email", 400],
  ["a used external id", { email_address: "alice2@acme.com", external_id: "alice-ext" }, "duplicate_member_external_id", 400],
  ["an invalid email address", { email_address: "not-an-email" }, "invalid_email", 400],
  ["a phone number not in E.164", { email_address: "phone@acme.com", mfa_phone_number: "555-0123" }, "invalid_phone_number", 400],
  ["the implicit role stytch_member", { email_address: "m@acme.com", roles: ["stytch_member"] }, "cannot_assign_default_rbac_role_id", 400],
  ["an unknown role", { email_address: "r@acme.com", roles: ["no_such_role"] }, "invalid_role", 400],
]) {
  await step(`create member with ${name} fails`, () =>
    expectStytchError(() => members.create({ organization_id: acme.organization_id, ...req }), errorType, status),
  );
}
await step("create member in a domain another organization claimed fails", () =>
  expectStytchError(
    () => members.create({ organization_id: globex.organization_id, email_address: "dave@acme.com" }),
    "action_not_allowed_email_domain_is_claimed",
    400,
  ),
);
await step("create member in an unknown organization fails", () =>
  expectStytchError(() => members.create({ organization_id: unknownOrg, email_address: "x@acme.com" }), "organization_not_found", 404),
);
await step("create member with a 300-character name", async () => {
  const name = "Ab".repeat(150);
  const res = await members.create({ organization_id: acme.organization_id, email_address: "longname@acme.com", name });
  assertOK(res, "B2BOrganizationsMembersCreateResponse");
  assert.equal(res.member.name, name);
  await members.delete({ organization_id: acme.organization_id, member_id: res.member_id });
});

await step("get member by id", async () => {
  const res = await call("organizations.members.get", () => members.get({ organization_id: acme.organization_id, member_id: alice.member_id }));
  assertOK(res, "B2BOrganizationsMembersGetResponse");
  assert.equal(res.member_id, alice.member_id);
  assert.deepEqual(res.member, alice);
  assert.equal(res.organization.organization_id, acme.organization_id);
});
await step("get member by email", async () => {
  const res = await members.get({ organization_id: acme.organization_id, email_address: "bob@acme.com" });
  assertOK(res, "B2BOrganizationsMembersGetResponse");
  assert.equal(res.member_id, bob.member_id);
  assert.deepEqual(res.member, bob);
});
await step("get member by external id, through the organization's external id", async () => {
  const res = await members.get({ organization_id: "acme-ext-1", member_id: "alice-ext" });
  assertOK(res, "B2BOrganizationsMembersGetResponse");
  assert.equal(res.member_id, alice.member_id);
});
await step("get an unknown member fails", () =>
  expectStytchError(() => members.get({ organization_id: acme.organization_id, member_id: unknownMember }), "member_not_found", 404),
);
await step("get a member through another organization fails", () =>
  expectStytchError(() => members.get({ organization_id: globex.organization_id, member_id: alice.member_id }), "member_not_found", 404),
);

await step("update member name and untrusted metadata", async () => {
  const res = await call("organizations.members.update", () =>
    members.update({
      organization_id: acme.organization_id,
      member_id: bob.member_id,
      name: "Robert Builder",
      untrusted_metadata: { locale: null, theme: "light", beta: true },
    }),
  );
  assertOK(res, "B2BOrganizationsMembersUpdateResponse");
  assert.equal(res.member_id, bob.member_id);
  assert.equal(res.member.name, "Robert Builder");
  assert.deepEqual(res.member.untrusted_metadata, { theme: "light", beta: true });
  assert.equal(res.member.email_address, "bob@acme.com");
  assert.equal(res.member.status, "pending");
  bob = res.member;
});
await step("update member: clear is_breakglass and mfa_enrolled, set default_mfa_method", async () => {
  const res = await members.update({
    organization_id: acme.organization_id,
    member_id: alice.member_id,
    is_breakglass: false,
    mfa_enrolled: false,
    default_mfa_method: "sms_otp",
  });
  assertOK(res, "B2BOrganizationsMembersUpdateResponse");
  assert.equal(res.member.is_breakglass, false);
  assert.equal(res.member.mfa_enrolled, false);
  assert.equal(res.member.default_mfa_method, "sms_otp");
  alice = res.member;
});
await step("update member roles: an empty list removes the direct roles", async () => {
  const res = await members.update({ organization_id: acme.organization_id, member_id: alice.member_id, roles: [] });
  assertOK(res, "B2BOrganizationsMembersUpdateResponse");
  assert.ok(!roleIDs(res.member).includes("stytch_admin"), `roles: ${JSON.stringify(res.member.roles)}`);
  assert.equal(res.member.is_admin, false);
  alice = res.member;
});
await step("update member with a second MFA phone number fails", () =>
  expectStytchError(
    () => members.update({ organization_id: acme.organization_id, member_id: alice.member_id, mfa_phone_number: "+12025550199" }),
    "duplicate_member_phone_number_for_member",
    400,
  ),
);
await step("update member to another member's email address fails", () =>
  expectStytchError(
    () => members.update({ organization_id: acme.organization_id, member_id: bob.member_id, email_address: "alice@acme.com" }),
    "duplicate_member_email",
    400,
  ),
);
await step("update an unknown member fails", () =>
  expectStytchError(() => members.update({ organization_id: acme.organization_id, member_id: unknownMember, name: "x" }), "member_not_found", 404),
);

await step("delete member bob", async () => {
  const res = await call("organizations.members.delete", () => members.delete({ organization_id: acme.organization_id, member_id: bob.member_id }));
  assertOK(res, "B2BOrganizationsMembersDeleteResponse");
  assert.equal(res.member_id, bob.member_id);
});
await step("delete a deleted member fails", () =>
  expectStytchError(() => members.delete({ organization_id: acme.organization_id, member_id: bob.member_id }), "member_not_found", 404),
);
await step("dangerously get deleted member", async () => {
  const res = await call("organizations.members.dangerouslyGet", () => members.dangerouslyGet({ member_id: bob.member_id, include_deleted: true }));
  assertOK(res, "B2BOrganizationsMembersGetResponse");
  assert.equal(res.member_id, bob.member_id);
  assert.equal(res.member.status, "deleted");
  assert.equal(res.member.email_address, "bob@acme.com");
  assert.equal(res.organization.organization_id, acme.organization_id);
  return `status ${res.member.status}`;
});
await step("dangerously get deleted member without include_deleted fails", () =>
  expectStytchError(() => members.dangerouslyGet({ member_id: bob.member_id }), "member_not_found", 404),
);

await step("reactivate a deleted member with a verified email address", async () => {
  await members.delete({ organization_id: seed.initech, member_id: seed.samir });
  const res = await call("organizations.members.reactivate", () => members.reactivate({ organization_id: seed.initech, member_id: seed.samir }));
  assertOK(res, "B2BOrganizationsMembersReactivateResponse");
  assert.equal(res.member_id, seed.samir);
  assert.equal(res.member.status, "active");
  assert.equal(res.organization.organization_id, seed.initech);
});
await step("reactivate an active member fails", () =>
  expectStytchError(() => members.reactivate({ organization_id: seed.initech, member_id: seed.samir }), "no_deleted_member_found_for_reactivation", 400),
);
await step("reactivate a member whose email address was never verified fails", async () => {
  await members.delete({ organization_id: seed.initech, member_id: seed.bill });
  return expectStytchError(() => members.reactivate({ organization_id: seed.initech, member_id: seed.bill }), "email_unverified_for_reactivation", 400);
});

// ---- Member factors and email addresses -------------------------------------------------------

await step("get a signed-in member: verified factors, registrations and SCIM attributes", async () => {
  const res = await members.get({ organization_id: seed.initech, member_id: seed.peter });
  assertOK(res, "B2BOrganizationsMembersGetResponse");
  const p = res.member;
  assert.equal(p.email_address_verified, true);
  assert.equal(p.mfa_phone_number_verified, true);
  assert.equal(p.member_password_id, seed.peterPassword);
  assert.equal(p.totp_registration_id, seed.peterTOTP);
  assert.deepEqual(p.retired_email_addresses.map((r) => r.email_address), ["pgibbons@initech.com"]);
  assert.deepEqual(p.scim_registration.scim_attributes, scimAttributes);
});
await step("delete member password", async () => {
  const res = await call("organizations.members.deletePassword", () =>
    members.deletePassword({ organization_id: seed.initech, member_password_id: seed.peterPassword }),
  );
  assertOK(res, "B2BOrganizationsMembersDeletePasswordResponse");
  assert.equal(res.member_id, seed.peter);
  assert.equal(res.member.member_password_id, "");
});
await step("delete a deleted password fails", () =>
  expectStytchError(() => members.deletePassword({ organization_id: seed.initech, member_password_id: seed.peterPassword }), "member_password_not_found", 404),
);
await step("delete member MFA phone number", async () => {
  const res = await call("organizations.members.deleteMFAPhoneNumber", () =>
    members.deleteMFAPhoneNumber({ organization_id: seed.initech, member_id: seed.peter }),
  );
  assertOK(res, "B2BOrganizationsMembersDeleteMFAPhoneNumberResponse");
  assert.equal(res.member.mfa_phone_number, "");
  assert.equal(res.member.mfa_phone_number_verified, false);
});
await step("delete a missing MFA phone number fails", () =>
  expectStytchError(() => members.deleteMFAPhoneNumber({ organization_id: seed.initech, member_id: seed.peter }), "member_phone_number_not_found", 404),
);
await step("delete member TOTP registration", async () => {
  const res = await call("organizations.members.deleteTOTP", () => members.deleteTOTP({ organization_id: seed.initech, member_id: seed.peter }));
  assertOK(res, "B2BOrganizationsMembersDeleteTOTPResponse");
  assert.equal(res.member.totp_registration_id, "");
});
await step("delete a missing TOTP registration fails", () =>
  expectStytchError(() => members.deleteTOTP({ organization_id: seed.initech, member_id: seed.peter }), "totp_not_found", 404),
);
await step("delete member external id; the member is no longer found by it", async () => {
  const res = await call("organizations.members.deleteExternalId", () =>
    members.deleteExternalId({ organization_id: seed.initech, member_id: "peter-ext" }),
  );
  assertOK(res, "B2BOrganizationsMembersDeleteExternalIdResponse");
  assert.equal(res.member_id, seed.peter);
  assert.equal(res.member.external_id ?? "", "");
  return expectStytchError(() => members.get({ organization_id: seed.initech, member_id: "peter-ext" }), "member_not_found", 404);
});
await step("delete the external id of an unknown member fails", () =>
  expectStytchError(() => members.deleteExternalId({ organization_id: seed.initech, member_id: unknownMember }), "member_not_found", 404),
);

await step("update member email address: the old address is retired", async () => {
  const res = await members.update({ organization_id: seed.initech, member_id: seed.peter, email_address: "peter.gibbons@initech.com" });
  assertOK(res, "B2BOrganizationsMembersUpdateResponse");
  assert.equal(res.member.email_address, "peter.gibbons@initech.com");
  assert.ok(
    res.member.retired_email_addresses.some((r) => r.email_address === "peter@initech.com"),
    `retired: ${JSON.stringify(res.member.retired_email_addresses)}`,
  );
});
await step("unlink a retired email address by address", async () => {
  const res = await call("organizations.members.unlinkRetiredEmail", () =>
    members.unlinkRetiredEmail({ organization_id: seed.initech, member_id: seed.peter, email_address: "pgibbons@initech.com" }),
  );
  assertOK(res, "B2BOrganizationsMembersUnlinkRetiredEmailResponse");
  assert.equal(res.member_id, seed.peter);
  assert.equal(res.organization_id, seed.initech);
  assert.deepEqual(res.member.retired_email_addresses.map((r) => r.email_address), ["peter@initech.com"]);
});
await step("unlink a retired email address by email_id", async () => {
  const got = await members.get({ organization_id: seed.initech, member_id: seed.peter });
  const [{ email_id }] = got.member.retired_email_addresses;
  const res = await members.unlinkRetiredEmail({ organization_id: seed.initech, member_id: seed.peter, email_id });
  assertOK(res, "B2BOrganizationsMembersUnlinkRetiredEmailResponse");
  assert.deepEqual(res.member.retired_email_addresses, []);
});
await step("unlink a retired email address with neither email_id nor email_address fails", () =>
  expectStytchError(
    () => members.unlinkRetiredEmail({ organization_id: seed.initech, member_id: seed.peter }),
    "retired_email_missing_email_identifiers",
    400,
  ),
);
await step("start an email update (EMAIL_OTP, French); the address changes once verified", async () => {
  const res = await call("organizations.members.startEmailUpdate", () =>
    members.startEmailUpdate({
      organization_id: seed.initech,
      member_id: seed.samir,
      email_address: "samir.n@initech.com",
      login_redirect_url: "https://app.initech.example/authenticate",
      locale: "fr",
      delivery_method: "EMAIL_OTP",
    }),
  );
  assertOK(res, "B2BOrganizationsMembersStartEmailUpdateResponse");
  assert.equal(res.member_id, seed.samir);
  assert.equal(res.member.email_address, "samir@initech.com");
});
await step("start an email update to an address another member is updating to fails", () =>
  expectStytchError(
    () => members.startEmailUpdate({ organization_id: seed.initech, member_id: seed.milton, email_address: "samir.n@initech.com" }),
    "desired_email_updating_for_different_member",
    400,
  ),
);
await step("start an email update for a member without a verified email address fails", () =>
  expectStytchError(
    () => members.startEmailUpdate({ organization_id: acme.organization_id, member_id: alice.member_id, email_address: "alice.a@acme.com" }),
    "member_has_no_active_verified_email",
    400,
  ),
);

// ---- Connected apps ---------------------------------------------------------------------------

await step("list the organization's connected apps", async () => {
  const res = await call("organizations.connectedApps", () => orgs.connectedApps({ organization_id: "initech" }));
  assertOK(res, "B2BOrganizationsConnectedAppsResponse");
  const byID = Object.fromEntries(res.connected_apps.map((a) => [a.connected_app_id, a]));
  assert.equal(res.connected_apps.length, 2);
  assert.equal(byID[seed.readerApp].name, "Reports Reader");
  assert.equal(byID[seed.readerApp].client_type, "third_party");
  assert.equal(byID[seed.readerApp].logo_url, "https://reports.example/logo.png");
  assert.equal(byID[seed.cliApp].client_type, "first_party");
});
await step("list the connected apps of an unknown organization fails", () =>
  expectStytchError(() => orgs.connectedApps({ organization_id: unknownOrg }), "organization_not_found", 404),
);
await step("get a connected app with its active members", async () => {
  const res = await call("organizations.getConnectedApp", () =>
    orgs.getConnectedApp({ organization_id: seed.initech, connected_app_id: seed.readerApp }),
  );
  assert.equal(res.status_code, 200);
  assertShape(res, "B2BOrganizationsGetConnectedAppResponse");
  assert.equal(res.connected_app_id, seed.readerApp);
  assert.equal(res.description, "Reads TPS reports");
  const scopes = Object.fromEntries(res.active_members.map((m) => [m.member_id, m.granted_scopes]));
  assert.deepEqual(scopes, { [seed.peter]: ["openid", "read:reports"], [seed.milton]: ["openid"] });
});
await step("get an unknown connected app fails", () =>
  expectStytchError(() => orgs.getConnectedApp({ organization_id: seed.initech, connected_app_id: unknownApp }), "connected_app_not_found", 404),
);
await step("list a member's connected apps", async () => {
  const res = await call("organizations.members.getConnectedApps", () =>
    members.getConnectedApps({ organization_id: seed.initech, member_id: seed.peter }),
  );
  assertOK(res, "B2BOrganizationsMembersGetConnectedAppsResponse");
  const scopes = Object.fromEntries(res.connected_apps.map((a) => [a.connected_app_id, a.scopes_granted]));
  assert.deepEqual(scopes, { [seed.readerApp]: "openid read:reports", [seed.cliApp]: "openid" });
});
await step("list the connected apps of an unknown member fails", () =>
  expectStytchError(() => members.getConnectedApps({ organization_id: seed.initech, member_id: unknownMember }), "member_not_found", 404),
);
await step("revoke a member's connected app", async () => {
  const res = await call("organizations.members.connectedApps.revoke", () =>
    members.connectedApps.revoke({ organization_id: seed.initech, member_id: seed.peter, connected_app_id: seed.readerApp }),
  );
  assertOK(res, "B2BOrganizationsMembersConnectedAppsRevokeResponse");
  const mine = await members.getConnectedApps({ organization_id: seed.initech, member_id: seed.peter });
  assert.deepEqual(mine.connected_apps.map((a) => a.connected_app_id), [seed.cliApp]);
  const app = await orgs.getConnectedApp({ organization_id: seed.initech, connected_app_id: seed.readerApp });
  assert.deepEqual(app.active_members.map((m) => m.member_id), [seed.milton]);
});
await step("revoke an unknown connected app fails", () =>
  expectStytchError(
    () => members.connectedApps.revoke({ organization_id: seed.initech, member_id: seed.peter, connected_app_id: unknownApp }),
    "connected_app_not_found",
    404,
  ),
);

// ---- OAuth and OIDC provider tokens -----------------------------------------------------------

const tokenParams = (include_refresh_token) => ({ organization_id: seed.initech, member_id: seed.peter, include_refresh_token });
await step("get Google tokens with the refresh token", async () => {
  const res = await call("organizations.members.oauthProviders.google", () => members.oauthProviders.google(tokenParams(true)));
  assertOK(res, "B2BOrganizationsMembersOAuthProvidersGoogleResponse");
  assert.equal(res.provider_subject, "google-sub-peter");
  assert.equal(res.access_token, "google-access");
  assert.equal(res.access_token_expires_in, 3599);
  assert.deepEqual(res.scopes, ["openid", "email"]);
  assert.equal(res.refresh_token, "google-refresh");
});
await step("get Google tokens without the refresh token", async () => {
  const res = await members.oauthProviders.google(tokenParams(false));
  assertOK(res, "B2BOrganizationsMembersOAuthProvidersGoogleResponse");
  assert.equal(res.access_token, "google-access");
  assert.ok(!res.refresh_token, `refresh_token ${res.refresh_token}`);
});
await step("get Microsoft tokens", async () => {
  const res = await call("organizations.members.oauthProviders.microsoft", () => members.oauthProviders.microsoft(tokenParams(true)));
  assertOK(res, "B2BOrganizationsMembersOAuthProvidersMicrosoftResponse");
  assert.equal(res.provider_subject, "ms-sub-peter");
  assert.equal(res.id_token, "ms-id-token");
  assert.equal(res.refresh_token, "ms-refresh");
});
await step("get Slack tokens", async () => {
  const res = await call("organizations.members.oauthProviders.slack", () =>
    members.oauthProviders.slack({ organization_id: seed.initech, member_id: seed.peter }),
  );
  assertOK(res, "B2BOrganizationsMembersOAuthProvidersSlackResponse");
  assert.equal(res.registrations.length, 1);
  assert.equal(res.registrations[0].provider_tenant_id, "T0INITECH");
  assert.equal(res.registrations[0].bot_access_token, "xoxb-initech");
});
await step("get HubSpot tokens", async () => {
  const res = await call("organizations.members.oauthProviders.hubspot", () => members.oauthProviders.hubspot(tokenParams(true)));
  assertOK(res, "B2BOrganizationsMembersOAuthProvidersHubspotResponse");
  assert.equal(res.registrations.length, 1);
  assert.equal(res.registrations[0].access_token_expires_in, 1800);
  assert.equal(res.registrations[0].refresh_token, "hs-refresh");
});
await step("get GitHub tokens", async () => {
  const res = await call("organizations.members.oauthProviders.github", () => members.oauthProviders.github(tokenParams(false)));
  assertOK(res, "B2BOrganizationsMembersOAuthProvidersGithubResponse");
  assert.equal(res.registrations.length, 1);
  assert.deepEqual(res.registrations[0].provider_tenant_ids, ["initech-gh"]);
});
await step("get OIDC tokens with the refresh token", async () => {
  const res = await call("organizations.members.oidcProviders", () => members.oidcProviders(tokenParams(true)));
  assertOK(res, "B2BOrganizationsMembersOIDCProvidersResponse");
  assert.equal(res.registrations.length, 1);
  assert.equal(res.registrations[0].id_token, "oidc-id-token");
  assert.equal(res.registrations[0].refresh_token, "oidc-refresh");
});
await step("get Google tokens of a member who never signed in with Google fails", () =>
  expectStytchError(
    () => members.oauthProviders.google({ organization_id: seed.initech, member_id: seed.milton }),
    "member_oauth_token_not_found",
    404,
  ),
);
await step("get OIDC tokens of an unknown member fails", () =>
  expectStytchError(() => members.oidcProviders({ organization_id: seed.initech, member_id: unknownMember }), "member_not_found", 404),
);

// ---- Member sessions (RBAC-enforced calls) ----------------------------------------------------

const asAdmin = { authorization: { session_token: seed.adminSession } };
const asMember = { authorization: { session_token: seed.memberSession } };
await step("update organization with an admin's member session", async () => {
  const res = await orgs.update({ organization_id: seed.initech, organization_name: "Initech LLC" }, asAdmin);
  assertOK(res, "B2BOrganizationsUpdateResponse");
  assert.equal(res.organization.organization_name, "Initech LLC");
});
await step("update organization with a plain member's session fails", () =>
  expectStytchError(() => orgs.update({ organization_id: seed.initech, organization_name: "Milton's" }, asMember), "unauthorized_action", 403),
);
await step("update another organization with an admin's session fails", () =>
  expectStytchError(() => orgs.update({ organization_id: acme.organization_id, organization_name: "Taken" }, asAdmin), "unauthorized_action", 403),
);
await step("update trusted_metadata with a member session fails", () =>
  expectStytchError(
    () => orgs.update({ organization_id: seed.initech, trusted_metadata: { plan: "pro" } }, asAdmin),
    "cannot_update_trusted_metadata",
    401,
  ),
);
await step("update one's own name with one's member session", async () => {
  const res = await members.update({ organization_id: seed.initech, member_id: seed.milton, name: "Milton W." }, asMember);
  assertOK(res, "B2BOrganizationsMembersUpdateResponse");
  assert.equal(res.member.name, "Milton W.");
});
await step("delete another member with a plain member's session fails", () =>
  expectStytchError(() => members.delete({ organization_id: seed.initech, member_id: seed.peter }, asMember), "unauthorized_action", 403),
);
await step("search members with a plain member's session fails", () =>
  expectStytchError(() => members.search({ organization_ids: [seed.initech] }, asMember), "unauthorized_action", 403),
);

// ---- Search -----------------------------------------------------------------------------------

await step("search organizations: AND organization_name_fuzzy acme", async () => {
  const res = await call("organizations.search", () =>
    orgs.search({ query: { operator: "AND", operands: [{ filter_name: "organization_name_fuzzy", filter_value: "acme" }] } }),
  );
  assertOK(res, "B2BOrganizationsSearchResponse");
  assert.deepEqual(
    res.organizations.map((o) => o.organization_id),
    [acme.organization_id],
  );
  assert.deepEqual(res.organizations[0], acme);
  assert.equal(res.results_metadata.total, 1);
  assert.ok(res.results_metadata.next_cursor == null, `next_cursor on the last page: ${res.results_metadata.next_cursor}`);
});
await step("search organizations: organization_slugs, oldest first", async () => {
  const res = await orgs.search({ query: { operator: "AND", operands: [{ filter_name: "organization_slugs", filter_value: ["acme-corp", "initech"] }] } });
  assertOK(res, "B2BOrganizationsSearchResponse");
  assert.deepEqual(
    res.organizations.map((o) => o.organization_id),
    [seed.initech, acme.organization_id],
  );
});
await step("search organizations: every organization once, in pages of 2", async () => {
  const all = await orgs.search({ limit: 1000 });
  const paged = [];
  let cursor;
  for (let pages = 0; pages < 50; pages++) {
    const page = await orgs.search({ limit: 2, cursor });
    assertOK(page, "B2BOrganizationsSearchResponse");
    assert.ok(page.organizations.length <= 2);
    paged.push(...page.organizations.map((o) => o.organization_id));
    if (page.results_metadata.next_cursor == null) break;
    cursor = page.results_metadata.next_cursor;
  }
  assert.deepEqual(
    paged,
    all.organizations.map((o) => o.organization_id),
  );
  assert.equal(all.results_metadata.total, paged.length);
  return `${paged.length} organizations`;
});
await step("search organizations with a fuzzy term under 3 characters fails", () =>
  expectStytchError(
    () => orgs.search({ query: { operator: "AND", operands: [{ filter_name: "organization_name_fuzzy", filter_value: "ac" }] } }),
    "organization_search_organization_name_fuzzy_too_short",
    400,
  ),
);
await step("search organizations with an unknown filter fails", () =>
  expectStytchError(
    () => orgs.search({ query: { operator: "AND", operands: [{ filter_name: "organization_colour", filter_value: "red" }] } }),
    "organization_search_filter_name_not_recognized",
    400,
  ),
);
await step("search organizations with a cursor it never gave fails", () =>
  expectStytchError(() => orgs.search({ cursor: "not-a-cursor" }), "user_search_invalid_cursor", 400),
);

await step("search members: organization_ids + member_emails", async () => {
  const res = await call("organizations.members.search", () =>
    members.search({
      organization_ids: [acme.organization_id, globex.organization_id],
      query: { operator: "AND", operands: [{ filter_name: "member_emails", filter_value: ["alice@acme.com"] }] },
    }),
  );
  assertOK(res, "B2BOrganizationsMembersSearchResponse");
  assert.deepEqual(
    res.members.map((m) => m.member_id),
    [alice.member_id],
  );
  assert.deepEqual(res.members[0], alice);
  assert.equal(res.results_metadata.total, 1);
  assert.ok(res.results_metadata.next_cursor == null, `next_cursor on the last page: ${res.results_metadata.next_cursor}`);
  // The map holds exactly the organizations of the members returned.
  assert.deepEqual(Object.keys(res.organizations), [acme.organization_id]);
  assert.equal(res.organizations[acme.organization_id].organization_id, acme.organization_id);
  return `${res.members.length} member, ${Object.keys(res.organizations).length} organization`;
});
await step("search members: deleted members only with a statuses filter", async () => {
  const live = await members.search({ organization_ids: [seed.initech] });
  assertOK(live, "B2BOrganizationsMembersSearchResponse");
  assert.ok(!live.members.some((m) => m.member_id === seed.bill), "deleted bill is listed");
  const res = await members.search({
    organization_ids: [seed.initech],
    query: { operator: "AND", operands: [{ filter_name: "statuses", filter_value: ["deleted"] }] },
  });
  assertOK(res, "B2BOrganizationsMembersSearchResponse");
  assert.deepEqual(
    res.members.map((m) => m.member_id),
    [seed.bill],
  );
});
await step("search members in pages of 1", async () => {
  const all = await members.search({ organization_ids: [seed.initech] });
  const paged = [];
  let cursor;
  for (let pages = 0; pages < 50; pages++) {
    const page = await members.search({ organization_ids: [seed.initech], limit: 1, cursor });
    paged.push(...page.members.map((m) => m.member_id));
    if (page.results_metadata.next_cursor == null) break;
    cursor = page.results_metadata.next_cursor;
  }
  assert.deepEqual(
    paged,
    all.members.map((m) => m.member_id),
  );
  return `${paged.length} members`;
});
await step("search members without organization_ids fails", () =>
  expectStytchError(() => members.search({ organization_ids: [] }), "member_search_organization_ids_empty", 400),
);
await step("search members with an unknown status fails", () =>
  expectStytchError(
    () => members.search({ organization_ids: [seed.initech], query: { operator: "AND", operands: [{ filter_name: "statuses", filter_value: ["sleeping"] }] } }),
    "search_invalid_status_filter",
    400,
  ),
);

// ---- Organization RBAC policy -----------------------------------------------------------------

const auditor = { role_id: "acme_auditor", description: "Reads the member list", permissions: [{ resource_id: "stytch.member", actions: ["search"] }] };
await step("get an organization's RBAC policy: no custom roles yet", async () => {
  const res = await call("rbac.organizations.getOrgPolicy", () => client.rbac.organizations.getOrgPolicy({ organization_id: acme.organization_id }));
  assertOK(res, "B2BRBACOrganizationsGetOrgPolicyResponse");
  assert.deepEqual(res.org_policy.roles, []);
});
await step("set an organization's RBAC policy: one custom role", async () => {
  const res = await call("rbac.organizations.setOrgPolicy", () =>
    client.rbac.organizations.setOrgPolicy({ organization_id: acme.organization_id, org_policy: { roles: [auditor] } }),
  );
  assertOK(res, "B2BRBACOrganizationsSetOrgPolicyResponse");
  assert.deepEqual(res.org_policy.roles, [auditor]);
  const org = await orgs.get({ organization_id: acme.organization_id });
  assert.deepEqual(org.organization.custom_roles, [auditor]);
  const again = await client.rbac.organizations.getOrgPolicy({ organization_id: "acme-corp" });
  assert.deepEqual(again.org_policy.roles, [auditor]);
});
await step("assign the custom role to a member", async () => {
  const res = await members.create({ organization_id: acme.organization_id, email_address: "auditor@acme.com", roles: ["acme_auditor"] });
  assertOK(res, "B2BOrganizationsMembersCreateResponse");
  assert.ok(hasRole(res.member, "acme_auditor", "direct_assignment"), `roles: ${JSON.stringify(res.member.roles)}`);
  await members.delete({ organization_id: acme.organization_id, member_id: res.member_id });
});
await step("assign one organization's custom role in another organization fails", () =>
  expectStytchError(
    () => members.create({ organization_id: globex.organization_id, email_address: "auditor@globex.com", roles: ["acme_auditor"] }),
    "invalid_role",
    400,
  ),
);
await step("set an organization policy redefining a Stytch default role fails", () =>
  expectStytchError(
    () =>
      client.rbac.organizations.setOrgPolicy({
        organization_id: acme.organization_id,
        org_policy: { roles: [{ ...auditor, role_id: "stytch_admin" }] },
      }),
    "invalid_role",
    400,
  ),
);
await step("set an organization policy with no roles clears the custom roles", async () => {
  const res = await client.rbac.organizations.setOrgPolicy({ organization_id: acme.organization_id, org_policy: { roles: [] } });
  assertOK(res, "B2BRBACOrganizationsSetOrgPolicyResponse");
  assert.deepEqual(res.org_policy.roles, []);
  const org = await orgs.get({ organization_id: acme.organization_id });
  assert.deepEqual(org.organization.custom_roles, []);
});
await step("get the RBAC policy of an unknown organization fails", () =>
  expectStytchError(() => client.rbac.organizations.getOrgPolicy({ organization_id: unknownOrg }), "organization_not_found", 404),
);

// ---- Removing things --------------------------------------------------------------------------

await step("get organization metrics: deleted members are not counted", async () => {
  const res = await orgs.metrics({ organization_id: acme.organization_id });
  assertOK(res, "B2BOrganizationsMetricsResponse");
  // alice only: bob, the auditor and the member with a long name are deleted.
  assert.equal(res.member_count, 1);
  return `member_count ${res.member_count}`;
});
await step("delete organization external id; the organization is no longer found by it", async () => {
  const res = await call("organizations.deleteExternalId", () => orgs.deleteExternalId({ organization_id: "acme-ext-1" }));
  assertOK(res, "B2BOrganizationsDeleteExternalIdResponse");
  assert.equal(res.organization.organization_id, acme.organization_id);
  assert.equal(res.organization.organization_external_id ?? "", "");
  return expectStytchError(() => orgs.get({ organization_id: "acme-ext-1" }), "organization_not_found", 404);
});
await step("delete the external id of an unknown organization fails", () =>
  expectStytchError(() => orgs.deleteExternalId({ organization_id: unknownOrg }), "organization_not_found", 404),
);
await step("delete organization with a plain member's session fails", () =>
  expectStytchError(() => orgs.delete({ organization_id: seed.initech }, asMember), "unauthorized_action", 403),
);
await step("delete organization acme-corp", async () => {
  const res = await call("organizations.delete", () => orgs.delete({ organization_id: acme.organization_id }));
  assertOK(res, "B2BOrganizationsDeleteResponse");
  assert.equal(res.organization_id, acme.organization_id);
});
await step("get deleted organization fails", () =>
  expectStytchError(() => orgs.get({ organization_id: acme.organization_id }), "organization_not_found", 404),
);
await step("delete a deleted organization fails", () =>
  expectStytchError(() => orgs.delete({ organization_id: acme.organization_id }), "organization_not_found", 404),
);
await step("a deleted organization's slug and claimed domain are free again", async () => {
  const res = await orgs.create({ organization_name: "Acme Reborn", organization_slug: "acme-corp", claimed_email_domains: ["acme.com"] });
  assertOK(res, "B2BOrganizationsCreateResponse");
  assert.deepEqual(res.organization.claimed_email_domains, ["acme.com"]);
});
await step("delete organization globex", async () => {
  const res = await orgs.delete({ organization_id: globex.organization_id });
  assertOK(res, "B2BOrganizationsDeleteResponse");
  assert.equal(res.organization_id, globex.organization_id);
});

// Every operation the SDK has for this area was called.
await step("every organizations, members, connected apps, provider and RBAC operation of the SDK was called", () => {
  const sdkOperations = [];
  const walk = (obj, prefix) => {
    const proto = Object.getPrototypeOf(obj);
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== "constructor" && typeof obj[name] === "function") sdkOperations.push(`${prefix}.${name}`);
    }
    for (const [name, value] of Object.entries(obj)) {
      if (value && typeof value === "object" && name !== "fetchConfig") walk(value, `${prefix}.${name}`);
    }
  };
  walk(client.organizations, "organizations");
  walk(client.rbac, "rbac");
  const missing = sdkOperations.filter((op) => !operations.has(op));
  assert.deepEqual(missing, [], "SDK operations the session never called");
  return `${sdkOperations.length} operations`;
});

finish();
