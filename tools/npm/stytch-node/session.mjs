// Runs one whole Organizations session with the official Stytch Node SDK, unchanged, against a
// Stytch-compatible server (the stytchmock binary, see scripts/test-node-sdk), and asserts every
// result. It prints one line per step and exits non-zero on the first failure.
//
//	STYTCHMOCK_URL=http://127.0.0.1:4010/ STYTCH_PROJECT_ID=project-test-… STYTCH_SECRET=… \
//	  node tools/npm/stytch-node/session.mjs
//
// Besides the values each step checks, every response is checked against the SDK's own type
// definitions (node_modules/stytch/types/lib/b2b/*.d.ts): each field the SDK declares required
// must be present, non-null and of the declared type, recursively.
import assert from "node:assert/strict";
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

const typeFiles = ["organizations", "organizations_members", "rbac", "scim"];
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
async function step(name, fn) {
  stepNumber++;
  const label = `${String(stepNumber).padStart(2, "0")} ${name}`;
  try {
    const detail = await fn();
    console.log(`ok   ${label}${detail ? ` (${detail})` : ""}`);
  } catch (err) {
    console.log(`FAIL ${label}`);
    if (err instanceof StytchError) {
      console.log(`     unexpected StytchError: status_code=${err.status_code} error_type=${err.error_type} request_id=${err.request_id}`);
      console.log(`     error_message: ${err.error_message}`);
      if (err.error_details) console.log(`     error_details: ${JSON.stringify(err.error_details)}`);
    } else {
      console.log(String(err?.stack ?? err).replace(/^/gm, "     "));
    }
    process.exit(1);
  }
}

// expectStytchError runs fn, which must fail with a StytchError of the given type and status.
async function expectStytchError(fn, errorType, statusCode) {
  let caught;
  try {
    await fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught !== undefined, `want StytchError ${errorType}, but the call succeeded`);
  assert.ok(caught instanceof StytchError, `want StytchError ${errorType}, got ${caught?.constructor?.name}: ${caught?.message}`);
  assert.equal(caught.error_type, errorType, `error_type (message: ${caught.error_message})`);
  assert.equal(caught.status_code, statusCode, "status_code");
  assert.equal(typeof caught.request_id, "string", "request_id");
  assert.ok(caught.request_id.length > 0, "request_id is empty");
  assert.equal(typeof caught.error_message, "string", "error_message");
  assert.ok(caught.error_message.length > 0, "error_message is empty");
  assert.equal(typeof caught.error_url, "string", "error_url");
  return caught;
}

function assertOK(res, typeName) {
  assert.equal(res.status_code, 200, "status_code");
  assert.equal(typeof res.request_id, "string", "request_id");
  assert.ok(res.request_id.length > 0, "request_id is empty");
  assertShape(res, typeName);
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const roleIDs = (member) => member.roles.map((r) => r.role_id);

const client = new B2BClient({ project_id: projectID, secret, env: baseURL });
console.log(`stytch ${sdkVersion} (Node ${process.version}) against ${baseURL} as ${projectID}`);

let acme; // the organization under test
let globex; // a second organization, so that searches have something to leave out
let alice;
let bob;

await step("create organization acme-corp", async () => {
  const res = await client.organizations.create({
    organization_name: "Acme Corporation",
    organization_slug: "acme-corp",
    email_allowed_domains: ["acme.com"],
    trusted_metadata: { plan: "enterprise", region: "eu-west", limits: { seats: 50 } },
  });
  assertOK(res, "B2BOrganizationsCreateResponse");
  acme = res.organization;
  assert.match(acme.organization_id, /^organization-test-/);
  assert.equal(acme.organization_name, "Acme Corporation");
  assert.equal(acme.organization_slug, "acme-corp");
  assert.deepEqual(acme.email_allowed_domains, ["acme.com"]);
  assert.deepEqual(acme.trusted_metadata, { plan: "enterprise", region: "eu-west", limits: { seats: 50 } });
  assert.equal(acme.mfa_policy, "OPTIONAL");
  assert.equal(acme.auth_methods, "ALL_ALLOWED");
  assert.deepEqual(acme.allowed_auth_methods, []);
  assert.equal(acme.email_jit_provisioning, "NOT_ALLOWED");
  assert.equal(acme.organization_logo_url, "");
  assert.deepEqual(acme.sso_active_connections, []);
  assert.match(acme.created_at, rfc3339);
  return acme.organization_id;
});

await step("create organization globex", async () => {
  const res = await client.organizations.create({
    organization_name: "Globex Inc",
    organization_slug: "globex",
    email_allowed_domains: ["globex.com"],
  });
  assertOK(res, "B2BOrganizationsCreateResponse");
  globex = res.organization;
  assert.match(globex.organization_id, /^organization-test-/);
  assert.notEqual(globex.organization_id, acme.organization_id);
  assert.deepEqual(globex.trusted_metadata ?? {}, {});
  return globex.organization_id;
});

await step("create organization with a used slug fails", async () => {
  const err = await expectStytchError(
    () => client.organizations.create({ organization_name: "Acme Again", organization_slug: "acme-corp" }),
    "organization_slug_already_used",
    400,
  );
  return `${err.status_code} ${err.error_type}`;
});

await step("get organization by id", async () => {
  const res = await client.organizations.get({ organization_id: acme.organization_id });
  assertOK(res, "B2BOrganizationsGetResponse");
  assert.deepEqual(res.organization, acme);
});

await step("get organization by slug", async () => {
  const res = await client.organizations.get({ organization_id: "acme-corp" });
  assertOK(res, "B2BOrganizationsGetResponse");
  assert.deepEqual(res.organization, acme);
});

await step("update organization settings and trusted metadata", async () => {
  const res = await client.organizations.update({
    organization_id: acme.organization_id,
    mfa_policy: "REQUIRED_FOR_ALL",
    auth_methods: "RESTRICTED",
    allowed_auth_methods: ["sso", "magic_link"],
    email_jit_provisioning: "RESTRICTED",
    trusted_metadata: { region: null, tier: "gold", limits: { api_calls: 1000 } },
  });
  assertOK(res, "B2BOrganizationsUpdateResponse");
  const org = res.organization;
  assert.equal(org.organization_id, acme.organization_id);
  assert.equal(org.mfa_policy, "REQUIRED_FOR_ALL");
  assert.equal(org.auth_methods, "RESTRICTED");
  assert.deepEqual(org.allowed_auth_methods, ["sso", "magic_link"]);
  assert.equal(org.email_jit_provisioning, "RESTRICTED");
  // Merged at the top level: region deleted by null, tier added, limits replaced whole.
  assert.deepEqual(org.trusted_metadata, { plan: "enterprise", tier: "gold", limits: { api_calls: 1000 } });
  // Fields not sent are unchanged.
  assert.equal(org.organization_name, "Acme Corporation");
  assert.equal(org.organization_slug, "acme-corp");
  assert.deepEqual(org.email_allowed_domains, ["acme.com"]);
  assert.equal(org.email_invites, acme.email_invites);
  assert.equal(org.created_at, acme.created_at);
  if (org.updated_at !== undefined) assert.match(org.updated_at, rfc3339);

  const again = await client.organizations.get({ organization_id: acme.organization_id });
  assertOK(again, "B2BOrganizationsGetResponse");
  assert.deepEqual(again.organization, org, "a get after the update returns the updated organization");
  acme = org;
});

await step("search organizations: AND organization_name_fuzzy acme", async () => {
  const res = await client.organizations.search({
    query: { operator: "AND", operands: [{ filter_name: "organization_name_fuzzy", filter_value: "acme" }] },
  });
  assertOK(res, "B2BOrganizationsSearchResponse");
  assert.deepEqual(
    res.organizations.map((o) => o.organization_id),
    [acme.organization_id],
  );
  assert.deepEqual(res.organizations[0], acme);
  assert.equal(res.results_metadata.total, 1);
  assert.ok(res.results_metadata.next_cursor == null, `next_cursor on the last page: ${res.results_metadata.next_cursor}`);
  return `${res.organizations.length} of 2`;
});

await step("create member alice with role stytch_admin", async () => {
  const res = await client.organizations.members.create({
    organization_id: acme.organization_id,
    email_address: "alice@acme.com",
    name: "Alice Admin",
    roles: ["stytch_admin"],
    trusted_metadata: { employee_id: 1001 },
  });
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
  assert.ok(roleIDs(alice).includes("stytch_admin"), `roles: ${JSON.stringify(alice.roles)}`);
  const admin = alice.roles.find((r) => r.role_id === "stytch_admin");
  assert.ok(admin.sources.some((s) => s.type === "direct_assignment"), `stytch_admin sources: ${JSON.stringify(admin.sources)}`);
  assert.deepEqual(alice.trusted_metadata, { employee_id: 1001 });
  assert.equal(alice.email_address_verified, false);
  assert.equal(alice.mfa_phone_number, "");
  return alice.member_id;
});

await step("create member bob", async () => {
  const res = await client.organizations.members.create({
    organization_id: acme.organization_id,
    email_address: "bob@acme.com",
    name: "Bob",
    untrusted_metadata: { theme: "dark", locale: "en" },
  });
  assertOK(res, "B2BOrganizationsMembersCreateResponse");
  bob = res.member;
  assert.match(bob.member_id, /^member-test-/);
  assert.notEqual(bob.member_id, alice.member_id);
  assert.equal(res.member_id, bob.member_id);
  assert.equal(bob.status, "active");
  assert.equal(bob.is_admin, false);
  assert.ok(!roleIDs(bob).includes("stytch_admin"), `roles: ${JSON.stringify(bob.roles)}`);
  assert.deepEqual(bob.untrusted_metadata, { theme: "dark", locale: "en" });
  return bob.member_id;
});

await step("get member by email", async () => {
  const res = await client.organizations.members.get({ organization_id: acme.organization_id, email_address: "bob@acme.com" });
  assertOK(res, "B2BOrganizationsMembersGetResponse");
  assert.equal(res.member_id, bob.member_id);
  assert.deepEqual(res.member, bob);
  assert.equal(res.organization.organization_id, acme.organization_id);
});

await step("update member name and untrusted metadata", async () => {
  const res = await client.organizations.members.update({
    organization_id: acme.organization_id,
    member_id: bob.member_id,
    name: "Robert Builder",
    untrusted_metadata: { locale: null, theme: "light", beta: true },
  });
  assertOK(res, "B2BOrganizationsMembersUpdateResponse");
  assert.equal(res.member_id, bob.member_id);
  assert.equal(res.member.name, "Robert Builder");
  assert.deepEqual(res.member.untrusted_metadata, { theme: "light", beta: true });
  assert.equal(res.member.email_address, "bob@acme.com");
  assert.equal(res.member.status, "active");
  bob = res.member;
});

await step("search members: organization_ids + member_emails", async () => {
  const res = await client.organizations.members.search({
    organization_ids: [acme.organization_id, globex.organization_id],
    query: { operator: "AND", operands: [{ filter_name: "member_emails", filter_value: ["alice@acme.com"] }] },
  });
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
  assert.deepEqual(res.organizations[acme.organization_id], acme);
  return `${res.members.length} member, ${Object.keys(res.organizations).length} organization`;
});

await step("delete member bob", async () => {
  const res = await client.organizations.members.delete({ organization_id: acme.organization_id, member_id: bob.member_id });
  assertOK(res, "B2BOrganizationsMembersDeleteResponse");
  assert.equal(res.member_id, bob.member_id);
});

await step("dangerously get deleted member", async () => {
  const res = await client.organizations.members.dangerouslyGet({ member_id: bob.member_id, include_deleted: true });
  assertOK(res, "B2BOrganizationsMembersGetResponse");
  assert.equal(res.member_id, bob.member_id);
  assert.equal(res.member.status, "deleted");
  assert.equal(res.member.email_address, "bob@acme.com");
  assert.equal(res.organization.organization_id, acme.organization_id);
  // Without include_deleted a deleted member is not found (openapi.yaml, "Deleted members").
  await expectStytchError(() => client.organizations.members.dangerouslyGet({ member_id: bob.member_id }), "member_not_found", 404);
  return `status ${res.member.status}`;
});

await step("read the RBAC policy", async () => {
  const res = await client.rbac.policy();
  assertOK(res, "B2BRBACPolicyResponse");
  assert.ok(res.policy, "policy is absent");
  const roles = res.policy.roles.map((r) => r.role_id);
  assert.ok(roles.includes("stytch_member"), `roles: ${roles}`);
  assert.ok(roles.includes("stytch_admin"), `roles: ${roles}`);
  const resources = res.policy.resources.map((r) => r.resource_id);
  for (const r of ["stytch.organization", "stytch.member", "stytch.self"]) {
    assert.ok(resources.includes(r), `resources: ${resources}`);
  }
  return `${roles.length} roles, ${resources.length} resources, ${res.policy.scopes.length} scopes`;
});

await step("get organization metrics", async () => {
  const res = await client.organizations.metrics({ organization_id: acme.organization_id });
  assertOK(res, "B2BOrganizationsMetricsResponse");
  // alice only: deleted members are not counted (openapi.yaml, OrganizationMetricsResponse).
  assert.equal(res.member_count, 1);
  return `member_count ${res.member_count}`;
});

await step("delete organization acme-corp", async () => {
  const res = await client.organizations.delete({ organization_id: acme.organization_id });
  assertOK(res, "B2BOrganizationsDeleteResponse");
  assert.equal(res.organization_id, acme.organization_id);
});

await step("get deleted organization fails", async () => {
  const err = await expectStytchError(
    () => client.organizations.get({ organization_id: acme.organization_id }),
    "organization_not_found",
    404,
  );
  return `${err.status_code} ${err.error_type}`;
});

await step("delete organization globex", async () => {
  const res = await client.organizations.delete({ organization_id: globex.organization_id });
  assertOK(res, "B2BOrganizationsDeleteResponse");
  assert.equal(res.organization_id, globex.organization_id);
});

console.log(`all ${stepNumber} steps passed`);
